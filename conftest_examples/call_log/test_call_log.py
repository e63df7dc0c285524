from __future__ import annotations

from typing import Any

from kmsmock import KmsMock
from kmsmock.calls import REDACTED


def seal(kms: Any, key_id: str, record_id: str, secret: bytes) -> bytes:
    """The code under test: encrypts ``secret`` bound to the record it belongs to."""
    out = kms.encrypt(KeyId=key_id, Plaintext=secret, EncryptionContext={"record": record_id})
    blob: bytes = out["CiphertextBlob"]
    return blob


def test_seal_binds_the_record_id(kms_mock: KmsMock, kms_client: Any, key_id: str) -> None:
    kms_mock.calls.reset()  # forget the fixture's CreateKey

    seal(kms_client, key_id, "r-42", b"card number")

    [call] = kms_mock.assert_called("Encrypt", KeyId=key_id, EncryptionContext={"record": "r-42"})
    assert call.request["Plaintext"] == REDACTED  # never in the log unless log_secrets=True
    assert kms_mock.calls.count() == 1


def test_nothing_is_decrypted_while_sealing(
    kms_mock: KmsMock, kms_client: Any, key_id: str
) -> None:
    seal(kms_client, key_id, "r-1", b"a")
    seal(kms_client, key_id, "r-2", b"b")
    assert kms_mock.calls.count("Encrypt") == 2
    kms_mock.assert_not_called("Decrypt")
