"""The "Required permissions" the API Reference lists beyond an operation's own: CreateKey's
Tags need kms:TagResource in IAM; ReplicateKey needs kms:CreateKey (and kms:TagResource for
Tags) in IAM besides kms:ReplicateKey on the primary key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.access import conftest as access
from tests.access.conftest import REGION, allow, document, not_authorized
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

TAGS = [{"TagKey": "team", "TagValue": "a"}]


def test_create_key_with_tags_needs_tag_resource(kms_mock: KmsMock) -> None:
    maker = kms_mock.add_user("maker", identity_policies=[document(allow("kms:CreateKey"))])
    client = maker.client(region_name=REGION)
    client.create_key()
    assert refusal(client.create_key, Tags=TAGS) == not_authorized(
        maker.arn, "kms:TagResource", "*", "identity-based"
    )
    tagger = kms_mock.add_user(
        "tagger", identity_policies=[document(allow(["kms:CreateKey", "kms:TagResource"]))]
    )
    key = tagger.client(region_name=REGION).create_key(Tags=TAGS)["KeyMetadata"]
    assert key["KeyState"] == "Enabled"


def test_the_tags_a_new_key_may_have_are_iams_to_say(kms_mock: KmsMock) -> None:
    """aws:RequestTag/* and aws:TagKeys on the kms:TagResource the Tags ask for."""
    only_team = allow(
        "kms:TagResource",
        Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
    )
    user = kms_mock.add_user(
        "scoped", identity_policies=[document(allow("kms:CreateKey"), only_team)]
    )
    client = user.client(region_name=REGION)
    client.create_key(Tags=TAGS)
    assert refusal(client.create_key, Tags=[{"TagKey": "cost", "TagValue": "1"}]) == (
        not_authorized(user.arn, "kms:TagResource", "*", "identity-based")
    )


def test_replicate_key_needs_create_key_in_iam(kms: KMSClient, kms_mock: KmsMock) -> None:
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    replicator = kms_mock.add_user(
        "replicator", identity_policies=[document(allow("kms:ReplicateKey"))]
    )
    client = replicator.client(region_name=REGION)
    assert refusal(
        client.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="us-west-2"
    ) == not_authorized(replicator.arn, "kms:CreateKey", "*", "identity-based")
    able = kms_mock.add_user(
        "able", identity_policies=[document(allow(["kms:ReplicateKey", "kms:CreateKey"]))]
    )
    able_client = able.client(region_name=REGION)
    assert refusal(
        able_client.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="us-west-2", Tags=TAGS
    ) == not_authorized(able.arn, "kms:TagResource", "*", "identity-based")
    out = able_client.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2")
    assert out["ReplicaKeyMetadata"]["Arn"].startswith("arn:aws:kms:us-west-2:")


def test_update_primary_region_needs_permission_on_the_replica_too(
    kms: KMSClient, kms_mock: KmsMock
) -> None:
    """kms:UpdatePrimaryRegion on the current primary key and on the current replica key,
    each in its own key policy."""
    admin = kms_mock.add_user("admin")  # IAM allows everything: the key policies decide
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    root = f"arn:aws:iam::{primary['AWSAccountId']}:root"
    no_move = access.key_policy(
        allow("kms:*", {"AWS": root}), access.deny("kms:UpdatePrimaryRegion", {"AWS": admin.arn})
    )
    kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2", Policy=no_move)
    replica_arn = primary["Arn"].replace(REGION, "us-west-2")
    client = admin.client(region_name=REGION)
    assert refusal(
        client.update_primary_region, KeyId=primary["KeyId"], PrimaryRegion="us-west-2"
    ) == access.explicitly_denied(
        admin.arn, "kms:UpdatePrimaryRegion", replica_arn, "resource-based"
    )
    kms.update_primary_region(KeyId=primary["KeyId"], PrimaryRegion="us-west-2")  # root: allowed


def test_alias_operations_need_iam_permission_on_the_alias(
    kms: KMSClient, kms_mock: KmsMock
) -> None:
    """ "Controlling access to aliases": kms:CreateAlias for the alias in an IAM policy and for
    the key in its key policy (the default one delegates to IAM)."""
    key = kms.create_key()["KeyMetadata"]
    app_aliases = f"arn:aws:kms:{REGION}:{key['AWSAccountId']}:alias/app-*"
    on_both = {
        "Effect": "Allow",
        "Action": ["kms:CreateAlias", "kms:DeleteAlias"],
        "Resource": [key["Arn"], app_aliases],
    }
    user = kms_mock.add_user("aliaser", identity_policies=[document(on_both)])
    client = user.client(region_name=REGION)
    client.create_alias(AliasName="alias/app-one", TargetKeyId=key["KeyId"])
    other_alias = app_aliases.replace("app-*", "other")
    assert refusal(
        client.create_alias, AliasName="alias/other", TargetKeyId=key["KeyId"]
    ) == not_authorized(user.arn, "kms:CreateAlias", other_alias, "identity-based")
    kms.create_alias(AliasName="alias/other", TargetKeyId=key["KeyId"])
    assert refusal(client.delete_alias, AliasName="alias/other") == not_authorized(
        user.arn, "kms:DeleteAlias", other_alias, "identity-based"
    )
    client.delete_alias(AliasName="alias/app-one")
    key_only = kms_mock.add_user(
        "key-only",
        identity_policies=[document({**on_both, "Resource": key["Arn"]})],
    )
    assert refusal(
        key_only.client(region_name=REGION).create_alias,
        AliasName="alias/app-two",
        TargetKeyId=key["KeyId"],
    ) == not_authorized(
        key_only.arn, "kms:CreateAlias", app_aliases.replace("*", "two"), "identity-based"
    )
