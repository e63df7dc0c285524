"""The protocol's shortcuts around ``json`` (issue 12, speed) answer exactly as ``json`` does."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone

import pytest

from kmsmock import errors, protocol, validation
from kmsmock.crypto import envelope
from tests.model import MODEL

BODIES = [
    b"",
    b"{}",
    b'{"KeyId":"k","Plaintext":"AA=="}',
    '{"Description":"caf\u00e9 \U0001f600"}'.encode(),
    b'{"Description":"\\ud800"}',  # a lone surrogate escape
    b"\xef\xbb\xbf{}",  # UTF-8 BOM
    "{}".encode("utf-16"),  # json.loads detects UTF-16
    "{}".encode("utf-16-le"),
    b" {}",
    b"[1]",
    b"{",  # refused, as json refuses them
    b"{\xff}",
    b'{"a":1}x',
]


@pytest.mark.parametrize("body", BODIES)
def test_parse_is_json_loads(body: bytes) -> None:
    try:
        expected = json.loads(body or b"{}")
    except ValueError as error:
        with pytest.raises(type(error)):
            protocol._parse(body)
        return
    assert protocol._parse(body) == expected


def test_encode_is_the_json_encoder() -> None:
    payload = {
        "Blob": b"\x00\xffabc",
        "When": datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc),
        "Text": 'caf\u00e9 \U0001f600 "quoted"',
        "Numbers": [1, 2.5, True, None],
        "Nested": {"Empty": {}, "List": []},
    }
    reference = json.JSONEncoder(default=protocol._wire, separators=(",", ":")).encode(payload)
    assert protocol._encode(payload) == reference


BASE64_EDGES = [
    "",
    "AA==",
    "AAA=",
    "AAAA",
    "A",
    "AA",
    "AAA",
    "A===",
    "AA=A",
    "=AAA",
    "AA==AA==",
    "AB+/",
    "AB-_",
    " AAAA",
    "AAAA\n",
    "ÄAAA",
    "AAAA=",
    "AAAAA",
    "ZZ==",
    "Zg",
    "Zg=",
]


@pytest.mark.parametrize("text", BASE64_EDGES)
def test_blob_decoding_is_b64decode_validate(text: str) -> None:
    """A blob member accepts and decodes exactly what ``base64.b64decode(validate=True)`` does."""
    checker = validation.compile_shape(MODEL.shape_for("CiphertextType"))
    try:
        expected: bytes | None = base64.b64decode(text, validate=True)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(errors.KMSError, match="base64"):
            checker(text, "ciphertextBlob", [])
    else:
        assert checker(text, "ciphertextBlob", []) == expected


def test_envelope_key_ids_are_uuids_both_ways() -> None:
    for _ in range(200):
        u = uuid.uuid4()
        assert envelope._key_id_bytes(str(u)) == (0, u.bytes)
        assert envelope._uuid_text(u.bytes) == str(u)
