"""Cross-account use as the KMS Developer Guide documents it ("Allowing users in other accounts
to use a KMS key"): only the operations the API Reference marks "Cross-account use: Yes" reach
another account's key; a key policy's permission for any other one "has no effect"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access.conftest import (
    ACCOUNT,
    OTHER,
    REGION,
    ROOT,
    allow,
    key_policy,
    not_authorized,
)
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

# The other account gets every permission in the key policy: what still fails is the rule.
EVERYTHING_TO_OTHER = key_policy(
    allow("kms:*", {"AWS": ROOT}), allow("kms:*", {"AWS": f"arn:aws:iam::{OTHER}:root"})
)


@pytest.fixture
def partner_and_key(kms: KMSClient, kms_mock: KmsMock) -> tuple[Any, dict[str, Any]]:
    key = dict(kms.create_key(Policy=EVERYTHING_TO_OTHER)["KeyMetadata"])
    kms.create_alias(AliasName="alias/shared", TargetKeyId=key["KeyId"])
    partner = kms_mock.add_user("partner", account=OTHER)  # IAM allows it everything
    return partner, key


@pytest.mark.parametrize(
    ("operation", "action", "extra"),
    [
        ("schedule_key_deletion", "kms:ScheduleKeyDeletion", {}),
        ("get_key_policy", "kms:GetKeyPolicy", {}),
        ("put_key_policy", "kms:PutKeyPolicy", {"Policy": EVERYTHING_TO_OTHER}),
        ("disable_key", "kms:DisableKey", {}),
        ("enable_key_rotation", "kms:EnableKeyRotation", {}),
        ("update_key_description", "kms:UpdateKeyDescription", {"Description": "d"}),
        ("tag_resource", "kms:TagResource", {"Tags": [{"TagKey": "a", "TagValue": "b"}]}),
        ("list_resource_tags", "kms:ListResourceTags", {}),
        ("list_key_policies", "kms:ListKeyPolicies", {}),
    ],
)
def test_operations_without_cross_account_use_fail_whatever_the_key_policy_says(
    kms: KMSClient,
    partner_and_key: tuple[Any, dict[str, Any]],
    operation: str,
    action: str,
    extra: dict[str, Any],
) -> None:
    partner, key = partner_and_key
    client = partner.client(region_name=REGION)
    call = getattr(client, operation)
    assert refusal(call, KeyId=key["Arn"], **extra) == not_authorized(
        partner.arn, action, key["Arn"], "resource-based"
    )
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_an_alias_in_ones_own_account_cannot_point_at_another_accounts_key(
    partner_and_key: tuple[Any, dict[str, Any]],
) -> None:
    partner, key = partner_and_key
    client = partner.client(region_name=REGION)
    assert refusal(
        client.create_alias, AliasName="alias/theirs", TargetKeyId=key["Arn"]
    ) == not_authorized(partner.arn, "kms:CreateAlias", key["Arn"], "resource-based")


def test_operations_with_cross_account_use_work_by_key_arn_and_alias_arn(
    kms: KMSClient, partner_and_key: tuple[Any, dict[str, Any]]
) -> None:
    partner, key = partner_and_key
    client = partner.client(region_name=REGION)
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/shared"
    for ident in (key["Arn"], alias_arn):
        assert client.describe_key(KeyId=ident)["KeyMetadata"]["Arn"] == key["Arn"]
        blob = client.encrypt(KeyId=ident, Plaintext=b"p")["CiphertextBlob"]
        assert client.decrypt(CiphertextBlob=blob, KeyId=ident)["Plaintext"] == b"p"
        client.generate_data_key(KeyId=ident, KeySpec="AES_256")
    assert client.get_key_rotation_status(KeyId=key["Arn"])["KeyRotationEnabled"] is False
    grant = client.create_grant(
        KeyId=key["Arn"], GranteePrincipal=partner.arn, Operations=["Decrypt"]
    )
    listed = client.list_grants(KeyId=key["Arn"])["Grants"]
    assert [g["GrantId"] for g in listed] == [grant["GrantId"]]
    client.revoke_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_the_cross_account_operations_are_the_ones_the_api_reference_marks_so() -> None:
    """Each operation's documentation in the service model says "Cross-account use: Yes" or
    "No"; kmsmock reads it from the installed model (newer models add operations, e.g.
    Encapsulate), so the list AWS's pages give is what it finds."""
    import botocore.session

    from kmsmock.operations.registry import traits

    model = botocore.session.get_session().get_service_model("kms")
    found = {name for name in model.operation_names if traits(model, name).cross_account}
    documented = {  # the API Reference pages' "Cross-account use: Yes", botocore 1.43
        "CreateGrant", "ListGrants", "RetireGrant", "RevokeGrant", "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "Encrypt", "Decrypt", "ReEncrypt", "Sign",
        "Verify", "GenerateMac", "VerifyMac", "DescribeKey", "GetKeyRotationStatus",
        "GetPublicKey", "DeriveSharedSecret",
    }  # fmt: skip
    assert found & documented == documented
    assert not found & {"ScheduleKeyDeletion", "PutKeyPolicy", "GetKeyPolicy", "CreateAlias"}
