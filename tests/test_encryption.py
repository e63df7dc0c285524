"""Symmetric Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from kmsmock import mock_kms
from tests.helpers import error_of, new_client, refusal, wrong_usage

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


@pytest.fixture
def key(kms_client: KMSClient) -> dict[str, Any]:
    return kms_client.create_key()["KeyMetadata"]


class TestEncryptDecrypt:
    def test_round_trip_reports_key_arn_and_material(self, kms_client: KMSClient, key: Any) -> None:
        out = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")
        assert set(out) - {"ResponseMetadata"} == {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"}
        assert out["KeyId"] == key["Arn"]
        assert out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
        back = kms_client.decrypt(CiphertextBlob=out["CiphertextBlob"])
        assert back["Plaintext"] == b"secret"
        assert back["KeyId"] == key["Arn"]
        assert back["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
        assert back["KeyMaterialId"] == key["CurrentKeyMaterialId"]

    @pytest.mark.parametrize("form", ["KeyId", "Arn", "alias", "alias-arn"])
    def test_every_key_id_form_encrypts(self, kms_client: KMSClient, key: Any, form: str) -> None:
        kms_client.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
        ident = {
            "KeyId": key["KeyId"],
            "Arn": key["Arn"],
            "alias": "alias/app",
            "alias-arn": "arn:aws:kms:us-east-1:123456789012:alias/app",
        }[form]
        blob = kms_client.encrypt(KeyId=ident, Plaintext=b"x")["CiphertextBlob"]
        assert kms_client.decrypt(CiphertextBlob=blob, KeyId=ident)["Plaintext"] == b"x"

    def test_ciphertexts_differ_for_same_plaintext(self, kms_client: KMSClient, key: Any) -> None:
        a = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
        b = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
        assert a != b

    def test_encryption_context_must_match_exactly(self, kms_client: KMSClient, key: Any) -> None:
        ctx = {"tenant": "a", "purpose": "test"}
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext=ctx)[
            "CiphertextBlob"
        ]
        reordered = {"purpose": "test", "tenant": "a"}
        assert kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=reordered)["Plaintext"]
        for wrong in [None, {"tenant": "a"}, {"tenant": "A", "purpose": "test"}]:
            kwargs = {} if wrong is None else {"EncryptionContext": wrong}
            with pytest.raises(ClientError) as exc:
                kms_client.decrypt(CiphertextBlob=blob, **kwargs)
            assert error_of(exc) == ("InvalidCiphertextException", "")
            assert "message" not in exc.value.response  # AWS sends no message at all

    def test_context_encoding_is_unambiguous(self, kms_client: KMSClient, key: Any) -> None:
        blob = kms_client.encrypt(
            KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"a": "bc"}
        )["CiphertextBlob"]
        assert (
            refusal(kms_client.decrypt, CiphertextBlob=blob, EncryptionContext={"ab": "c"})[0]
            == "InvalidCiphertextException"
        )

    def test_context_given_at_decrypt_only_fails(self, kms_client: KMSClient, key: Any) -> None:
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        assert (
            refusal(kms_client.decrypt, CiphertextBlob=blob, EncryptionContext={"k": "v"})[0]
            == "InvalidCiphertextException"
        )

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda b: b[:-1],  # truncated
            lambda b: b + b"\x00",  # bytes appended
            lambda b: b[10:],  # header stripped
            lambda b: b[:60] + bytes([b[60] ^ 1]) + b[61:],  # one bit flipped in the body
            lambda b: bytes([b[0]]) + bytes([b[1] ^ 1]) + b[2:],  # header tampered
            lambda b: b"\x01" * len(b),  # random bytes of the right size
        ],
        ids=["truncated", "appended", "stripped", "bitflip", "header", "garbage"],
    )
    def test_tampering_is_detected(self, kms_client: KMSClient, key: Any, mangle: Any) -> None:
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"payload")["CiphertextBlob"]
        assert refusal(kms_client.decrypt, CiphertextBlob=mangle(blob)) == (
            "InvalidCiphertextException",
            "",
        )

    def test_decrypt_with_another_key_id(self, kms_client: KMSClient, key: Any) -> None:
        other = kms_client.create_key()["KeyMetadata"]["KeyId"]
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        assert refusal(kms_client.decrypt, CiphertextBlob=blob, KeyId=other) == (
            "IncorrectKeyException",
            "The key ID in the request does not identify a CMK that can perform this operation.",
        )

    def test_decrypt_with_hmac_key_id(self, kms_client: KMSClient, key: Any) -> None:
        hmac = kms_client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        assert (
            refusal(kms_client.decrypt, CiphertextBlob=blob, KeyId=hmac["KeyMetadata"]["KeyId"])[0]
            == "IncorrectKeyException"
        )

    def test_plaintext_limits(self, unchecked_kms: KMSClient) -> None:
        key_id = unchecked_kms.create_key()["KeyMetadata"]["KeyId"]
        assert unchecked_kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096)["CiphertextBlob"]
        assert refusal(unchecked_kms.encrypt, KeyId=key_id, Plaintext=b"x" * 4097) == (
            "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096",
        )
        assert refusal(unchecked_kms.encrypt, KeyId=key_id, Plaintext=b"") == (
            "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        )

    def test_disabled_and_pending_deletion_keys_refuse(
        self, kms_client: KMSClient, key: Any
    ) -> None:
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        kms_client.disable_key(KeyId=key["KeyId"])
        for call in (
            lambda: kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p"),
            lambda: kms_client.decrypt(CiphertextBlob=blob),
            lambda: kms_client.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
        ):
            assert refusal(call) == ("DisabledException", f"{key['Arn']} is disabled.")
        kms_client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        assert refusal(kms_client.decrypt, CiphertextBlob=blob) == (
            "KMSInvalidStateException",
            f"{key['Arn']} is pending deletion.",
        )
        kms_client.cancel_key_deletion(KeyId=key["KeyId"])
        kms_client.enable_key(KeyId=key["KeyId"])
        assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"

    def test_dry_run(self, kms_client: KMSClient, key: Any) -> None:
        assert refusal(kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"p", DryRun=True) == (
            "DryRunOperationException",
            "The request would have succeeded, but the DryRun option is set.",
        )

    def test_dry_run_still_reports_real_errors(self, kms_client: KMSClient, key: Any) -> None:
        kms_client.disable_key(KeyId=key["KeyId"])
        assert (
            refusal(kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"p", DryRun=True)[0]
            == "DisabledException"
        )

    def test_decrypt_dry_run_ignoring_ciphertext(self, kms_client: KMSClient, key: Any) -> None:
        assert (
            refusal(
                kms_client.decrypt,
                KeyId=key["KeyId"],
                DryRun=True,
                DryRunModifiers=["IGNORE_CIPHERTEXT"],
            )[0]
            == "DryRunOperationException"
        )

    def test_unknown_key(self, kms_client: KMSClient) -> None:
        missing = "11111111-2222-3333-4444-555555555555"
        assert refusal(kms_client.encrypt, KeyId=missing, Plaintext=b"p") == (
            "NotFoundException",
            f"Key 'arn:aws:kms:us-east-1:123456789012:key/{missing}' does not exist",
        )

    def test_symmetric_key_refuses_rsa_algorithm(self, kms_client: KMSClient, key: Any) -> None:
        assert refusal(
            kms_client.encrypt,
            KeyId=key["KeyId"],
            Plaintext=b"p",
            EncryptionAlgorithm="RSAES_OAEP_SHA_256",
        ) == (
            "InvalidKeyUsageException",
            "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
        )

    def test_hmac_key_cannot_encrypt(self, kms_client: KMSClient) -> None:
        hmac = kms_client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        arn = hmac["KeyMetadata"]["Arn"]
        assert refusal(kms_client.encrypt, KeyId=arn, Plaintext=b"p") == wrong_usage(
            arn, "GENERATE_VERIFY_MAC", "Encrypt"
        )

    def test_ciphertext_of_deleted_key(self, kms_client: KMSClient) -> None:
        from datetime import timedelta

        from tests.timetravel import frozen, utc

        with frozen("time-machine", utc(2030, 1, 1)) as clock:
            key = kms_client.create_key()["KeyMetadata"]
            blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
            kms_client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
            clock.advance(timedelta(days=7, seconds=1))
            with pytest.raises(ClientError) as exc:
                kms_client.decrypt(CiphertextBlob=blob)
        # issue 13: AWS answers a ciphertext whose key is gone as one it may not use
        assert error_of(exc) == (
            "AccessDeniedException",
            "The ciphertext refers to a customer master key that does not exist, does not exist "
            "in this region, or you are not allowed to access.",
        )


class TestReEncrypt:
    def test_between_keys_with_contexts(self, kms_client: KMSClient, key: Any) -> None:
        dest = kms_client.create_key()["KeyMetadata"]
        blob = kms_client.encrypt(
            KeyId=key["KeyId"], Plaintext=b"move me", EncryptionContext={"from": "a"}
        )["CiphertextBlob"]
        out = kms_client.re_encrypt(
            CiphertextBlob=blob,
            SourceEncryptionContext={"from": "a"},
            DestinationKeyId=dest["KeyId"],
            DestinationEncryptionContext={"to": "b"},
        )
        assert out["SourceKeyId"] == key["Arn"]
        assert out["KeyId"] == dest["Arn"]
        assert out["SourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
        assert out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
        assert out["SourceKeyMaterialId"] == key["CurrentKeyMaterialId"]
        assert out["DestinationKeyMaterialId"] == dest["CurrentKeyMaterialId"]
        back = kms_client.decrypt(
            CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"to": "b"}
        )
        assert back["Plaintext"] == b"move me"
        assert back["KeyId"] == dest["Arn"]

    def test_source_context_must_match(self, kms_client: KMSClient, key: Any) -> None:
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"k": "v"})[
            "CiphertextBlob"
        ]
        assert refusal(
            kms_client.re_encrypt, CiphertextBlob=blob, DestinationKeyId=key["KeyId"]
        ) == ("InvalidCiphertextException", "")

    def test_hmac_source_key(self, kms_client: KMSClient, key: Any) -> None:
        hmac = kms_client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        assert (
            refusal(
                kms_client.re_encrypt,
                CiphertextBlob=blob,
                SourceKeyId=hmac["KeyMetadata"]["KeyId"],
                DestinationKeyId=key["KeyId"],
            )[0]
            == "IncorrectKeyException"
        )

    def test_disabled_destination(self, kms_client: KMSClient, key: Any) -> None:
        dest = kms_client.create_key()["KeyMetadata"]
        kms_client.disable_key(KeyId=dest["KeyId"])
        blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        assert refusal(
            kms_client.re_encrypt, CiphertextBlob=blob, DestinationKeyId=dest["KeyId"]
        ) == ("DisabledException", f"{dest['Arn']} is disabled.")


class TestGenerateDataKey:
    @pytest.mark.parametrize(
        ("kwargs", "size"),
        [
            ({"KeySpec": "AES_256"}, 32),
            ({"KeySpec": "AES_128"}, 16),
            ({"NumberOfBytes": 1}, 1),
            ({"NumberOfBytes": 1024}, 1024),
        ],
    )
    def test_sizes_and_round_trip(
        self, kms_client: KMSClient, key: Any, kwargs: Any, size: int
    ) -> None:
        out = kms_client.generate_data_key(
            KeyId=key["KeyId"], EncryptionContext={"a": "b"}, **kwargs
        )
        assert len(out["Plaintext"]) == size
        assert out["KeyId"] == key["Arn"]
        assert out["KeyMaterialId"] == key["CurrentKeyMaterialId"]
        back = kms_client.decrypt(
            CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"a": "b"}
        )
        assert back["Plaintext"] == out["Plaintext"]

    def test_without_plaintext(self, kms_client: KMSClient, key: Any) -> None:
        out = kms_client.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
        assert "Plaintext" not in out
        assert set(out) - {"ResponseMetadata"} == {"CiphertextBlob", "KeyId", "KeyMaterialId"}
        assert len(kms_client.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32

    @pytest.mark.parametrize("kwargs", [{}, {"KeySpec": "AES_256", "NumberOfBytes": 32}])
    def test_exactly_one_of_spec_and_length(
        self, kms_client: KMSClient, key: Any, kwargs: Any
    ) -> None:
        for op in (kms_client.generate_data_key, kms_client.generate_data_key_without_plaintext):
            assert refusal(op, KeyId=key["KeyId"], **kwargs) == (
                "ValidationException",
                "Please specify either number of bytes or key spec.",
            )

    def test_number_of_bytes_range(self, unchecked_kms: KMSClient) -> None:
        key_id = unchecked_kms.create_key()["KeyMetadata"]["KeyId"]
        assert refusal(unchecked_kms.generate_data_key, KeyId=key_id, NumberOfBytes=1025) == (
            "ValidationException",
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
            "constraint: Member must have value less than or equal to 1024",
        )

    def test_asymmetric_key_refused(self, kms_client: KMSClient) -> None:
        rsa = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        assert refusal(
            kms_client.generate_data_key, KeyId=rsa["KeyMetadata"]["KeyId"], KeySpec="AES_256"
        ) == (
            "InvalidKeyUsageException",
            "You cannot generate a data key with an asymmetric CMK",
        )


class TestGenerateRandom:
    @pytest.mark.parametrize("n", [1, 12, 44, 91, 1024])
    def test_lengths(self, kms_client: KMSClient, n: int) -> None:
        assert len(kms_client.generate_random(NumberOfBytes=n)["Plaintext"]) == n

    def test_random(self, kms_client: KMSClient) -> None:
        a = kms_client.generate_random(NumberOfBytes=32)["Plaintext"]
        assert a != kms_client.generate_random(NumberOfBytes=32)["Plaintext"]

    def test_limits(self, unchecked_kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            unchecked_kms.generate_random()
        assert error_of(exc) == ("ValidationException", "NumberOfBytes is required.")
        for n, rule in [(0, "greater than or equal to 1"), (1025, "less than or equal to 1024")]:
            assert refusal(unchecked_kms.generate_random, NumberOfBytes=n) == (
                "ValidationException",
                f"1 validation error detected: Value '{n}' at 'numberOfBytes' failed to satisfy "
                f"constraint: Member must have value {rule}",
            )


def test_wire_blob_is_base64_of_returned_bytes(kms_client: KMSClient, key: Any) -> None:
    """The CiphertextBlob botocore hands back is the decoded wire value, not text."""
    blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert isinstance(blob, bytes)
    assert base64.b64decode(base64.b64encode(blob)) == blob


def test_works_without_the_fixtures() -> None:
    with mock_kms():
        client = new_client("eu-central-1")
        key_id = client.create_key()["KeyMetadata"]["KeyId"]
        blob = client.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
        assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_context_with_lone_surrogates_round_trips(kms_client: KMSClient, key: Any) -> None:
    ctx = {"\ud800": "x\udfff"}
    blob = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext=ctx)[
        "CiphertextBlob"
    ]
    assert kms_client.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == b"p"
