"""GetPublicKey: DER SubjectPublicKeyInfo of every asymmetric spec plus KeySpec, KeyUsage and the
algorithm list; refusals for symmetric/HMAC keys and by key state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from kmsmock import KmsMock
from tests.helpers import error_of, new_client, refusal

from . import model

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

CLASSIC = [
    (
        "RSA_2048",
        "ENCRYPT_DECRYPT",
        "EncryptionAlgorithms",
        ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
    ),
    ("RSA_3072", "SIGN_VERIFY", "SigningAlgorithms", None),
    ("ECC_NIST_P256", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
    ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
    ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
    (
        "ECC_NIST_EDWARDS25519",
        "SIGN_VERIFY",
        "SigningAlgorithms",
        ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
    ),
    ("ML_DSA_44", "SIGN_VERIFY", "SigningAlgorithms", ["ML_DSA_SHAKE_256"]),
    ("ML_DSA_87", "SIGN_VERIFY", "SigningAlgorithms", ["ML_DSA_SHAKE_256"]),
    model.param(
        "ML_KEM_768",
        "ENCAPSULATE_DECAPSULATE",
        "EncapsulationAlgorithms",
        ["ML_KEM"],
        needs=("KeySpec=ML_KEM_768", "GetPublicKeyResponse.EncapsulationAlgorithms"),
    ),
]
CURVES = {
    "ECC_NIST_P256": "secp256r1",
    "ECC_NIST_P384": "secp384r1",
    "ECC_NIST_P521": "secp521r1",
    "ECC_SECG_P256K1": "secp256k1",
}


@pytest.mark.parametrize(("spec", "usage", "field", "algorithms"), CLASSIC)
def test_public_key_and_metadata(
    kms_client: KMSClient, spec: str, usage: str, field: str, algorithms: list[str] | None
) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    out = kms_client.get_public_key(KeyId=key["KeyId"])
    assert set(out) - {"ResponseMetadata"} == {
        "KeyId",
        "PublicKey",
        "CustomerMasterKeySpec",
        "KeySpec",
        "KeyUsage",
        field,
    }
    assert out["KeyId"] == key["Arn"]
    assert out["KeySpec"] == out["CustomerMasterKeySpec"] == spec
    assert out["KeyUsage"] == usage
    assert out[field] == (algorithms or key[field])
    public = serialization.load_der_public_key(out["PublicKey"])
    if spec.startswith("RSA_"):
        assert isinstance(public, rsa.RSAPublicKey)
        assert public.key_size == int(spec[4:])
    elif spec in CURVES:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        assert public.curve.name == CURVES[spec]
    elif spec == "ECC_NIST_EDWARDS25519":
        assert isinstance(public, ed25519.Ed25519PublicKey)
    else:
        assert type(public).__name__ == spec.replace("_", "") + "PublicKey"
    # Same key, same public key: generated once, on first use.
    assert kms_client.get_public_key(KeyId=key["Arn"])["PublicKey"] == out["PublicKey"]


def test_alias_names_the_key(kms_client: KMSClient) -> None:
    key = kms_client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms_client.create_alias(AliasName="alias/pub", TargetKeyId=key["KeyId"])
    assert kms_client.get_public_key(KeyId="alias/pub")["KeyId"] == key["Arn"]


@pytest.mark.parametrize(
    ("spec", "usage"),
    [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC")],
)
def test_symmetric_and_hmac_keys_have_no_public_key(
    kms_client: KMSClient, spec: str, usage: str
) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    with pytest.raises(ClientError) as exc:
        kms_client.get_public_key(KeyId=key["KeyId"])
    assert error_of(exc) == ("UnsupportedOperationException", "")
    assert "message" not in exc.value.response


@pytest.mark.parametrize(
    ("spec", "usage"), [("ECC_NIST_P256", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC")]
)
def test_pending_deletion_is_checked_before_the_key_spec(
    kms_client: KMSClient, spec: str, usage: str
) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    kms_client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert refusal(kms_client.get_public_key, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException",
        f"{key['Arn']} is pending deletion.",
    )


@pytest.mark.parametrize(
    ("spec", "usage"), [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("RSA_2048", "SIGN_VERIFY")]
)
def test_pending_import(kms_client: KMSClient, spec: str, usage: str) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage, Origin="EXTERNAL")["KeyMetadata"]
    assert refusal(kms_client.get_public_key, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException",
        f"{key['Arn']} is pending import.",
    )


def test_disabled_key_still_shows_its_public_key(kms_client: KMSClient) -> None:
    # Recorded from real KMS by floci (getPublicKeyWorksOnADisabledKey), against the 2023 table.
    key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    before = kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    kms_client.disable_key(KeyId=key["KeyId"])
    out = kms_client.get_public_key(KeyId=key["KeyId"])
    assert out["KeyId"] == key["Arn"]
    assert out["PublicKey"] == before


def test_sm2_public_key_in_china(kms_mock: KmsMock) -> None:
    client = new_client("cn-northwest-1")
    key = client.create_key(KeySpec="SM2", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    out = client.get_public_key(KeyId=key["KeyId"])
    assert out["EncryptionAlgorithms"] == ["SM2PKE"]
    der = out["PublicKey"]
    # SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 }, BIT STRING 00 04 x y }
    assert der[:4] == bytes.fromhex("30593013")
    assert bytes.fromhex("06072a8648ce3d020106082a811ccf5501822d") in der
    assert der[-66:-64] == b"\x00\x04"
    assert len(der) == 91
