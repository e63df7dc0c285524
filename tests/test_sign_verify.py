"""Sign and Verify: every key spec x signing algorithm x message type, each signature checked
outside the mock with the key from GetPublicKey (``cryptography``; ``pycryptodomex`` for
Ed25519ph, which ``cryptography`` lacks), and every refusal with AWS's code and message."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from kmsmock import KmsMock
from kmsmock.crypto.families import mldsa
from tests.helpers import (
    RSA_SIGNING,
    STATE_CHANGES,
    change_state,
    error_of,
    new_client,
    out_of_service,
    refusal,
    wrong_usage,
)

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

HASHES = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
HASHLIB = {"SHA_256": hashlib.sha256, "SHA_384": hashlib.sha384, "SHA_512": hashlib.sha512}
ECDSA = {
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "ECC_NIST_P384": "ECDSA_SHA_384",
    "ECC_NIST_P521": "ECDSA_SHA_512",
    "ECC_SECG_P256K1": "ECDSA_SHA_256",
}
MESSAGE = b"the message KMS signs"
# MessageType EXTERNAL_MU signs through cryptography's sign_mu, which some builds lack.
needs_external_mu = pytest.mark.skipif(not mldsa.has_external_mu(), reason=mldsa.external_mu_gap())


def create(client: KMSClient, spec: str, usage: str = "SIGN_VERIFY") -> dict[str, Any]:
    return dict(client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"])


def public_key(client: KMSClient, key_id: str) -> Any:
    return serialization.load_der_public_key(client.get_public_key(KeyId=key_id)["PublicKey"])


def digest_of(algorithm: str, message: bytes) -> bytes:
    return HASHLIB[algorithm[-7:]](message).digest()


def sign(
    client: KMSClient, key_id: str, algorithm: str, message: bytes, message_type: str
) -> bytes:
    out = client.sign(
        KeyId=key_id, Message=message, SigningAlgorithm=algorithm, MessageType=message_type
    )
    assert out["SigningAlgorithm"] == algorithm
    return bytes(out["Signature"])


def kms_verifies(
    client: KMSClient, key_id: str, algorithm: str, message: bytes, message_type: str, sig: bytes
) -> None:
    out = client.verify(
        KeyId=key_id,
        Message=message,
        MessageType=message_type,
        Signature=sig,
        SigningAlgorithm=algorithm,
    )
    assert out["SignatureValid"] is True
    assert out["SigningAlgorithm"] == algorithm


class TestEverySignatureVerifiesOutside:
    @pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
    def test_rsa(self, kms_client: KMSClient, spec: str) -> None:
        key = create(kms_client, spec)
        assert key["SigningAlgorithms"] == RSA_SIGNING
        public = public_key(kms_client, key["KeyId"])
        assert isinstance(public, rsa.RSAPublicKey)
        assert public.key_size == int(spec[4:])
        for algorithm in RSA_SIGNING:
            h = HASHES[algorithm[-7:]]()
            # KMS's PSS salt is as long as the digest: verify with exactly that salt length.
            pad = (
                padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
                if "PSS" in algorithm
                else padding.PKCS1v15()
            )
            raw = sign(kms_client, key["KeyId"], algorithm, MESSAGE, "RAW")
            public.verify(raw, MESSAGE, pad, h)
            digest = digest_of(algorithm, MESSAGE)
            signed_digest = sign(kms_client, key["KeyId"], algorithm, digest, "DIGEST")
            public.verify(signed_digest, MESSAGE, pad, h)
            public.verify(signed_digest, digest, pad, utils.Prehashed(h))
            # A message and its digest are the same message to Verify.
            kms_verifies(kms_client, key["Arn"], algorithm, digest, "DIGEST", raw)
            kms_verifies(kms_client, key["Arn"], algorithm, MESSAGE, "RAW", signed_digest)

    @pytest.mark.parametrize("spec", list(ECDSA))
    def test_ecdsa_signatures_are_der(self, kms_client: KMSClient, spec: str) -> None:
        algorithm = ECDSA[spec]
        key = create(kms_client, spec)
        assert key["SigningAlgorithms"] == [algorithm]
        public = public_key(kms_client, key["KeyId"])
        assert isinstance(public, ec.EllipticCurvePublicKey)
        h = HASHES[algorithm[-7:]]()
        raw = sign(kms_client, key["KeyId"], algorithm, MESSAGE, "RAW")
        utils.decode_dss_signature(raw)  # DER SEQUENCE {r, s}, or this raises
        public.verify(raw, MESSAGE, ec.ECDSA(h))
        digest = digest_of(algorithm, MESSAGE)
        signed_digest = sign(kms_client, key["KeyId"], algorithm, digest, "DIGEST")
        public.verify(signed_digest, MESSAGE, ec.ECDSA(h))
        kms_verifies(kms_client, key["KeyId"], algorithm, MESSAGE, "RAW", signed_digest)
        kms_verifies(kms_client, key["KeyId"], algorithm, digest, "DIGEST", raw)

    def test_ed25519_raw_is_pure_ed25519(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_EDWARDS25519")
        assert key["SigningAlgorithms"] == ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
        der = kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        assert len(der) == 44  # what real KMS returns: SPKI around a 32-byte point
        public = serialization.load_der_public_key(der)
        assert isinstance(public, ed25519.Ed25519PublicKey)
        sig = sign(kms_client, key["KeyId"], "ED25519_SHA_512", MESSAGE, "RAW")
        assert len(sig) == 64
        public.verify(sig, MESSAGE)
        kms_verifies(kms_client, key["KeyId"], "ED25519_SHA_512", MESSAGE, "RAW", sig)

    def test_ed25519ph_digest_is_prehashed_once_more(self, kms_client: KMSClient) -> None:
        eddsa = pytest.importorskip("Cryptodome.Signature.eddsa")
        sha512 = pytest.importorskip("Cryptodome.Hash.SHA512")
        ecc = pytest.importorskip("Cryptodome.PublicKey.ECC")
        key = create(kms_client, "ECC_NIST_EDWARDS25519")
        der = kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        digest = hashlib.sha512(MESSAGE).digest()
        sig = sign(kms_client, key["KeyId"], "ED25519_PH_SHA_512", digest, "DIGEST")
        assert len(sig) == 64
        verifier = eddsa.new(ecc.import_key(der), "rfc8032")
        # "KMS still performs the SHA-512 prehash ... the input is hashed twice": the signed
        # message of HashEdDSA is the caller's digest, whose SHA-512 is PH(M).
        verifier.verify(sha512.new(digest), sig)
        with pytest.raises(ValueError, match="not authentic"):
            verifier.verify(sha512.new(MESSAGE), sig)
        # It is not a pure Ed25519 signature of anything the caller holds.
        public = serialization.load_der_public_key(der)
        assert isinstance(public, ed25519.Ed25519PublicKey)
        with pytest.raises(InvalidSignature):
            public.verify(sig, digest)
        kms_verifies(kms_client, key["KeyId"], "ED25519_PH_SHA_512", digest, "DIGEST", sig)

    @needs_external_mu
    @pytest.mark.parametrize(
        ("spec", "public_len", "sig_len"),
        [("ML_DSA_44", 1334, 2420), ("ML_DSA_65", 1974, 3309), ("ML_DSA_87", 2614, 4627)],
    )
    def test_ml_dsa_raw_and_external_mu(
        self, kms_client: KMSClient, spec: str, public_len: int, sig_len: int
    ) -> None:
        key = create(kms_client, spec)
        assert key["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"]
        der = kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        assert len(der) == public_len
        public = serialization.load_der_public_key(der)
        raw = sign(kms_client, key["KeyId"], "ML_DSA_SHAKE_256", MESSAGE, "RAW")
        assert len(raw) == sig_len
        public.verify(raw, MESSAGE)  # type: ignore[call-arg]
        # mu per FIPS 204: SHAKE256(SHAKE256(pk, 64) || 0 || len(ctx)=0 || M, 64).
        pk_raw = public.public_bytes_raw()  # type: ignore[union-attr]
        tr = hashlib.shake_256(pk_raw).digest(64)
        mu = hashlib.shake_256(tr + b"\x00\x00" + MESSAGE).digest(64)
        from_mu = sign(kms_client, key["KeyId"], "ML_DSA_SHAKE_256", mu, "EXTERNAL_MU")
        # A signature over mu is an ordinary pure ML-DSA signature of the message.
        public.verify(from_mu, MESSAGE)  # type: ignore[call-arg]
        kms_verifies(kms_client, key["KeyId"], "ML_DSA_SHAKE_256", MESSAGE, "RAW", from_mu)
        kms_verifies(kms_client, key["KeyId"], "ML_DSA_SHAKE_256", mu, "EXTERNAL_MU", raw)

    def test_default_message_type_is_raw(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        sig = kms_client.sign(
            KeyId=key["KeyId"], Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_256"
        )["Signature"]
        public_key(kms_client, key["KeyId"]).verify(sig, MESSAGE, ec.ECDSA(hashes.SHA256()))

    def test_message_of_4096_bytes_signs(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        message = bytes(range(256)) * 16
        sig = sign(kms_client, key["KeyId"], "ECDSA_SHA_256", message, "RAW")
        public_key(kms_client, key["KeyId"]).verify(sig, message, ec.ECDSA(hashes.SHA256()))

    def test_response_shape(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        kms_client.create_alias(AliasName="alias/signer", TargetKeyId=key["KeyId"])
        out = kms_client.sign(
            KeyId="alias/signer", Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_256"
        )
        assert set(out) - {"ResponseMetadata"} == {"KeyId", "Signature", "SigningAlgorithm"}
        assert out["KeyId"] == key["Arn"]
        verified = kms_client.verify(
            KeyId="alias/signer",
            Message=MESSAGE,
            Signature=out["Signature"],
            SigningAlgorithm="ECDSA_SHA_256",
        )
        assert set(verified) - {"ResponseMetadata"} == {
            "KeyId",
            "SignatureValid",
            "SigningAlgorithm",
        }
        assert verified["KeyId"] == key["Arn"]


class TestSm2InChina:
    def test_sm2dsa_raw_and_digest_verify_with_gmalg(self, china_kms: KMSClient) -> None:
        gmalg = pytest.importorskip("gmalg")
        key = create(china_kms, "SM2")
        assert key["Arn"].startswith("arn:aws-cn:kms:cn-north-1:")
        assert key["SigningAlgorithms"] == ["SM2DSA"]
        der = china_kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        point = der[-65:]  # SPKI ends with the uncompressed point 04 || x || y
        assert point[0] == 4
        verifier = gmalg.SM2(pk=point, uid=b"1234567812345678")
        raw = sign(china_kms, key["KeyId"], "SM2DSA", MESSAGE, "RAW")
        r, s = utils.decode_dss_signature(raw)
        assert verifier.verify(MESSAGE, r.to_bytes(32, "big"), s.to_bytes(32, "big"))
        assert not verifier.verify(b"other", r.to_bytes(32, "big"), s.to_bytes(32, "big"))
        # DIGEST: e = SM3(Z || M), Z from the default distinguishing ID 1234567812345678.
        z = gmalg.SM3()
        a = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFF_00000000_FFFFFFFF_FFFFFFFC
        b = 0x28E9FA9E_9D9F5E34_4D5A9E4B_CF6509A7_F39789F5_15AB8F92_DDBCBD41_4D940E93
        gx = 0x32C4AE2C_1F198119_5F990446_6A39C994_8FE30BBF_F2660BE1_715A4589_334C74C7
        gy = 0xBC3736A2_F4F6779C_59BDCEE3_6B692153_D0A9877C_C62A4740_02DF32E5_2139F0A0
        z.update(
            (128).to_bytes(2, "big")
            + b"1234567812345678"
            + b"".join(v.to_bytes(32, "big") for v in (a, b, gx, gy))
            + point[1:]
        )
        e = gmalg.SM3()
        e.update(z.value() + MESSAGE)
        signed_digest = sign(china_kms, key["KeyId"], "SM2DSA", e.value(), "DIGEST")
        r, s = utils.decode_dss_signature(signed_digest)
        assert verifier.verify(MESSAGE, r.to_bytes(32, "big"), s.to_bytes(32, "big"))
        kms_verifies(china_kms, key["KeyId"], "SM2DSA", e.value(), "DIGEST", raw)
        kms_verifies(china_kms, key["KeyId"], "SM2DSA", MESSAGE, "RAW", signed_digest)

    def test_gmalg_signature_verifies_in_kms(self, china_kms: KMSClient) -> None:
        gmalg = pytest.importorskip("gmalg")
        sk, pk = gmalg.SM2().generate_keypair()
        signer = gmalg.SM2(sk=sk, pk=pk, uid=b"1234567812345678")
        key = create(china_kms, "SM2")
        point = china_kms.get_public_key(KeyId=key["KeyId"])["PublicKey"][-65:]
        assert point != pk
        r, s = signer.sign(MESSAGE)
        foreign = utils.encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))
        assert refusal(
            kms_verifies, china_kms, key["KeyId"], "SM2DSA", MESSAGE, "RAW", foreign
        ) == ("KMSInvalidSignatureException", "")


class TestVerifyRefusesBadSignatures:
    @pytest.mark.parametrize(
        ("spec", "algorithm"),
        [
            ("RSA_2048", "RSASSA_PSS_SHA_256"),
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512"),
            ("ECC_NIST_P384", "ECDSA_SHA_384"),
            ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
            ("ML_DSA_44", "ML_DSA_SHAKE_256"),
        ],
    )
    def test_signature_of_another_message(
        self, kms_client: KMSClient, spec: str, algorithm: str
    ) -> None:
        key = create(kms_client, spec)
        sig = sign(kms_client, key["KeyId"], algorithm, b"other", "RAW")
        with pytest.raises(ClientError) as exc:
            kms_verifies(kms_client, key["KeyId"], algorithm, MESSAGE, "RAW", sig)
        assert error_of(exc) == ("KMSInvalidSignatureException", "")
        assert "message" not in exc.value.response

    def test_ed25519ph_signature_of_another_digest(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_EDWARDS25519")
        sig = sign(kms_client, key["KeyId"], "ED25519_PH_SHA_512", bytes(64), "DIGEST")
        assert refusal(
            kms_verifies,
            kms_client,
            key["KeyId"],
            "ED25519_PH_SHA_512",
            b"\x01" * 64,
            "DIGEST",
            sig,
        ) == ("KMSInvalidSignatureException", "")

    @pytest.mark.parametrize("junk", [b"\x01", b"a" * 6144, bytes(64)])
    @pytest.mark.parametrize(
        ("spec", "algorithm"),
        [
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"),
            ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
            ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
            ("ML_DSA_65", "ML_DSA_SHAKE_256"),
        ],
    )
    def test_malformed_signature(
        self, kms_client: KMSClient, spec: str, algorithm: str, junk: bytes
    ) -> None:
        key = create(kms_client, spec)
        assert refusal(kms_verifies, kms_client, key["KeyId"], algorithm, MESSAGE, "RAW", junk) == (
            "KMSInvalidSignatureException",
            "",
        )

    def test_signature_of_another_key(self, kms_client: KMSClient) -> None:
        one, two = create(kms_client, "ECC_NIST_P256"), create(kms_client, "ECC_NIST_P256")
        sig = sign(kms_client, one["KeyId"], "ECDSA_SHA_256", MESSAGE, "RAW")
        assert refusal(
            kms_verifies, kms_client, two["KeyId"], "ECDSA_SHA_256", MESSAGE, "RAW", sig
        ) == ("KMSInvalidSignatureException", "")

    def test_digest_signed_then_verified_as_raw_digest_fails(self, kms_client: KMSClient) -> None:
        # "if the signed message is hashed once while signing, but twice while verifying,
        # verification fails"
        key = create(kms_client, "ECC_NIST_P256")
        digest = hashlib.sha256(MESSAGE).digest()
        sig = sign(kms_client, key["KeyId"], "ECDSA_SHA_256", digest, "DIGEST")
        assert refusal(
            kms_verifies, kms_client, key["KeyId"], "ECDSA_SHA_256", digest, "RAW", sig
        ) == ("KMSInvalidSignatureException", "")


class TestRefusals:
    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    @pytest.mark.parametrize(
        ("spec", "usage"),
        [
            ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
            ("HMAC_256", "GENERATE_VERIFY_MAC"),
            ("RSA_2048", "ENCRYPT_DECRYPT"),
            ("ECC_NIST_P256", "KEY_AGREEMENT"),
        ],
    )
    def test_key_usage(self, kms_client: KMSClient, spec: str, usage: str, operation: str) -> None:
        key = create(kms_client, spec, usage)
        assert refusal(call, kms_client, operation, key["Arn"], "ECDSA_SHA_256") == wrong_usage(
            key["Arn"], usage, operation
        )

    @pytest.mark.parametrize("change", STATE_CHANGES)
    def test_key_usage_is_checked_before_key_state(
        self, kms_client: KMSClient, change: str
    ) -> None:
        key = create(kms_client, "HMAC_256", "GENERATE_VERIFY_MAC")
        change_state(kms_client, key["KeyId"], change)
        assert refusal(call, kms_client, "Sign", key["Arn"], "RSASSA_PSS_SHA_256") == wrong_usage(
            key["Arn"], "GENERATE_VERIFY_MAC", "Sign"
        )

    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    @pytest.mark.parametrize("change", STATE_CHANGES)
    def test_key_state_is_checked_before_the_algorithm(
        self, kms_client: KMSClient, operation: str, change: str
    ) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        refused = out_of_service(kms_client, key, change)
        assert refusal(call, kms_client, operation, key["Arn"], "ECDSA_SHA_384") == refused

    def test_pending_import(self, kms_client: KMSClient) -> None:
        key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")
        arn = key["KeyMetadata"]["Arn"]
        assert refusal(call, kms_client, "Sign", arn, "RSASSA_PSS_SHA_256") == (
            "KMSInvalidStateException",
            f"{arn} is pending import.",
        )

    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    @pytest.mark.parametrize(
        ("spec", "algorithm"),
        [
            ("RSA_2048", "ECDSA_SHA_256"),
            ("ECC_NIST_P256", "ECDSA_SHA_384"),
            ("ECC_NIST_P256", "RSASSA_PSS_SHA_256"),
            ("ECC_NIST_P256", "ED25519_PH_SHA_512"),
            ("ECC_SECG_P256K1", "ECDSA_SHA_512"),
            ("ECC_NIST_EDWARDS25519", "ECDSA_SHA_512"),
            ("ML_DSA_44", "ED25519_SHA_512"),
            ("RSA_2048", "ML_DSA_SHAKE_256"),
        ],
    )
    def test_algorithm_incompatible_with_key_spec(
        self, kms_client: KMSClient, spec: str, algorithm: str, operation: str
    ) -> None:
        key = create(kms_client, spec)
        assert refusal(call, kms_client, operation, key["Arn"], algorithm) == (
            "InvalidKeyUsageException",
            f"Algorithm {algorithm} is incompatible with key spec {spec}.",
        )

    def test_key_spec_is_checked_before_the_digest_length(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        assert refusal(
            call, kms_client, "Sign", key["Arn"], "ECDSA_SHA_384", bytes(20), "DIGEST"
        ) == (
            "InvalidKeyUsageException",
            "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
        )

    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    @pytest.mark.parametrize(
        ("spec", "algorithm", "length"),
        [
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", 20),
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", 31),
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", 33),
            ("RSA_2048", "RSASSA_PSS_SHA_384", 32),
            ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512", 48),
            ("ECC_NIST_P256", "ECDSA_SHA_256", 48),
            ("ECC_NIST_P384", "ECDSA_SHA_384", 64),
            ("ECC_NIST_P521", "ECDSA_SHA_512", 32),
            ("ECC_NIST_EDWARDS25519", "ED25519_PH_SHA_512", 20),
        ],
    )
    def test_digest_of_wrong_length(
        self, kms_client: KMSClient, operation: str, spec: str, algorithm: str, length: int
    ) -> None:
        key = create(kms_client, spec)
        assert refusal(
            call, kms_client, operation, key["Arn"], algorithm, bytes(length), "DIGEST"
        ) == (
            "ValidationException",
            f"Digest is invalid length for algorithm {algorithm}.",
        )

    @pytest.mark.parametrize(
        ("algorithm", "message_type"),
        [
            ("ED25519_SHA_512", "DIGEST"),
            ("ED25519_SHA_512", "EXTERNAL_MU"),
            ("ED25519_PH_SHA_512", "RAW"),
            ("ED25519_PH_SHA_512", "EXTERNAL_MU"),
        ],
    )
    def test_ed25519_message_types(
        self, kms_client: KMSClient, algorithm: str, message_type: str
    ) -> None:
        key = create(kms_client, "ECC_NIST_EDWARDS25519")
        assert refusal(
            call, kms_client, "Sign", key["Arn"], algorithm, bytes(64), message_type
        ) == (
            "ValidationException",
            f"Message type {message_type} is incompatible with algorithm {algorithm}.",
        )

    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    def test_ml_dsa_refuses_digest(self, kms_client: KMSClient, operation: str) -> None:
        key = create(kms_client, "ML_DSA_65")
        assert refusal(
            call, kms_client, operation, key["Arn"], "ML_DSA_SHAKE_256", bytes(64), "DIGEST"
        ) == (
            "ValidationException",
            "Message type DIGEST is incompatible with key spec ML_DSA_65.",
        )

    @pytest.mark.parametrize("length", [32, 63, 65])
    def test_external_mu_must_be_64_bytes(self, kms_client: KMSClient, length: int) -> None:
        key = create(kms_client, "ML_DSA_44")
        assert refusal(
            call, kms_client, "Sign", key["Arn"], "ML_DSA_SHAKE_256", bytes(length), "EXTERNAL_MU"
        ) == (
            "ValidationException",
            "Digest is invalid length for algorithm ML_DSA_SHAKE_256.",
        )

    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    def test_external_mu_on_a_build_without_it_says_so(
        self, kms_client: Any, monkeypatch: pytest.MonkeyPatch, operation: str
    ) -> None:
        import cryptography

        monkeypatch.setattr(mldsa, "has_external_mu", lambda: False)
        key = create(kms_client, "ML_DSA_44")
        with pytest.raises(ClientError) as exc:
            call(kms_client, operation, key["Arn"], "ML_DSA_SHAKE_256", bytes(64), "EXTERNAL_MU")
        assert error_of(exc) == (
            "NotImplementedByKmsmock",
            "MessageType EXTERNAL_MU is not implemented by kmsmock on this cryptography build: "
            f"cryptography {cryptography.__version__} cannot sign or verify an ML-DSA external "
            "mu (no sign_mu/verify_mu).",
        )
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        # RAW messages need no sign_mu: the same key still signs them.
        call(kms_client, "Sign", key["Arn"], "ML_DSA_SHAKE_256")

    @pytest.mark.parametrize(
        ("spec", "algorithm"),
        [("RSA_2048", "RSASSA_PSS_SHA_512"), ("ECC_NIST_P521", "ECDSA_SHA_512")],
    )
    def test_external_mu_is_only_for_ml_dsa(
        self, kms_client: KMSClient, spec: str, algorithm: str
    ) -> None:
        key = create(kms_client, spec)
        assert refusal(
            call, kms_client, "Sign", key["Arn"], algorithm, bytes(64), "EXTERNAL_MU"
        ) == (
            "ValidationException",
            f"Message type EXTERNAL_MU is incompatible with key spec {spec}.",
        )

    def test_message_size_limits_come_from_the_model(self, kms_mock: KmsMock) -> None:

        raw = new_client(validate=False)
        key = create(raw, "ECC_NIST_P256")
        assert refusal(call, raw, "Sign", key["Arn"], "ECDSA_SHA_256", bytes(4097)) == (
            "ValidationException",
            "1 validation error detected: Value at 'message' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096",
        )
        assert refusal(call, raw, "Sign", key["Arn"], "ECDSA_SHA_256", b"") == (
            "ValidationException",
            "1 validation error detected: Value at 'message' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        )

    def test_missing_key(self, kms_client: KMSClient) -> None:
        assert refusal(call, kms_client, "Sign", "alias/nope", "ECDSA_SHA_256") == (
            "NotFoundException",
            "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found.",
        )


class TestDryRun:
    @pytest.mark.parametrize("operation", ["Sign", "Verify"])
    def test_succeeding_request(self, kms_client: KMSClient, operation: str) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        assert refusal(call, kms_client, operation, key["Arn"], "ECDSA_SHA_256", dry_run=True) == (
            "DryRunOperationException",
            "The request would have succeeded, but the DryRun option is set.",
        )

    def test_failing_request_reports_its_failure(self, kms_client: KMSClient) -> None:
        key = create(kms_client, "ECC_NIST_P256")
        assert (
            refusal(call, kms_client, "Sign", key["Arn"], "ECDSA_SHA_512", dry_run=True)[0]
            == "InvalidKeyUsageException"
        )


def call(
    client: KMSClient,
    operation: str,
    key_id: str,
    algorithm: str,
    message: bytes = MESSAGE,
    message_type: str = "RAW",
    *,
    dry_run: bool = False,
) -> Any:
    kwargs: dict[str, Any] = {
        "KeyId": key_id,
        "Message": message,
        "MessageType": message_type,
        "SigningAlgorithm": algorithm,
    }
    if dry_run:
        kwargs["DryRun"] = True
    if operation == "Sign":
        return client.sign(**kwargs)
    return client.verify(Signature=bytes(64), **kwargs)
