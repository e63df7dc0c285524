"""GetKeyLastUsage: the last successful cryptographic operation on each key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.timetravel import frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


def usage(kms: KMSClient, key_id: str) -> dict[str, Any]:
    out = kms.get_key_last_usage(KeyId=key_id)
    out.pop("ResponseMetadata")
    return dict(out)


def test_fresh_key_has_no_usage(kms_client: KMSClient) -> None:
    with frozen("time-machine", utc(2026, 5, 1)):
        md = kms_client.create_key()["KeyMetadata"]
        assert usage(kms_client, md["KeyId"]) == {
            "KeyId": md["KeyId"],
            "KeyCreationDate": utc(2026, 5, 1),
            "TrackingStartDate": utc(2026, 5, 1),
        }


def test_records_operation_time_and_request_id(kms_client: KMSClient) -> None:
    with frozen("freezegun", utc(2026, 5, 1)) as clock:
        key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
        clock.move_to(utc(2026, 5, 2, 10, 30))
        out = kms_client.encrypt(KeyId=key_id, Plaintext=b"p")
        last = usage(kms_client, key_id)["KeyLastUsage"]
        assert last["Operation"] == "Encrypt"
        assert last["Timestamp"] == utc(2026, 5, 2, 10, 30)
        assert last["KmsRequestId"] == out["ResponseMetadata"]["RequestId"]
        assert len(last["CloudTrailEventId"]) == 36


def test_reencrypt_records_both_keys_and_failures_record_nothing(kms_client: KMSClient) -> None:
    source = kms_client.create_key()["KeyMetadata"]["KeyId"]
    dest = kms_client.create_key()["KeyMetadata"]["KeyId"]
    blob = kms_client.encrypt(KeyId=source, Plaintext=b"p")["CiphertextBlob"]
    kms_client.re_encrypt(CiphertextBlob=blob, DestinationKeyId=dest)
    assert usage(kms_client, source)["KeyLastUsage"]["Operation"] == "ReEncrypt"
    assert usage(kms_client, dest)["KeyLastUsage"]["Operation"] == "ReEncrypt"
    with pytest.raises(ClientError):
        kms_client.decrypt(CiphertextBlob=blob, EncryptionContext={"wrong": "context"})
    assert usage(kms_client, source)["KeyLastUsage"]["Operation"] == "ReEncrypt"
    kms_client.describe_key(KeyId=source)  # not cryptographic: not tracked
    assert usage(kms_client, source)["KeyLastUsage"]["Operation"] == "ReEncrypt"


def test_signing_and_mac_are_tracked(kms_client: KMSClient) -> None:
    sign_key = kms_client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    mac_key = kms_client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    sign_id, mac_id = sign_key["KeyMetadata"]["KeyId"], mac_key["KeyMetadata"]["KeyId"]
    kms_client.sign(KeyId=sign_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert usage(kms_client, sign_id)["KeyLastUsage"]["Operation"] == "Sign"
    kms_client.generate_mac(KeyId=mac_id, Message=b"m", MacAlgorithm="HMAC_SHA_256")
    assert usage(kms_client, mac_id)["KeyLastUsage"]["Operation"] == "GenerateMac"


def test_aliases_are_not_supported(kms_client: KMSClient) -> None:
    key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
    kms_client.create_alias(AliasName="alias/used", TargetKeyId=key_id)
    with pytest.raises(ClientError) as exc:
        kms_client.get_key_last_usage(KeyId="alias/used")
    assert exc.value.response["Error"] == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


def test_tracked_operations_follow_the_model() -> None:
    """Every operation the installed model says GetKeyLastUsage reports is recorded."""
    from kmsmock.operations import OPERATIONS
    from kmsmock.operations.registry import traits
    from tests.model import MODEL, enum

    modeled = set(enum("KeyLastUsageTrackingOperation"))
    assert modeled <= set(OPERATIONS)
    served = set(OPERATIONS) & set(MODEL.operation_names)
    assert {name for name in served if traits(MODEL, name).tracked} == modeled


def test_cloudtrail_event_id_is_stable_between_reads(kms_client: KMSClient) -> None:
    key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
    kms_client.encrypt(KeyId=key_id, Plaintext=b"p")
    first = usage(kms_client, key_id)["KeyLastUsage"]["CloudTrailEventId"]
    assert usage(kms_client, key_id)["KeyLastUsage"]["CloudTrailEventId"] == first
    kms_client.encrypt(KeyId=key_id, Plaintext=b"p")
    assert usage(kms_client, key_id)["KeyLastUsage"]["CloudTrailEventId"] != first
