from __future__ import annotations

import base64
from typing import Any

from kmsmock import mock_kms


def read_secret(kms: Any, blob: str) -> str:
    """The application's code under test."""
    answer = kms.decrypt(CiphertextBlob=base64.b64decode(blob), EncryptionContext={"app": "x"})
    return str(answer["Plaintext"].decode())


def test_a_committed_ciphertext_decrypts(kms: Any, stored: dict[str, Any]) -> None:
    assert read_secret(kms, stored["database_password"]) == "correct horse battery staple"


def test_the_seeded_key_is_as_declared(kms: Any) -> None:
    key = kms.describe_key(KeyId="alias/app-secrets")["KeyMetadata"]
    assert key["KeyId"] == "7f3b2c1d-9e8a-4b6c-a5d4-3e2f1a0b9c8d"


def test_deterministic_mode_gives_the_same_ids_every_run() -> None:
    import boto3

    def first_key_id() -> str:
        with mock_kms(seed=42):
            kms = boto3.client("kms", region_name="us-east-1")
            return str(kms.create_key()["KeyMetadata"]["KeyId"])

    assert first_key_id() == first_key_id()
