"""AWS managed keys: created on first use of their alias, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests import model
from tests.helpers import raises_error
from tests.keys.lifecycle import ACCOUNT, ARN_PREFIX, state

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


# -- AWS managed keys -------------------------------------------------------------------------


def denied(operation: str, arn: str) -> dict[str, str]:
    action = f"kms:{operation}"
    return {
        "Code": "AccessDeniedException",
        "Message": f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: {action} "
        f"on resource: {arn} because no resource-based policy allows the {action} action",
    }


def test_aws_managed_key_is_created_on_first_use_of_its_alias(kms: KMSClient) -> None:
    assert kms.list_keys()["Keys"] == []
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert meta["Description"] == (
        "Default key that protects my S3 objects when no other key is defined"
    )
    assert (meta["KeySpec"], meta["KeyUsage"], meta["Origin"]) == (
        "SYMMETRIC_DEFAULT",
        "ENCRYPT_DECRYPT",
        "AWS_KMS",
    )
    again = kms.describe_key(KeyId=f"{ARN_PREFIX}:alias/aws/s3")["KeyMetadata"]
    assert again["KeyId"] == meta["KeyId"]
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [meta["KeyId"]]
    [alias] = kms.list_aliases()["Aliases"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/aws/s3", meta["KeyId"])


def test_an_unknown_aws_alias_is_not_found(kms: KMSClient) -> None:
    assert raises_error(kms.describe_key, KeyId="alias/aws/not-a-service") == {
        "Code": "NotFoundException",
        "Message": f"Alias {ARN_PREFIX}:alias/aws/not-a-service is not found.",
    }


MANAGED_CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "disable_key": ("DisableKey", {}),
    "enable_key": ("EnableKey", {}),
    "schedule_key_deletion": ("ScheduleKeyDeletion", {}),
    "update_key_description": ("UpdateKeyDescription", {"Description": "mine"}),
    "tag_resource": ("TagResource", {"Tags": [{"TagKey": "k", "TagValue": "v"}]}),
    "untag_resource": ("UntagResource", {"TagKeys": ["k"]}),
    "put_key_policy": ("PutKeyPolicy", {"Policy": '{"Statement": []}'}),
}


@pytest.mark.parametrize("operation", sorted(MANAGED_CHANGES))
def test_aws_managed_keys_refuse_changes(kms: KMSClient, operation: str) -> None:
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    name, kwargs = MANAGED_CHANGES[operation]
    assert raises_error(getattr(kms, operation), KeyId=meta["KeyId"], **kwargs) == denied(
        name, meta["Arn"]
    )
    assert state(kms, meta["KeyId"]) == "Enabled"


def test_aws_managed_keys_can_be_read(kms: KMSClient) -> None:
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    assert '"Id" : "auto-ssm-1"' in kms.get_key_policy(KeyId=key_id)["Policy"]


@model.requires("ListKeysRequest.ResourceOwners")
def test_list_keys_resource_owners(kms_client: KMSClient) -> None:
    key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
    mine = kms_client.list_keys(ResourceOwners=["SELF"])["Keys"]
    assert [k["KeyId"] for k in mine] == [key_id]
    both = kms_client.list_keys(ResourceOwners=["SELF", "OTHER_ACCOUNTS_VIA_RAM"])["Keys"]
    assert [k["KeyId"] for k in both] == [key_id]
    shared = kms_client.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"])
    assert (shared["Keys"], shared["Truncated"]) == ([], False)
