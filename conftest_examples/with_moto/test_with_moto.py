from __future__ import annotations

import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def store(s3: Any, kms: Any, key_id: str, name: str, data: bytes) -> None:
    """Application code: envelope encryption with a KMS data key, stored in S3."""
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, data, None)
    s3.put_object(
        Bucket="documents",
        Key=name,
        Body=nonce + sealed,
        Metadata={"wrapped-key": data_key["CiphertextBlob"].hex()},
    )


def load(s3: Any, kms: Any, name: str) -> bytes:
    obj = s3.get_object(Bucket="documents", Key=name)
    wrapped = bytes.fromhex(obj["Metadata"]["wrapped-key"])
    data_key = kms.decrypt(CiphertextBlob=wrapped)["Plaintext"]
    body = obj["Body"].read()
    return AESGCM(data_key).decrypt(body[:12], body[12:], None)


def test_envelope_encryption_round_trip(s3: Any, kms: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    store(s3, kms, key_id, "report.txt", b"quarterly numbers")
    assert load(s3, kms, "report.txt") == b"quarterly numbers"
    assert b"quarterly" not in s3.get_object(Bucket="documents", Key="report.txt")["Body"].read()


def test_s3_server_side_encryption_names_a_kmsmock_key(s3: Any, kms: Any) -> None:
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    s3.put_object(
        Bucket="documents",
        Key="sse.txt",
        Body=b"hello",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_arn,
    )
    assert s3.head_object(Bucket="documents", Key="sse.txt")["SSEKMSKeyId"] == key_arn
