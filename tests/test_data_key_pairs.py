"""GenerateDataKeyPair(WithoutPlaintext): every KeyPairSpec gives a PKCS#8 private key and an SPKI
public key that ``cryptography`` loads and that belong together, the private key sealed under a
symmetric KMS key in an ordinary ciphertext blob that Decrypt opens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from kmsmock import KmsMock
from tests.helpers import STATE_CHANGES, new_client, out_of_service, refusal, wrong_usage

from . import model

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

CLASSIC = [
    *model.AWS_ORDER["KeySpec"][:8],  # RSA, NIST and SECG ECC, Ed25519: in every model
    # Only in botocore models that have ML-KEM (1.44 on).
    *(model.param(s, needs=[f"DataKeyPairSpec={s}"]) for s in ("ML_KEM_768", "ML_KEM_1024")),
]


def spki(private: Any) -> bytes:
    return bytes(
        private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


@pytest.fixture
def wrapping(kms_client: KMSClient) -> dict[str, Any]:
    return dict(kms_client.create_key()["KeyMetadata"])


@pytest.mark.parametrize("pair_spec", CLASSIC)
def test_pair_belongs_together_and_private_key_decrypts(
    kms_client: KMSClient, wrapping: Any, pair_spec: str
) -> None:
    out = kms_client.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec=pair_spec)
    assert set(out) - {"ResponseMetadata"} == {
        "PrivateKeyCiphertextBlob",
        "PrivateKeyPlaintext",
        "PublicKey",
        "KeyId",
        "KeyPairSpec",
        "KeyMaterialId",
    }
    assert out["KeyId"] == wrapping["Arn"]
    assert out["KeyPairSpec"] == pair_spec
    assert out["KeyMaterialId"] == wrapping["CurrentKeyMaterialId"]
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
    assert spki(private) == out["PublicKey"]
    assert serialization.load_der_public_key(out["PublicKey"]) is not None
    if pair_spec.startswith("RSA_"):
        assert isinstance(private, rsa.RSAPrivateKey)
        assert private.key_size == int(pair_spec[4:])
    elif pair_spec.startswith("ECC_NIST_EDWARDS"):
        assert isinstance(private, ed25519.Ed25519PrivateKey)
    elif pair_spec.startswith("ECC_"):
        assert isinstance(private, ec.EllipticCurvePrivateKey)
    else:
        assert type(private).__name__ == pair_spec.replace("_", "") + "PrivateKey"
    opened = kms_client.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])
    assert opened["Plaintext"] == out["PrivateKeyPlaintext"]
    assert opened["KeyId"] == wrapping["Arn"]
    assert opened["KeyMaterialId"] == out["KeyMaterialId"]


@model.requires("DataKeyPairSpec=ML_KEM_768", "DataKeyPairSpec=ML_KEM_1024")
def test_ml_kem_private_keys_are_in_seed_form(kms_client: KMSClient, wrapping: Any) -> None:
    # "the length of the private key is the same for all ML-KEM key pair specs"
    lengths = {
        len(
            kms_client.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec=spec)[
                "PrivateKeyPlaintext"
            ]
        )
        for spec in ("ML_KEM_768", "ML_KEM_1024")
    }
    assert len(lengths) == 1


def test_every_call_is_a_new_pair(kms_client: KMSClient, wrapping: Any) -> None:
    a = kms_client.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256")
    b = kms_client.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256")
    assert a["PublicKey"] != b["PublicKey"]


def test_the_pair_works_outside(kms_client: KMSClient, wrapping: Any) -> None:
    out = kms_client.generate_data_key_pair_without_plaintext(
        KeyId=wrapping["KeyId"], KeyPairSpec="RSA_2048"
    )
    assert "PrivateKeyPlaintext" not in out
    assert set(out) - {"ResponseMetadata"} == {
        "PrivateKeyCiphertextBlob",
        "PublicKey",
        "KeyId",
        "KeyPairSpec",
        "KeyMaterialId",
    }
    public = serialization.load_der_public_key(out["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    sealed = public.encrypt(b"for the private key", oaep)
    private_der = kms_client.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"]
    private = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.decrypt(sealed, oaep) == b"for the private key"


@pytest.mark.parametrize(
    "operation", ["generate_data_key_pair", "generate_data_key_pair_without_plaintext"]
)
def test_encryption_context_binds_the_blob(
    kms_client: KMSClient, wrapping: Any, operation: str
) -> None:
    out = getattr(kms_client, operation)(
        KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256", EncryptionContext={"k": "v"}
    )
    assert refusal(kms_client.decrypt, CiphertextBlob=out["PrivateKeyCiphertextBlob"]) == (
        "InvalidCiphertextException",
        "",
    )
    opened = kms_client.decrypt(
        CiphertextBlob=out["PrivateKeyCiphertextBlob"], EncryptionContext={"k": "v"}
    )
    serialization.load_der_private_key(opened["Plaintext"], password=None)


def test_blob_follows_rotation(kms_client: KMSClient, wrapping: Any) -> None:
    before = kms_client.generate_data_key_pair_without_plaintext(
        KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256"
    )
    kms_client.rotate_key_on_demand(KeyId=wrapping["KeyId"])
    after = kms_client.generate_data_key_pair_without_plaintext(
        KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256"
    )
    assert after["KeyMaterialId"] != before["KeyMaterialId"]
    old = kms_client.decrypt(CiphertextBlob=before["PrivateKeyCiphertextBlob"])
    assert old["KeyMaterialId"] == before["KeyMaterialId"]


@pytest.mark.parametrize(
    "operation", ["GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"]
)
class TestRefusals:
    def test_asymmetric_wrapping_key(self, kms_client: KMSClient, operation: str) -> None:
        key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        assert refusal(call, kms_client, operation, key["Arn"]) == (
            "InvalidKeyUsageException",
            "You cannot generate a data key with an asymmetric CMK",
        )

    @pytest.mark.parametrize(
        ("spec", "usage"), [("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "SIGN_VERIFY")]
    )
    def test_key_usage(self, kms_client: KMSClient, operation: str, spec: str, usage: str) -> None:
        key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
        assert refusal(call, kms_client, operation, key["Arn"]) == wrong_usage(
            key["Arn"], usage, operation
        )

    @pytest.mark.parametrize("change", STATE_CHANGES)
    def test_key_state(
        self, kms_client: KMSClient, wrapping: Any, operation: str, change: str
    ) -> None:
        refused = out_of_service(kms_client, wrapping, change)
        assert refusal(call, kms_client, operation, wrapping["KeyId"]) == refused

    def test_pending_import(self, kms_client: KMSClient, operation: str) -> None:
        key = kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"]
        assert refusal(call, kms_client, operation, key["KeyId"]) == (
            "KMSInvalidStateException",
            f"{key['Arn']} is pending import.",
        )

    def test_sm2_outside_china(self, kms_client: KMSClient, wrapping: Any, operation: str) -> None:
        assert refusal(call, kms_client, operation, wrapping["KeyId"], "SM2") == (
            "UnsupportedOperationException",
            "KeyPairSpec SM2 is not supported in this Region",
        )

    @model.requires("DataKeyPairSpec=ML_KEM_768")
    def test_ml_kem_in_china(self, kms_mock: KmsMock, operation: str) -> None:
        client = new_client("cn-north-1")
        key = client.create_key()["KeyMetadata"]
        assert refusal(call, client, operation, key["KeyId"], "ML_KEM_768") == (
            "UnsupportedOperationException",
            "KeyPairSpec ML_KEM_768 is not supported in this Region",
        )

    @model.lacks("DataKeyPairSpec=ML_KEM_768")
    def test_an_older_model_refuses_ml_kem(
        self, kms_client: KMSClient, wrapping: Any, operation: str
    ) -> None:
        assert refusal(call, kms_client, operation, wrapping["KeyId"], "ML_KEM_768") == (
            "ValidationException",
            "1 validation error detected: Value 'ML_KEM_768' at 'keyPairSpec' failed to satisfy "
            f"constraint: Member must satisfy enum value set: {model.enum_list('DataKeyPairSpec')}",
        )

    def test_dry_run(self, kms_client: KMSClient, wrapping: Any, operation: str) -> None:
        assert refusal(call, kms_client, operation, wrapping["KeyId"], DryRun=True) == (
            "DryRunOperationException",
            "The request would have succeeded, but the DryRun option is set.",
        )


def test_sm2_pair_in_china(kms_mock: KmsMock) -> None:
    gmalg = pytest.importorskip("gmalg")
    client = new_client("cn-north-1")
    key = client.create_key()["KeyMetadata"]
    out = client.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="SM2")
    der = out["PrivateKeyPlaintext"]
    # PKCS#8 { 0, { id-ecPublicKey, sm2p256v1 }, OCTET STRING { ECPrivateKey { 1, d, [1] Q } } }
    assert bytes.fromhex("06072a8648ce3d020106082a811ccf5501822d") in der
    d = der[der.index(b"\x04\x20") + 2 :][:32]
    point = out["PublicKey"][-65:]
    assert gmalg.SM2().generate_pk(d) == point  # the public key really is d * G
    assert der.endswith(point)
    assert client.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"] == der


def test_recipient_is_not_emulated(kms_client: KMSClient, wrapping: Any) -> None:
    assert (
        refusal(
            kms_client.generate_data_key_pair,
            KeyId=wrapping["KeyId"],
            KeyPairSpec="ECC_NIST_P256",
            Recipient={"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"x"},
        )[0]
        == "NotImplementedByKmsmock"
    )


def call(
    client: KMSClient, operation: str, key_id: str, spec: str = "ECC_NIST_P256", **extra: Any
) -> Any:
    if operation == "GenerateDataKeyPair":
        return client.generate_data_key_pair(KeyId=key_id, KeyPairSpec=spec, **extra)
    return client.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec=spec, **extra)
