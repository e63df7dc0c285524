"""The symmetric ciphertext blob: self-describing and authenticated.

Layout (all integers big-endian)::

    version (1) = 1 | key-id form (1): 0 UUID, 1 mrk- | account (5) | key id (16)
    | key material id (32) | nonce (12) | AES-256-GCM ciphertext + tag (16)

The header names the key and the material version that sealed the data, so Decrypt needs no
KeyId and every older version stays usable after rotation. The header and the encryption context
are bound as associated data, so changing either — or any other byte — fails authentication.
The context is encoded unambiguously (sorted pairs, each part length-prefixed): ``{"a": "bc"}``
and ``{"ab": "c"}`` are different contexts.
"""

from __future__ import annotations

import functools
import os
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
_FORM_UUID, _FORM_MRK = 0, 1
_HEADER = 1 + 1 + 5 + 16 + 32
_NONCE = 12
_TAG = 16
MIN_BLOB = _HEADER + _NONCE + _TAG
_IN_USE = 128


class Undecryptable(Exception):
    """The blob is not a ciphertext this key material can open (tampered, truncated, foreign)."""


class Header(NamedTuple):  # read on every Decrypt: a named tuple is the cheapest to build
    account: str
    key_id: str
    material_id: str
    raw: bytes


def _key_id_bytes(key_id: str) -> tuple[int, bytes]:
    if key_id.startswith("mrk-"):
        return _FORM_MRK, bytes.fromhex(key_id[4:])
    # kmsmock's key ids are canonical UUID strings: ``uuid.UUID(key_id).bytes``, 4x faster
    return _FORM_UUID, bytes.fromhex(key_id.replace("-", ""))


def _uuid_text(raw: bytes) -> str:
    """``str(uuid.UUID(bytes=raw))``, without building the UUID object."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def context_bytes(context: dict[str, str] | None) -> bytes:
    if not context:
        return b""
    out = bytearray(len(context).to_bytes(4, "big"))
    for k in sorted(context):
        # JSON can carry lone surrogates; encode them as-is so such a context still round-trips.
        for part in (
            k.encode("utf-8", "surrogatepass"),
            context[k].encode("utf-8", "surrogatepass"),
        ):
            out += len(part).to_bytes(4, "big") + part
    return bytes(out)


def seal(
    account: str,
    key_id: str,
    material_id: str,
    secret: bytes,
    plaintext: bytes,
    context: dict[str, str] | None,
) -> bytes:
    header = _header(account, key_id, material_id)
    nonce = os.urandom(_NONCE)
    sealed = _cipher(secret).encrypt(nonce, plaintext, header + context_bytes(context))
    return header + nonce + sealed


# A key's header and cipher are the same for every request it serves: made once for the keys
# in use. Few, so that keys deleted long ago leave nothing behind (tests/test_long_run.py).
@functools.lru_cache(maxsize=_IN_USE)
def _header(account: str, key_id: str, material_id: str) -> bytes:
    form, kid = _key_id_bytes(key_id)
    return (
        bytes((VERSION, form)) + int(account).to_bytes(5, "big") + kid + bytes.fromhex(material_id)
    )


@functools.lru_cache(maxsize=_IN_USE)
def _cipher(secret: bytes) -> AESGCM:
    return AESGCM(secret)


def read_header(blob: bytes) -> Header:
    """The key and material a blob names; ``Undecryptable`` if it is not one of ours."""
    if len(blob) < MIN_BLOB or blob[0] != VERSION or blob[1] not in (_FORM_UUID, _FORM_MRK):
        raise Undecryptable
    account = f"{int.from_bytes(blob[2:7], 'big'):012d}"
    kid = blob[7:23]
    key_id = f"mrk-{kid.hex()}" if blob[1] == _FORM_MRK else _uuid_text(kid)
    return Header(account, key_id, blob[23:_HEADER].hex(), blob[:_HEADER])


def open_sealed(
    header: Header, blob: bytes, secret: bytes, context: dict[str, str] | None
) -> bytes:
    nonce = blob[_HEADER : _HEADER + _NONCE]
    try:
        return _cipher(secret).decrypt(
            nonce, blob[_HEADER + _NONCE :], header.raw + context_bytes(context)
        )
    except InvalidTag:
        raise Undecryptable from None
