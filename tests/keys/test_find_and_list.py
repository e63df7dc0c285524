"""DescribeKey and the KeyId forms; ListKeys."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine

from tests.helpers import new_client, raises_error, without_retries
from tests.keys.lifecycle import ACCOUNT, ARN_PREFIX, MISSING_ID, new_key

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


# -- DescribeKey and KeyId forms -----------------------------------------------------------------


def test_describe_key_by_every_identifier(kms: KMSClient) -> None:
    meta = new_key(kms)
    kms.create_alias(AliasName="alias/orders", TargetKeyId=meta["KeyId"])
    for ident in (meta["KeyId"], meta["Arn"], "alias/orders", f"{ARN_PREFIX}:alias/orders"):
        assert kms.describe_key(KeyId=ident)["KeyMetadata"]["KeyId"] == meta["KeyId"], ident


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        (MISSING_ID, f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist"),
        (f"{ARN_PREFIX}:key/{MISSING_ID}", f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist"),
        (
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            f"Key '{ARN_PREFIX}:key/mrk-1234abcd12ab34cd56ef1234567890ab' does not exist",
        ),
        (
            "786CA7CD-3E5D-4F20-9E8B-0F5C5A3D1E2A",
            f"Key '{ARN_PREFIX}:key/786CA7CD-3E5D-4F20-9E8B-0F5C5A3D1E2A' does not exist",
        ),
        ("fake-key-id", "Invalid keyId 'fake-key-id'"),
        ("134f2428cec14b25a1ae9048164dba47", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'"),
        ("mrk-fake-key-id", "Invalid keyId 'mrk-fake-key-id'"),
        (f"{ARN_PREFIX}:key/foo", "Invalid keyId foo"),
        (f"arn:aws:kms:us-west-2:{ACCOUNT}:key/{MISSING_ID}", "Invalid arn us-west-2"),
        ("alias/missing", f"Alias {ARN_PREFIX}:alias/missing is not found."),
        (f"{ARN_PREFIX}:alias/missing", f"Alias {ARN_PREFIX}:alias/missing is not found."),
    ],
)
def test_describe_key_lookup_errors(kms: KMSClient, ident: str, message: str) -> None:
    assert raises_error(kms.describe_key, KeyId=ident) == {
        "Code": "NotFoundException",
        "Message": message,
    }


def test_a_key_in_another_region_is_not_found_with_the_callers_region(kms: KMSClient) -> None:
    other = new_client("eu-west-1")
    key_id = other.create_key()["KeyMetadata"]["KeyId"]
    assert raises_error(kms.describe_key, KeyId=key_id) == {
        "Code": "NotFoundException",
        "Message": f"Key '{ARN_PREFIX}:key/{key_id}' does not exist",
    }


KEY_ONLY_OPERATIONS = {
    "cancel_key_deletion": {},
    "disable_key": {},
    "enable_key": {},
    "schedule_key_deletion": {},
    "update_key_description": {"Description": "d"},
    "get_key_policy": {},
    "put_key_policy": {"Policy": "{}"},
    "list_key_policies": {},
    "list_resource_tags": {},
    "tag_resource": {"Tags": [{"TagKey": "k", "TagValue": "v"}]},
    "untag_resource": {"TagKeys": ["k"]},
    "list_aliases": {},
}


@pytest.mark.parametrize("operation", sorted(KEY_ONLY_OPERATIONS))
@pytest.mark.parametrize("alias", ["alias/missing", f"{ARN_PREFIX}:alias/missing"])
def test_key_only_operations_reject_aliases_before_lookup(
    kms: KMSClient, operation: str, alias: str
) -> None:
    assert raises_error(getattr(kms, operation), KeyId=alias, **KEY_ONLY_OPERATIONS[operation]) == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


@pytest.mark.parametrize("operation", sorted(KEY_ONLY_OPERATIONS))
def test_key_only_operations_accept_a_key_arn(kms: KMSClient, operation: str) -> None:
    arn = new_key(kms)["Arn"]
    kwargs = dict(KEY_ONLY_OPERATIONS[operation])
    if operation == "put_key_policy":
        kwargs["Policy"] = kms.get_key_policy(KeyId=arn)["Policy"]
    if operation == "cancel_key_deletion":
        kms.schedule_key_deletion(KeyId=arn)
    response = getattr(kms, operation)(KeyId=arn, **kwargs)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


# -- ListKeys ----------------------------------------------------------------------------------


def test_list_keys_entries(kms: KMSClient) -> None:
    meta = new_key(kms)
    assert kms.list_keys() | {"ResponseMetadata": None} == {
        "Keys": [{"KeyId": meta["KeyId"], "KeyArn": meta["Arn"]}],
        "Truncated": False,
        "ResponseMetadata": None,
    }


def test_list_keys_paging(kms: KMSClient) -> None:
    ids = [new_key(kms)["KeyId"] for _ in range(5)]
    first = kms.list_keys(Limit=2)
    assert [k["KeyId"] for k in first["Keys"]] == ids[:2]
    assert first["Truncated"] is True
    second = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    third = kms.list_keys(Limit=2, Marker=second["NextMarker"])
    assert [k["KeyId"] for k in second["Keys"] + third["Keys"]] == ids[2:]
    assert third["Truncated"] is False
    assert "NextMarker" not in third


def test_list_keys_default_limit_is_100(kms: KMSClient) -> None:
    for _ in range(101):
        new_key(kms)
    page = kms.list_keys()
    assert len(page["Keys"]) == 100
    assert page["Truncated"] is True
    assert len(kms.list_keys(Marker=page["NextMarker"])["Keys"]) == 1
    assert len(kms.list_keys(Limit=1000)["Keys"]) == 101


def test_list_keys_exact_page_has_no_marker(kms: KMSClient) -> None:
    for _ in range(2):
        new_key(kms)
    page = kms.list_keys(Limit=2)
    assert (len(page["Keys"]), page["Truncated"], "NextMarker" in page) == (2, False, False)


def test_list_keys_invalid_marker(kms: KMSClient) -> None:
    assert raises_error(kms.list_keys, Marker="not-a-marker") == {
        "Code": "InvalidMarkerException",
        "Message": "Invalid marker",
    }


def test_list_keys_is_per_region_and_hides_deleted_keys(
    kms: KMSClient, clock: time_machine.Coordinates
) -> None:
    new_client("eu-west-1").create_key()
    kept, pending, deleted = (new_key(kms)["KeyId"] for _ in range(3))
    kms.schedule_key_deletion(KeyId=pending, PendingWindowInDays=30)
    kms.schedule_key_deletion(KeyId=deleted, PendingWindowInDays=7)
    clock.shift(timedelta(days=8))
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [kept, pending]


def test_a_listing_that_meets_many_ended_deletion_windows(
    kms: KMSClient, clock: time_machine.Coordinates
) -> None:
    """The listing deletes the keys whose windows ended as it meets them; enough of them at
    once used to compact the creation order under the listing's feet (an internal error that
    botocore's retry then hid)."""
    kept = [new_key(kms)["KeyId"] for _ in range(10)]
    for _ in range(150):
        kms.schedule_key_deletion(KeyId=new_key(kms)["KeyId"], PendingWindowInDays=7)
    kept += [new_key(kms)["KeyId"] for _ in range(10)]
    clock.shift(timedelta(days=8))
    pages = without_retries().get_paginator("list_keys").paginate(Limit=7)
    assert [k["KeyId"] for page in pages for k in page["Keys"]] == kept
