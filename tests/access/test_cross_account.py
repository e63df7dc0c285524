"""Cross-account use (issue 13): a principal of another account uses a key by its key ARN or
alias ARN when both the key policy and its own identity policy allow it; aliases never resolve
across accounts by name; listings show the caller's account only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access.conftest import (
    ACCOUNT,
    CIPHERTEXT_REFUSED,
    OTHER,
    REGION,
    ROOT,
    allow,
    document,
    key_policy,
    not_authorized,
)
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

SHARED = key_policy(
    allow("kms:*", {"AWS": ROOT}),
    allow(["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"], {"AWS": f"arn:aws:iam::{OTHER}:root"}),
)
DECRYPT_ANYWHERE = [document(allow(["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"]))]


@pytest.fixture
def shared(kms: KMSClient) -> dict[str, Any]:
    key = dict(kms.create_key(Policy=SHARED)["KeyMetadata"])
    kms.create_alias(AliasName="alias/shared", TargetKeyId=key["KeyId"])
    key["Blob"] = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"shared")["CiphertextBlob"]
    return key


def test_decrypt_allowed_by_both_halves(kms_mock: KmsMock, shared: dict[str, Any]) -> None:
    partner = kms_mock.add_user("partner", account=OTHER, identity_policies=DECRYPT_ANYWHERE)
    client = partner.client(region_name=REGION)
    assert client.decrypt(CiphertextBlob=shared["Blob"])["Plaintext"] == b"shared"
    out = client.encrypt(KeyId=shared["Arn"], Plaintext=b"p")
    assert out["KeyId"] == shared["Arn"]
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/shared"
    assert client.encrypt(KeyId=alias_arn, Plaintext=b"p")["KeyId"] == shared["Arn"]


def test_refused_without_the_identity_half(kms_mock: KmsMock, shared: dict[str, Any]) -> None:
    partner = kms_mock.add_user("partner", account=OTHER, identity_policies=[])
    client = partner.client(region_name=REGION)
    assert refusal(client.decrypt, CiphertextBlob=shared["Blob"]) == CIPHERTEXT_REFUSED
    assert refusal(client.encrypt, KeyId=shared["Arn"], Plaintext=b"p") == not_authorized(
        partner.arn, "kms:Encrypt", shared["Arn"], "identity-based"
    )


def test_refused_without_the_key_policy_half(kms: KMSClient, kms_mock: KmsMock) -> None:
    key = kms.create_key()["KeyMetadata"]  # the default policy trusts its own account only
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    partner = kms_mock.add_user("partner", account=OTHER, identity_policies=DECRYPT_ANYWHERE)
    client = partner.client(region_name=REGION)
    assert refusal(client.decrypt, CiphertextBlob=blob) == CIPHERTEXT_REFUSED
    assert refusal(client.describe_key, KeyId=key["Arn"]) == not_authorized(
        partner.arn, "kms:DescribeKey", key["Arn"], "resource-based"
    )


def test_a_key_policy_granting_the_other_account_only_what_it_names(
    kms_mock: KmsMock, shared: dict[str, Any]
) -> None:
    partner = kms_mock.add_user("partner", account=OTHER)  # IAM allows it everything
    client = partner.client(region_name=REGION)
    client.describe_key(KeyId=shared["Arn"])
    assert refusal(client.disable_key, KeyId=shared["Arn"]) == not_authorized(
        partner.arn, "kms:DisableKey", shared["Arn"], "resource-based"
    )


def test_names_resolve_in_the_callers_own_account(
    kms: KMSClient, kms_mock: KmsMock, shared: dict[str, Any]
) -> None:
    partner = kms_mock.add_user("partner", account=OTHER)
    client = partner.client(region_name=REGION)
    assert refusal(client.encrypt, KeyId="alias/shared", Plaintext=b"p") == (
        "NotFoundException",
        f"Alias arn:aws:kms:{REGION}:{OTHER}:alias/shared is not found.",
    )
    assert refusal(client.encrypt, KeyId=shared["KeyId"], Plaintext=b"p") == (
        "NotFoundException",
        f"Key 'arn:aws:kms:{REGION}:{OTHER}:key/{shared['KeyId']}' does not exist",
    )
    assert client.list_keys()["Keys"] == []
    assert client.list_aliases()["Aliases"] == []
    own = client.create_key()["KeyMetadata"]  # the caller's account is where it acts
    assert own["Arn"].startswith(f"arn:aws:kms:{REGION}:{OTHER}:key/")
    assert own["AWSAccountId"] == OTHER
    assert [k["KeyId"] for k in client.list_keys()["Keys"]] == [own["KeyId"]]
    assert own["KeyId"] not in {k["KeyId"] for k in kms.list_keys()["Keys"]}


def test_another_accounts_root(kms: KMSClient, kms_mock: KmsMock) -> None:
    other = kms_mock.account_root(OTHER)
    assert other.arn == f"arn:aws:iam::{OTHER}:root"
    client = other.client(region_name=REGION)
    theirs = client.create_key()["KeyMetadata"]
    assert client.describe_key(KeyId=theirs["KeyId"])["KeyMetadata"]["AWSAccountId"] == OTHER
    assert refusal(kms.describe_key, KeyId=theirs["Arn"]) == not_authorized(
        ROOT, "kms:DescribeKey", theirs["Arn"], "resource-based"
    )
