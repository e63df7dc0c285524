"""DeriveSharedSecret: ECDH with a KEY_AGREEMENT key equals what ``cryptography`` computes on the
other side with the KMS key's public key; Encapsulate/Decapsulate interoperate with
``cryptography``'s ML-KEM; refusals with AWS's codes and messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

from kmsmock import KmsMock
from tests.helpers import STATE_CHANGES, error_of, new_client, out_of_service, refusal, wrong_usage

from . import model

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

CURVES = {
    "ECC_NIST_P256": (ec.SECP256R1, 32),
    "ECC_NIST_P384": (ec.SECP384R1, 48),
    "ECC_NIST_P521": (ec.SECP521R1, 66),
}


def ecdh(client: KMSClient, key_id: str, peer: bytes, **extra: Any) -> dict[str, Any]:
    """DeriveSharedSecret with ECDH, the one key agreement algorithm KMS offers."""
    return dict(
        client.derive_shared_secret(
            KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=peer, **extra
        )
    )


def spki(public: Any) -> bytes:
    return bytes(
        public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def agreement_key(client: KMSClient, spec: str = "ECC_NIST_P256") -> dict[str, Any]:
    return dict(client.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")["KeyMetadata"])


@pytest.mark.parametrize("spec", list(CURVES))
def test_secret_equals_the_peers_ecdh(kms_client: KMSClient, spec: str) -> None:
    curve, length = CURVES[spec]
    key = agreement_key(kms_client, spec)
    assert key["KeyAgreementAlgorithms"] == ["ECDH"]
    peer = ec.generate_private_key(curve())
    out = ecdh(kms_client, key["KeyId"], spki(peer.public_key()))
    assert set(out) - {"ResponseMetadata"} == {
        "KeyId",
        "SharedSecret",
        "KeyAgreementAlgorithm",
        "KeyOrigin",
    }
    assert out["KeyId"] == key["Arn"]
    assert out["KeyAgreementAlgorithm"] == "ECDH"
    assert out["KeyOrigin"] == "AWS_KMS"
    kms_public = serialization.load_der_public_key(
        kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    )
    assert isinstance(kms_public, ec.EllipticCurvePublicKey)
    assert len(out["SharedSecret"]) == length
    assert out["SharedSecret"] == peer.exchange(ec.ECDH(), kms_public)


def test_two_kms_keys_agree(kms_client: KMSClient) -> None:
    a, b = agreement_key(kms_client), agreement_key(kms_client)
    pub_a = kms_client.get_public_key(KeyId=a["KeyId"])["PublicKey"]
    pub_b = kms_client.get_public_key(KeyId=b["KeyId"])["PublicKey"]
    ab = ecdh(kms_client, a["KeyId"], pub_b)
    ba = ecdh(kms_client, b["KeyId"], pub_a)
    assert ab["SharedSecret"] == ba["SharedSecret"]


@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        ("ECC_NIST_P256", "SIGN_VERIFY"),
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
        ("RSA_2048", "ENCRYPT_DECRYPT"),
        ("HMAC_256", "GENERATE_VERIFY_MAC"),
    ],
)
def test_key_usage(kms_client: KMSClient, spec: str, usage: str) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    assert refusal(ecdh, kms_client, key["Arn"], peer) == wrong_usage(
        key["Arn"], usage, "DeriveSharedSecret"
    )


def test_garbage_public_key_is_a_validation_error_without_message(kms_client: KMSClient) -> None:
    key = agreement_key(kms_client)
    assert refusal(ecdh, kms_client, key["KeyId"], b"InvalidPublicKey") == (
        "ValidationException",
        "",
    )


@pytest.mark.parametrize(
    "peer",
    [
        lambda: ec.generate_private_key(ec.SECP384R1()).public_key(),
        lambda: ec.generate_private_key(ec.SECP256K1()).public_key(),
        lambda: x25519.X25519PrivateKey.generate().public_key(),
    ],
    ids=["P384", "secp256k1", "X25519"],
)
def test_public_key_on_another_curve(kms_client: KMSClient, peer: Any) -> None:
    key = agreement_key(kms_client, "ECC_NIST_P256")
    assert refusal(ecdh, kms_client, key["KeyId"], spki(peer())) == (
        "ValidationException",
        "The public key is not on the same elliptic curve as the KMS key's ECC_NIST_P256 key pair.",
    )


def test_invalid_algorithm(kms_mock: KmsMock) -> None:

    client = new_client(validate=False)
    key = agreement_key(client)
    assert refusal(
        client.derive_shared_secret,
        KeyId=key["KeyId"],
        KeyAgreementAlgorithm="INVALID",
        PublicKey=b"x",
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ECDH]",
    )


@pytest.mark.parametrize("change", STATE_CHANGES)
def test_key_state(kms_client: KMSClient, change: str) -> None:
    key = agreement_key(kms_client)
    refused = out_of_service(kms_client, key, change)
    assert refusal(ecdh, kms_client, key["KeyId"], b"x") == refused


def test_dry_run(kms_client: KMSClient) -> None:
    key = agreement_key(kms_client)
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    assert refusal(ecdh, kms_client, key["KeyId"], peer, DryRun=True) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def test_sm2_key_agreement_in_china(kms_mock: KmsMock) -> None:
    gmalg = pytest.importorskip("gmalg")
    client = new_client("cn-north-1")
    key = client.create_key(KeySpec="SM2", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    assert key["KeyAgreementAlgorithms"] == ["ECDH"]
    kms_point = client.get_public_key(KeyId=key["KeyId"])["PublicKey"][-65:]
    peer_sk, peer_pk = gmalg.SM2().generate_keypair()
    # The peer's SPKI: the KMS key's own SPKI header with the peer's point.
    header = client.get_public_key(KeyId=key["KeyId"])["PublicKey"][:-65]
    out = ecdh(client, key["KeyId"], header + peer_pk)
    # Outside: gmalg's curve arithmetic, peer secret times the KMS public point, x coordinate.
    from gmalg import sm2 as gm

    shared = gm._ecdlp.ec.mul(int.from_bytes(peer_sk, "big"), gm.bytes_to_point(kms_point))
    assert out["SharedSecret"] == shared[0].to_bytes(32, "big")
    assert refusal(ecdh, client, key["KeyId"], b"junk") == ("ValidationException", "")


@model.requires("Encapsulate", "Decapsulate", "KeySpec=ML_KEM_768", "KeySpec=ML_KEM_1024")
class TestMlKem:
    @pytest.mark.parametrize(("spec", "ct_len"), [("ML_KEM_768", 1088), ("ML_KEM_1024", 1568)])
    def test_encapsulation_interoperates(
        self, kms_client: KMSClient, spec: str, ct_len: int
    ) -> None:
        key = kms_client.create_key(KeySpec=spec, KeyUsage="ENCAPSULATE_DECAPSULATE")["KeyMetadata"]
        public = serialization.load_der_public_key(
            kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        )
        # Outside -> KMS: a secret encapsulated with the public key comes back from Decapsulate.
        secret, ciphertext = public.encapsulate()  # type: ignore[union-attr]
        assert len(ciphertext) == ct_len
        out = kms_client.decapsulate(
            KeyId=key["KeyId"],
            SharedSecretCiphertextBlob=ciphertext,
            EncapsulationAlgorithm="ML_KEM",
        )
        assert set(out) - {"ResponseMetadata"} == {
            "KeyId",
            "SharedSecret",
            "EncapsulationAlgorithm",
        }
        assert out["SharedSecret"] == secret
        assert out["KeyId"] == key["Arn"]
        # KMS -> KMS: Encapsulate's ciphertext has the documented size and decapsulates.
        enc = kms_client.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
        assert set(enc) - {"ResponseMetadata"} == {
            "KeyId",
            "SharedSecret",
            "SharedSecretCiphertextBlob",
            "EncapsulationAlgorithm",
        }
        assert len(enc["SharedSecret"]) == 32
        assert len(enc["SharedSecretCiphertextBlob"]) == ct_len
        back = kms_client.decapsulate(
            KeyId=key["KeyId"],
            SharedSecretCiphertextBlob=enc["SharedSecretCiphertextBlob"],
            EncapsulationAlgorithm="ML_KEM",
        )
        assert back["SharedSecret"] == enc["SharedSecret"]
        # An altered ciphertext of the right length yields a different 32-byte value, no error.
        altered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
        rejected = kms_client.decapsulate(
            KeyId=key["KeyId"], SharedSecretCiphertextBlob=altered, EncapsulationAlgorithm="ML_KEM"
        )
        assert len(rejected["SharedSecret"]) == 32
        assert rejected["SharedSecret"] != secret

    def test_wrong_length_ciphertext(self, kms_client: KMSClient) -> None:
        key = kms_client.create_key(KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")
        assert refusal(
            kms_client.decapsulate,
            KeyId=key["KeyMetadata"]["KeyId"],
            SharedSecretCiphertextBlob=bytes(1568),
            EncapsulationAlgorithm="ML_KEM",
        ) == ("InvalidCiphertextException", "")

    @pytest.mark.parametrize("operation", ["encapsulate", "decapsulate"])
    def test_key_usage(self, kms_client: KMSClient, operation: str) -> None:
        key = agreement_key(kms_client)
        kwargs: dict[str, Any] = {"KeyId": key["Arn"], "EncapsulationAlgorithm": "ML_KEM"}
        if operation == "decapsulate":
            kwargs["SharedSecretCiphertextBlob"] = bytes(1088)
        with pytest.raises(ClientError) as exc:
            getattr(kms_client, operation)(**kwargs)
        name = operation.capitalize()
        assert error_of(exc) == wrong_usage(key["Arn"], "KEY_AGREEMENT", name)

    def test_disabled_and_dry_run(self, kms_client: KMSClient) -> None:
        key = kms_client.create_key(KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")
        key_id, arn = key["KeyMetadata"]["KeyId"], key["KeyMetadata"]["Arn"]
        assert (
            refusal(
                kms_client.encapsulate, KeyId=key_id, EncapsulationAlgorithm="ML_KEM", DryRun=True
            )[0]
            == "DryRunOperationException"
        )
        kms_client.disable_key(KeyId=key_id)
        assert refusal(kms_client.encapsulate, KeyId=key_id, EncapsulationAlgorithm="ML_KEM") == (
            "DisabledException",
            f"{arn} is disabled.",
        )
