"""ScheduleKeyDeletion and CancelKeyDeletion on the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine

from tests.helpers import new_client, raises_error
from tests.keys.lifecycle import ARN_PREFIX, START, new_key, state

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


# -- ScheduleKeyDeletion / CancelKeyDeletion ----------------------------------------------------


def test_schedule_key_deletion_defaults_to_30_days(kms: KMSClient) -> None:
    meta = new_key(kms)
    response = kms.schedule_key_deletion(KeyId=meta["KeyId"])
    del response["ResponseMetadata"]
    assert response == {
        "KeyId": meta["Arn"],
        "DeletionDate": START + timedelta(days=30),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": 30,
    }
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "PendingDeletion"
    assert described["Enabled"] is False
    assert described["DeletionDate"] == START + timedelta(days=30)
    assert "PendingDeletionWindowInDays" not in described


@pytest.mark.parametrize("days", [7, 8, 29, 30])
def test_schedule_key_deletion_window_bounds(kms: KMSClient, days: int) -> None:
    meta = new_key(kms)
    response = kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=days)
    assert response["DeletionDate"] == START + timedelta(days=days)
    assert response["PendingWindowInDays"] == days


@pytest.mark.parametrize("days", [1, 6, 31, 365])
def test_schedule_key_deletion_window_out_of_bounds(kms: KMSClient, days: int) -> None:
    key_id = new_key(kms)["KeyId"]
    assert raises_error(kms.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=days) == {
        "Code": "ValidationException",
        "Message": "PendingWindowInDays must be between 7 and 30",
    }
    assert state(kms, key_id) == "Enabled"


def test_schedule_key_deletion_window_beyond_the_model(kms: KMSClient) -> None:
    unchecked = new_client(validate=False)
    key_id = new_key(kms)["KeyId"]
    assert raises_error(unchecked.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=0) == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1",
    }


def test_cancel_key_deletion_leaves_the_key_disabled(kms: KMSClient) -> None:
    meta = new_key(kms)
    kms.schedule_key_deletion(KeyId=meta["KeyId"])
    response = kms.cancel_key_deletion(KeyId=meta["KeyId"])
    assert response["KeyId"] == meta["Arn"]
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("Disabled", False)
    assert "DeletionDate" not in described
    kms.enable_key(KeyId=meta["KeyId"])
    assert state(kms, meta["KeyId"]) == "Enabled"


def test_cancel_key_deletion_of_a_key_awaiting_import(kms: KMSClient) -> None:
    key_id = new_key(kms, Origin="EXTERNAL")["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id)
    kms.cancel_key_deletion(KeyId=key_id)
    assert state(kms, key_id) == "PendingImport"


def test_a_key_past_its_deletion_date_is_gone(
    kms: KMSClient, clock: time_machine.Coordinates
) -> None:
    meta = new_key(kms)
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=meta["KeyId"])
    kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    clock.shift(timedelta(days=7) - timedelta(microseconds=1))
    assert state(kms, meta["KeyId"]) == "PendingDeletion"
    clock.shift(timedelta(microseconds=1))
    gone = {"Code": "NotFoundException", "Message": f"Key '{meta['Arn']}' does not exist"}
    assert raises_error(kms.describe_key, KeyId=meta["KeyId"]) == gone
    assert raises_error(kms.describe_key, KeyId=meta["Arn"]) == gone
    assert raises_error(kms.cancel_key_deletion, KeyId=meta["KeyId"]) == gone
    assert raises_error(kms.describe_key, KeyId="alias/doomed") == {
        "Code": "NotFoundException",
        "Message": f"Alias {ARN_PREFIX}:alias/doomed is not found.",
    }
    assert kms.list_keys()["Keys"] == []
    assert kms.list_aliases()["Aliases"] == []


def test_cancelled_deletion_does_not_delete_later(
    kms: KMSClient, clock: time_machine.Coordinates
) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    kms.cancel_key_deletion(KeyId=key_id)
    clock.shift(timedelta(days=60))
    assert state(kms, key_id) == "Disabled"
