from __future__ import annotations

from typing import Any

import pytest


def test_encrypt_and_decrypt_through_the_alias(kms: Any, key_id: str) -> None:
    blob = kms.encrypt(
        KeyId="alias/orders", Plaintext=b"card 4111", EncryptionContext={"order": "42"}
    )["CiphertextBlob"]
    answer = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"order": "42"})
    assert answer["Plaintext"] == b"card 4111"
    assert answer["KeyId"].endswith(f":key/{key_id}")


def test_wrong_context_is_refused(kms: Any, key_id: str) -> None:
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"order": "42"})
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"order": "43"})


def test_every_test_starts_empty(kms: Any) -> None:
    assert kms.list_keys()["Keys"] == []
    assert kms.list_aliases()["Aliases"] == []
