"""Asymmetric Encrypt/Decrypt: real RSA-OAEP (SHA-1 and SHA-256) that interoperates with
``cryptography`` in both directions, AWS's plaintext limits per key size, and SM2PKE in China
Regions checked against ``gmalg``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.helpers import refusal, wrong_usage

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

OAEP = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}
LIMITS = {  # kms-facts §4, recorded from AWS
    ("RSA_2048", "RSAES_OAEP_SHA_1"): 214,
    ("RSA_2048", "RSAES_OAEP_SHA_256"): 190,
    ("RSA_3072", "RSAES_OAEP_SHA_1"): 342,
    ("RSA_3072", "RSAES_OAEP_SHA_256"): 318,
    ("RSA_4096", "RSAES_OAEP_SHA_1"): 470,
    ("RSA_4096", "RSAES_OAEP_SHA_256"): 446,
}


def oaep(algorithm: str) -> padding.OAEP:
    h = OAEP[algorithm]()
    return padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
def test_rsa_oaep_interoperates_both_ways_at_the_size_limit(
    kms_client: KMSClient, spec: str
) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert key["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public = serialization.load_der_public_key(
        kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    )
    assert isinstance(public, rsa.RSAPublicKey)
    for algorithm in OAEP:
        limit = LIMITS[(spec, algorithm)]
        plaintext = bytes(range(256)) * 2
        plaintext = plaintext[:limit]
        # Outside -> KMS: data sealed with the public key opens with Decrypt (given the KeyId).
        outside = public.encrypt(plaintext, oaep(algorithm))
        opened = kms_client.decrypt(
            CiphertextBlob=outside, KeyId=key["KeyId"], EncryptionAlgorithm=algorithm
        )
        assert opened["Plaintext"] == plaintext
        assert opened["KeyId"] == key["Arn"]
        assert opened["EncryptionAlgorithm"] == algorithm
        assert "KeyMaterialId" not in opened
        # KMS -> outside: the ciphertext is plain RSA-OAEP, modulus-sized.
        out = kms_client.encrypt(
            KeyId=key["KeyId"], Plaintext=plaintext, EncryptionAlgorithm=algorithm
        )
        assert out["EncryptionAlgorithm"] == algorithm
        assert len(out["CiphertextBlob"]) == public.key_size // 8
        assert refusal(
            kms_client.encrypt,
            KeyId=key["KeyId"],
            Plaintext=plaintext + b"!",
            EncryptionAlgorithm=algorithm,
        ) == (
            "ValidationException",
            f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than "
            f"{limit} bytes.",
        )
        # The other OAEP hash does not open it.
        other = next(a for a in OAEP if a != algorithm)
        assert refusal(
            kms_client.decrypt,
            CiphertextBlob=out["CiphertextBlob"],
            KeyId=key["KeyId"],
            EncryptionAlgorithm=other,
        ) == ("InvalidCiphertextException", "")
        # Decrypting outside needs the private key, which never leaves KMS; so check the
        # ciphertext round-trips through Decrypt and is not deterministic.
        again = kms_client.encrypt(
            KeyId=key["KeyId"], Plaintext=plaintext, EncryptionAlgorithm=algorithm
        )
        assert again["CiphertextBlob"] != out["CiphertextBlob"]
        back = kms_client.decrypt(
            CiphertextBlob=out["CiphertextBlob"], KeyId=key["Arn"], EncryptionAlgorithm=algorithm
        )
        assert back["Plaintext"] == plaintext


def test_asymmetric_ciphertext_without_key_id_is_invalid(kms_client: KMSClient) -> None:
    key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    blob = kms_client.encrypt(
        KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )["CiphertextBlob"]
    assert refusal(kms_client.decrypt, CiphertextBlob=blob) == ("InvalidCiphertextException", "")


def test_default_algorithm_on_rsa_key(kms_client: KMSClient) -> None:
    key = kms_client.create_key(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert refusal(kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.",
    )


@pytest.mark.parametrize(
    ("algorithm", "disabled"),
    [("RSAES_OAEP_SHA_1", False), ("RSAES_OAEP_SHA_256", True)],
    ids=["enabled", "disabled"],
)
def test_signing_key_cannot_encrypt(kms_client: KMSClient, algorithm: str, disabled: bool) -> None:
    """Even a disabled one: the key usage is checked before the key state."""
    key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    if disabled:
        kms_client.disable_key(KeyId=key["KeyId"])
    assert refusal(
        kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm=algorithm
    ) == wrong_usage(key["Arn"], "SIGN_VERIFY", "Encrypt")


class TestSm2pke:
    def test_round_trips_with_gmalg(self, china_kms: KMSClient) -> None:
        gmalg = pytest.importorskip("gmalg")
        key = china_kms.create_key(KeySpec="SM2", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        assert key["EncryptionAlgorithms"] == ["SM2PKE"]
        point = china_kms.get_public_key(KeyId=key["KeyId"])["PublicKey"][-65:]
        # Outside -> KMS: gmalg's C1 || C3 || C2 in the GM/T 0009 DER form KMS takes.
        raw = gmalg.SM2(pk=point).encrypt(b"sealed outside")
        blob = sm2_cipher_der(raw)
        opened = china_kms.decrypt(
            CiphertextBlob=blob, KeyId=key["KeyId"], EncryptionAlgorithm="SM2PKE"
        )
        assert opened["Plaintext"] == b"sealed outside"
        assert opened["EncryptionAlgorithm"] == "SM2PKE"
        # KMS -> outside: parse the DER and check C3 = SM3(x2 || M || y2) would need the private
        # key; instead re-encrypting proves the format and Decrypt proves the content.
        out = china_kms.encrypt(
            KeyId=key["KeyId"], Plaintext=b"m" * 1024, EncryptionAlgorithm="SM2PKE"
        )
        assert out["CiphertextBlob"][0] == 0x30
        back = china_kms.decrypt(
            CiphertextBlob=out["CiphertextBlob"], KeyId=key["KeyId"], EncryptionAlgorithm="SM2PKE"
        )
        assert back["Plaintext"] == b"m" * 1024
        assert refusal(
            china_kms.encrypt,
            KeyId=key["KeyId"],
            Plaintext=b"m" * 1025,
            EncryptionAlgorithm="SM2PKE",
        ) == (
            "ValidationException",
            "Algorithm SM2PKE and key spec SM2 cannot encrypt data larger than 1024 bytes.",
        )

    def test_tampered_ciphertext_is_invalid(self, china_kms: KMSClient) -> None:
        key = china_kms.create_key(KeySpec="SM2", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        blob = bytearray(
            china_kms.encrypt(KeyId=key["KeyId"], Plaintext=b"abc", EncryptionAlgorithm="SM2PKE")[
                "CiphertextBlob"
            ]
        )
        blob[-1] ^= 1
        assert refusal(
            china_kms.decrypt,
            CiphertextBlob=bytes(blob),
            KeyId=key["KeyId"],
            EncryptionAlgorithm="SM2PKE",
        ) == ("InvalidCiphertextException", "")


def sm2_cipher_der(raw: bytes) -> bytes:
    """gmalg's 04 || x || y || C3 || C2 as GM/T 0009 SM2Cipher DER (written here, in the test)."""

    def tlv(tag: int, body: bytes) -> bytes:
        n = len(body)
        length = bytes([n]) if n < 128 else bytes([0x82]) + n.to_bytes(2, "big")
        return bytes([tag]) + length + body

    def integer(b: bytes) -> bytes:
        b = b.lstrip(b"\x00") or b"\x00"
        return tlv(2, b"\x00" + b if b[0] & 0x80 else b)

    x, y, c3, c2 = raw[1:33], raw[33:65], raw[65:97], raw[97:]
    return tlv(0x30, integer(x) + integer(y) + tlv(4, c3) + tlv(4, c2))
