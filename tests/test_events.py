"""The events AWS would emit (``kmsmock.events``): CloudTrail records of every call and of what
the clock did on its own (RotateKey, DeleteKey, DeleteExpiredKeyMaterial), and the EventBridge
events of the latter, each dated when it happened on the clock, not when the test noticed it."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from kmsmock import KmsMock
from kmsmock.events import DELETION, EXPIRATION, ROTATION
from tests.helpers import new_client, refusal
from tests.test_import import import_material
from tests.timetravel import TOOLS, frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

DAY = timedelta(days=1)
START = utc(2024, 1, 1, 9)


def _service_record_shape(record: dict[str, Any], account: str, arn: str) -> None:
    """What every KMS service event record carries (the developer guide's examples)."""
    assert record["eventType"] == "AwsServiceEvent"
    assert record["userIdentity"] == {"accountId": account, "invokedBy": "AWS Internal"}
    assert record["eventSource"] == "kms.amazonaws.com"
    assert record["requestParameters"] is None
    assert record["responseElements"] is None
    assert record["resources"] == [{"accountId": account, "type": "AWS::KMS::Key", "ARN": arn}]
    assert record["readOnly"] is False
    assert record["recipientAccountId"] == account
    assert record["eventCategory"] == "Management"


@pytest.mark.parametrize("tool", TOOLS)
def test_a_rotation_is_dated_on_its_day_when_noticed_later(kms_mock: KmsMock, tool: str) -> None:
    with frozen(tool, START) as clock:
        kms = new_client()
        key = kms.create_key()["KeyMetadata"]
        first = key["CurrentKeyMaterialId"]
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
        clock.advance(200 * DAY)  # two rotations fell due: 2024-03-31 and 2024-06-29

        # No request touched the key: reading the events brings it up to the clock.
        rotations = kms_mock.events.cloudtrail.named("RotateKey", key_id=key["KeyId"])
        assert [r.time for r in rotations] == [utc(2024, 3, 31, 9), utc(2024, 6, 29, 9)]
        record = rotations[0].as_dict()
        _service_record_shape(record, key["AWSAccountId"], key["Arn"])
        assert record["eventTime"] == "2024-03-31T09:00:00Z"
        assert record["awsRegion"] == "us-east-1"
        details = record["serviceEventDetails"]
        assert details["keyId"] == key["KeyId"]
        assert details["rotationType"] == "AUTOMATIC"
        assert details["keyOrigin"] == "AWS_KMS"
        assert details["previousKeyMaterialId"] == first
        assert (
            rotations[1]["serviceEventDetails"]["previousKeyMaterialId"]
            == (details["currentKeyMaterialId"])
        )
        current = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
        assert rotations[1]["serviceEventDetails"]["currentKeyMaterialId"] == current

        [event, _] = kms_mock.events.eventbridge.named(ROTATION)
        assert event.time == utc(2024, 3, 31, 9)
        body = event.as_dict()
        # its own id, the same on every read
        assert body.pop("id") == kms_mock.events.eventbridge[0]["id"] != record["eventID"]
        assert body == {
            "version": "0",
            "detail-type": "KMS CMK Rotation",
            "source": "aws.kms",
            "account": key["AWSAccountId"],
            "time": "2024-03-31T09:00:00Z",
            "region": "us-east-1",
            "resources": [key["Arn"]],
            "detail": {
                "key-id": key["KeyId"],
                "rotation-type": "AUTOMATIC",
                "key-origin": "AWS_KMS",
                "current-key-material-id": details["currentKeyMaterialId"],
                "previous-key-material-id": first,
            },
        }


def test_records_come_in_the_order_things_happened(kms_mock: KmsMock) -> None:
    """A rotation noticed by a later call sits on its own date, before calls made after it."""
    with frozen("freezegun", START) as clock:
        kms = new_client()
        rotating = kms.create_key()["KeyMetadata"]["KeyId"]
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=rotating, RotationPeriodInDays=90)
        clock.advance(100 * DAY)
        kms.describe_key(KeyId=other)  # day 100: the rotation (day 90) is not noticed yet
        clock.advance(DAY)
        kms.describe_key(KeyId=rotating)  # day 101: noticed now
        trail = kms_mock.events.cloudtrail
        assert trail.names == [
            "CreateKey",
            "CreateKey",
            "EnableKeyRotation",
            "RotateKey",
            "DescribeKey",
            "DescribeKey",
        ]
        assert trail.named("RotateKey")[0].time == utc(2024, 3, 31, 9)


def test_on_demand_rotation(kms_mock: KmsMock, kms_client: KMSClient) -> None:
    key = kms_client.create_key()["KeyMetadata"]
    kms_client.rotate_key_on_demand(KeyId=key["KeyId"])
    [record] = kms_mock.events.cloudtrail.named("RotateKey")
    assert record["serviceEventDetails"]["rotationType"] == "ON_DEMAND"
    assert record.time == kms_mock.events.cloudtrail.named("RotateKeyOnDemand")[0].time
    [event] = kms_mock.events.eventbridge
    assert event["detail"]["rotation-type"] == "ON_DEMAND"


@pytest.mark.parametrize("tool", TOOLS)
def test_the_end_of_a_deletion_window(kms_mock: KmsMock, tool: str) -> None:
    with frozen(tool, START) as clock:
        kms = new_client()
        key = kms.create_key()["KeyMetadata"]
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        clock.advance(6 * DAY)
        assert kms_mock.events.eventbridge.named(DELETION) == []
        clock.advance(30 * DAY)
        kms.list_keys()

        [deleted] = kms_mock.events.cloudtrail.named("DeleteKey")
        record = deleted.as_dict()
        _service_record_shape(record, key["AWSAccountId"], key["Arn"])
        assert record["eventTime"] == "2024-01-08T09:00:00Z"  # seven days after scheduling
        assert record["serviceEventDetails"] == {"keyId": key["KeyId"]}
        [event] = kms_mock.events.eventbridge
        assert (event.name, event.time, event["detail"]) == (
            "KMS CMK Deletion",
            utc(2024, 1, 8, 9),
            {"key-id": key["KeyId"]},
        )
        # The ScheduleKeyDeletion call is logged with what CloudTrail logs of its answer.
        [scheduled] = kms_mock.events.cloudtrail.named("ScheduleKeyDeletion")
        assert scheduled["requestParameters"] == {"keyId": key["KeyId"], "pendingWindowInDays": 7}
        assert scheduled["responseElements"]["keyState"] == "PendingDeletion"
        assert scheduled["responseElements"]["deletionDate"] == "Jan 8, 2024 09:00:00 AM"


def test_expiry_of_imported_material(kms_mock: KmsMock, kms_client: KMSClient) -> None:
    with frozen("freezegun", utc(2026, 3, 1)) as clock:
        key = kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"]
        material_id = import_material(
            kms_client,
            key["KeyId"],
            os.urandom(32),
            ExpirationModel="KEY_MATERIAL_EXPIRES",
            ValidTo=utc(2026, 3, 11),
        )["KeyMaterialId"]
        clock.move_to(utc(2026, 4, 1))
        assert kms_client.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == (
            "PendingImport"
        )
        [expired] = kms_mock.events.cloudtrail.named("DeleteExpiredKeyMaterial")
        record = expired.as_dict()
        _service_record_shape(record, key["AWSAccountId"], key["Arn"])
        assert record["eventTime"] == "2026-03-11T00:00:00Z"
        assert record["serviceEventDetails"] == {
            "keyId": key["KeyId"],
            "keyMaterialId": material_id,
        }
        [event] = kms_mock.events.eventbridge.named(EXPIRATION, key_id=key["Arn"])
        assert event.time == utc(2026, 3, 11)
        assert event["detail"] == {"key-id": key["KeyId"]}
        # ImportKeyMaterial itself: no wrapped material or token in the record
        [imported] = kms_mock.events.cloudtrail.named("ImportKeyMaterial")
        assert imported["requestParameters"] == {
            "keyId": key["KeyId"],
            "expirationModel": "KEY_MATERIAL_EXPIRES",
            "validTo": "Mar 11, 2026 00:00:00 AM",
        }


def test_every_call_is_recorded_without_plaintext(kms_mock: KmsMock, kms_client: KMSClient) -> None:
    key = kms_client.create_key(Description="orders")["KeyMetadata"]
    answer = kms_client.encrypt(
        KeyId=key["KeyId"], Plaintext=b"top secret", EncryptionContext={"Dept": "Eng"}
    )
    [created, encrypt] = kms_mock.events.cloudtrail
    record = encrypt.as_dict()
    assert "top secret" not in json.dumps(record)
    assert "Plaintext" not in json.dumps(record)
    assert record["eventType"] == "AwsApiCall"
    assert record["eventName"] == "Encrypt"
    assert record["userIdentity"] == {
        "type": "Root",
        "principalId": key["AWSAccountId"],
        "arn": f"arn:aws:iam::{key['AWSAccountId']}:root",
        "accountId": key["AWSAccountId"],
    }
    assert record["requestParameters"] == {
        "keyId": key["KeyId"],
        "encryptionContext": {"Dept": "Eng"},  # the context's own keys, as given
    }
    assert record["responseElements"] is None  # a read-only call
    assert record["readOnly"] is True
    assert record["requestID"] == answer["ResponseMetadata"]["RequestId"]
    assert record["resources"] == [
        {"accountId": key["AWSAccountId"], "type": "AWS::KMS::Key", "ARN": key["Arn"]}
    ]
    assert "errorCode" not in record
    # CreateKey is not read-only: its key metadata is logged, with AWS's field names
    assert created["readOnly"] is False
    assert created["responseElements"]["keyMetadata"]["keyId"] == key["KeyId"]
    assert created["responseElements"]["keyMetadata"]["aWSAccountId"] == key["AWSAccountId"]
    assert created.key_ids == (key["KeyId"],)
    # GetKeyLastUsage names the call's CloudTrail record
    usage = kms_client.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
    assert usage["CloudTrailEventId"] == record["eventID"]


def test_a_failed_call_carries_the_error(kms_mock: KmsMock, kms_client: KMSClient) -> None:
    key = kms_client.create_key()["KeyMetadata"]
    kms_client.disable_key(KeyId=key["KeyId"])
    code, message = refusal(kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    [failed] = kms_mock.events.cloudtrail.named("Encrypt", key_id=key["KeyId"])
    assert failed.error_code == code == "DisabledException"
    assert (failed["errorCode"], failed["errorMessage"]) == (code, message)
    assert failed["responseElements"] is None


def test_filters_clear_and_limit(kms_mock: KmsMock, kms_client: KMSClient) -> None:
    one = kms_client.create_key()["KeyMetadata"]
    two = kms_client.create_key()["KeyMetadata"]
    kms_client.describe_key(KeyId=one["Arn"])
    kms_client.list_keys()
    trail = kms_mock.events.cloudtrail
    assert trail.for_key(one["KeyId"]).names == ["CreateKey", "DescribeKey"]
    assert trail.named("CreateKey", key_id=two["Arn"])[0].key_ids == (two["KeyId"],)
    assert trail.named("CreateKey", "ListKeys").names == ["CreateKey", "CreateKey", "ListKeys"]
    assert "resources" not in trail.named("ListKeys")[0].as_dict()  # a call on no key
    assert trail[-2:].names == ["DescribeKey", "ListKeys"]

    kms_mock.events.clear()
    assert len(kms_mock.events.cloudtrail) == 0
    kms_mock.events.limit = 2
    for _ in range(5):
        kms_client.list_keys()
    assert len(kms_mock.events.cloudtrail) == 2  # the last two
    kms_mock.events.limit = 0
    kms_client.list_keys()
    assert len(kms_mock.events.cloudtrail) == 0
    with pytest.raises(ValueError, match="0 or more"):
        kms_mock.events.limit = -1


def test_each_activation_starts_with_no_events() -> None:
    with KmsMock() as outer:
        new_client().list_keys()
        assert outer.events.cloudtrail.names == ["ListKeys"]
    with KmsMock() as fresh:
        assert fresh.events.cloudtrail.names == []
    with pytest.raises(RuntimeError, match="not active"):
        fresh.events  # noqa: B018


def test_multi_region_deletions_are_logged_in_each_region(kms_mock: KmsMock) -> None:
    """A replica is deleted in its own Region; its primary, scheduled while it had replicas,
    starts its own window when the last replica is gone (and is deleted when that ends)."""
    with frozen("freezegun", START) as clock:
        kms = new_client()
        primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
        kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="eu-west-1")
        new_client("eu-west-1").schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
        kms.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=10)
        clock.advance(30 * DAY)
        deletions = kms_mock.events.cloudtrail.named("DeleteKey")
        assert [(r["awsRegion"], r.time) for r in deletions] == [
            ("eu-west-1", utc(2024, 1, 8, 9)),
            ("us-east-1", utc(2024, 1, 18, 9)),  # ten days after the replica went
        ]
        assert [e["region"] for e in kms_mock.events.eventbridge.named(DELETION)] == [
            "eu-west-1",
            "us-east-1",
        ]


def test_the_caller_is_the_user_identity(kms_mock: KmsMock) -> None:
    """Calls signed by an IAM user or an assumed-role session name them as CloudTrail does."""
    account = kms_mock.account_id
    alice_user = kms_mock.add_user("Alice")
    admin = kms_mock.add_role("Admin")
    for signer in (alice_user, admin.assume("build")):
        signer.client(region_name="us-east-1").list_keys()
    user_id = alice_user.caller.user_id
    role_id = admin.assume("other").caller.user_id
    assert user_id is not None
    assert user_id.startswith("AIDA")
    assert role_id is not None
    assert role_id.startswith("AROA")
    role_id = role_id.split(":")[0]
    alice, build = (r["userIdentity"] for r in kms_mock.events.cloudtrail)
    assert alice == {
        "type": "IAMUser",
        "principalId": user_id,
        "arn": f"arn:aws:iam::{account}:user/Alice",
        "accountId": account,
        "userName": "Alice",
    }
    assert build == {
        "type": "AssumedRole",
        "principalId": f"{role_id}:build",
        "arn": f"arn:aws:sts::{account}:assumed-role/Admin/build",
        "accountId": account,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{account}:role/Admin",
                "accountId": account,
                "userName": "Admin",
            }
        },
    }
