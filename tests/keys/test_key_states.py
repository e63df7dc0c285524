"""UpdateKeyDescription, EnableKey, DisableKey and the key-state table (kms-facts §2.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import raises_error
from tests.keys.lifecycle import ARN_PREFIX, MISSING_ID, new_key, state

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


# -- UpdateKeyDescription, EnableKey, DisableKey -----------------------------------------------


def test_update_key_description(kms: KMSClient) -> None:
    key_id = new_key(kms, Description="old")["KeyId"]
    assert kms.update_key_description(KeyId=key_id, Description="new")["ResponseMetadata"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "new"
    kms.update_key_description(KeyId=key_id, Description="")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == ""


def test_disable_and_enable(kms: KMSClient) -> None:
    key_id = new_key(kms)["KeyId"]
    response = kms.disable_key(KeyId=key_id)
    assert set(response) == {"ResponseMetadata"}
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    kms.disable_key(KeyId=key_id)  # disabling a disabled key succeeds
    kms.enable_key(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Enabled", True)
    kms.enable_key(KeyId=key_id)
    assert state(kms, key_id) == "Enabled"


def test_missing_key_for_management_operations(kms: KMSClient) -> None:
    for call in (kms.enable_key, kms.disable_key, kms.cancel_key_deletion):
        assert raises_error(call, KeyId=MISSING_ID) == {
            "Code": "NotFoundException",
            "Message": f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist",
        }


# -- the key-state table for these operations (kms-facts §2.1) ---------------------------------


def _in_state(kms: KMSClient, wanted: str) -> dict[str, Any]:
    if wanted == "PendingImport":
        return new_key(kms, Origin="EXTERNAL")
    meta = new_key(kms)
    if wanted == "Disabled":
        kms.disable_key(KeyId=meta["KeyId"])
    elif wanted == "PendingDeletion":
        kms.schedule_key_deletion(KeyId=meta["KeyId"])
    return meta


OK = "ok"
TABLE: dict[str, dict[str, str]] = {
    # operation: {state: OK | error code + " " + message suffix after the key ARN}
    "describe_key": dict.fromkeys(("Enabled", "Disabled", "PendingDeletion", "PendingImport"), OK),
    "enable_key": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": "KMSInvalidStateException is pending import.",
    },
    "disable_key": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": "KMSInvalidStateException is pending import.",
    },
    "update_key_description": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "schedule_key_deletion": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "cancel_key_deletion": {
        "Enabled": "KMSInvalidStateException is not pending deletion.",
        "Disabled": "KMSInvalidStateException is not pending deletion.",
        "PendingDeletion": OK,
        "PendingImport": "KMSInvalidStateException is not pending deletion.",
    },
    "tag_resource": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "untag_resource": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "create_alias": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    **{
        op: dict.fromkeys(("Enabled", "Disabled", "PendingDeletion", "PendingImport"), OK)
        for op in (
            "get_key_policy",
            "put_key_policy",
            "list_key_policies",
            "list_resource_tags",
            "list_aliases",
        )
    },
}


def _arguments(kms: KMSClient, operation: str, meta: dict[str, Any]) -> dict[str, Any]:
    key_id = meta["KeyId"]
    return {
        "update_key_description": {"KeyId": key_id, "Description": "d"},
        "tag_resource": {"KeyId": key_id, "Tags": [{"TagKey": "k", "TagValue": "v"}]},
        "untag_resource": {"KeyId": key_id, "TagKeys": ["k"]},
        "create_alias": {"AliasName": "alias/state-test", "TargetKeyId": key_id},
        "put_key_policy": {
            "KeyId": key_id,
            "Policy": kms.get_key_policy(KeyId=key_id)["Policy"],
        },
    }.get(operation, {"KeyId": key_id})


@pytest.mark.parametrize(
    ("operation", "key_state"),
    [(op, st) for op, row in sorted(TABLE.items()) for st in row],
)
def test_key_state_table(kms: KMSClient, operation: str, key_state: str) -> None:
    meta = _in_state(kms, key_state)
    expected = TABLE[operation][key_state]
    kwargs = _arguments(kms, operation, meta)
    if expected == OK:
        assert getattr(kms, operation)(**kwargs)["ResponseMetadata"]["HTTPStatusCode"] == 200
    else:
        code, suffix = expected.split(" ", 1)
        assert raises_error(getattr(kms, operation), **kwargs) == {
            "Code": code,
            "Message": f"{meta['Arn']} {suffix}",
        }
