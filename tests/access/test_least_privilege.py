"""Least-privilege scenarios end to end: boto3 clients per principal, each refused exactly as
AWS refuses it (issue 13, "Proof")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access.conftest import (
    ACCOUNT,
    OTHER,
    REGION,
    ROOT,
    allow,
    deny,
    document,
    explicitly_denied,
    key_policy,
    not_authorized,
)
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock


@pytest.fixture
def key(kms: KMSClient) -> dict[str, Any]:
    return dict(kms.create_key()["KeyMetadata"])


def test_a_user_allowed_only_decrypt_cannot_encrypt(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    reader = kms_mock.add_user("reader", identity_policies=[document(allow("kms:Decrypt"))])
    client = reader.client(region_name=REGION)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    assert refusal(client.encrypt, KeyId=key["KeyId"], Plaintext=b"p") == not_authorized(
        reader.arn, "kms:Encrypt", key["Arn"], "identity-based"
    )
    assert refusal(client.create_key) == not_authorized(
        reader.arn, "kms:CreateKey", "*", "identity-based"
    )


def test_identity_policy_scoped_to_one_key(kms: KMSClient, kms_mock: KmsMock) -> None:
    mine, other = (kms.create_key()["KeyMetadata"] for _ in range(2))
    user = kms_mock.add_user(
        "scoped",
        identity_policies=[
            document({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": mine["Arn"]})
        ],
    )
    client = user.client(region_name=REGION)
    client.encrypt(KeyId=mine["KeyId"], Plaintext=b"p")
    assert refusal(client.encrypt, KeyId=other["KeyId"], Plaintext=b"p") == not_authorized(
        user.arn, "kms:Encrypt", other["Arn"], "identity-based"
    )


def test_a_key_policy_that_denies_one_operation(kms: KMSClient, key: dict[str, Any]) -> None:
    """No principal declared: the account root itself is refused by an explicit Deny."""
    text = key_policy(allow("kms:*", {"AWS": ROOT}), deny("kms:ScheduleKeyDeletion", "*"))
    kms.put_key_policy(KeyId=key["KeyId"], Policy=text)
    assert refusal(kms.schedule_key_deletion, KeyId=key["KeyId"]) == explicitly_denied(
        ROOT, "kms:ScheduleKeyDeletion", key["Arn"], "resource-based"
    )
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"everything else still works")


def test_a_key_policy_that_does_not_name_the_caller(kms: KMSClient) -> None:
    admin = f"arn:aws:iam::{ACCOUNT}:role/Admin"
    key = kms.create_key(
        Policy=key_policy(allow("kms:*", {"AWS": admin})), BypassPolicyLockoutSafetyCheck=True
    )["KeyMetadata"]
    assert refusal(kms.describe_key, KeyId=key["KeyId"]) == not_authorized(
        ROOT, "kms:DescribeKey", key["Arn"], "resource-based"
    )


def test_an_identity_policy_deny_wins(kms_mock: KmsMock, key: dict[str, Any]) -> None:
    user = kms_mock.add_user(
        "no-decrypt", identity_policies=[document(allow("kms:*"), deny("kms:GenerateDataKey"))]
    )
    client = user.client(region_name=REGION)
    client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")
    assert refusal(client.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256") == (
        explicitly_denied(user.arn, "kms:GenerateDataKey", key["Arn"], "identity-based")
    )


def test_encryption_context_condition(kms_mock: KmsMock) -> None:
    user = kms_mock.add_user("tenant-a")
    admin = kms_mock.add_role("Admin")
    condition = {"StringEquals": {"kms:EncryptionContext:tenant": "a"}}
    text = key_policy(
        allow("kms:*", {"AWS": admin.arn}),
        allow(["kms:Encrypt", "kms:Decrypt"], {"AWS": user.arn}, Condition=condition),
    )
    # The admin creates it: the lockout check wants the creator able to manage the key
    key = admin.assume("setup").client(region_name=REGION).create_key(Policy=text)["KeyMetadata"]
    client = user.client(region_name=REGION)
    blob = client.encrypt(KeyId=key["KeyId"], Plaintext=b"a's", EncryptionContext={"TENANT": "a"})
    out = client.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"TENANT": "a"})
    assert out["Plaintext"] == b"a's"  # the context key's name matches in any case
    for context in ({"tenant": "b"}, {"tenant": "A"}, {}):  # values are case-sensitive
        assert refusal(
            client.encrypt, KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext=context
        ) == not_authorized(user.arn, "kms:Encrypt", key["Arn"], "resource-based")


def test_decrypt_refused_on_a_key_of_the_callers_account(kms: KMSClient, kms_mock: KmsMock) -> None:
    """AWS names the key and the missing permission in IAM's words (another account's key is
    refused with the ciphertext text: tests/access/test_cross_account.py)."""
    key = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    user = kms_mock.add_user("encrypt-only", identity_policies=[document(allow("kms:Encrypt"))])
    client = user.client(region_name=REGION)
    refused = not_authorized(user.arn, "kms:Decrypt", key["Arn"], "identity-based")
    assert refusal(client.decrypt, CiphertextBlob=blob) == refused
    assert refusal(client.decrypt, CiphertextBlob=blob, KeyId=key["Arn"]) == refused


def test_re_encrypt_checks_both_keys(kms: KMSClient, kms_mock: KmsMock) -> None:
    source, dest = (kms.create_key()["KeyMetadata"] for _ in range(2))
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    mover = kms_mock.add_user(
        "mover",
        identity_policies=[
            document(
                {"Effect": "Allow", "Action": "kms:ReEncryptFrom", "Resource": source["Arn"]},
                {"Effect": "Allow", "Action": "kms:ReEncryptTo", "Resource": dest["Arn"]},
            )
        ],
    )
    client = mover.client(region_name=REGION)
    out = client.re_encrypt(CiphertextBlob=blob, DestinationKeyId=dest["KeyId"])
    assert out["KeyId"] == dest["Arn"]
    assert refusal(
        client.re_encrypt, CiphertextBlob=blob, DestinationKeyId=source["KeyId"]
    ) == not_authorized(mover.arn, "kms:ReEncryptTo", source["Arn"], "identity-based")
    assert refusal(
        client.re_encrypt, CiphertextBlob=out["CiphertextBlob"], DestinationKeyId=dest["KeyId"]
    ) == not_authorized(mover.arn, "kms:ReEncryptFrom", dest["Arn"], "identity-based")


def test_assumed_role_session(kms: KMSClient, kms_mock: KmsMock) -> None:
    role = kms_mock.add_role("Signer", identity_policies=[])  # IAM allows nothing
    key = kms.create_key(
        KeySpec="ECC_NIST_P256",
        KeyUsage="SIGN_VERIFY",
        Policy=key_policy(allow("kms:*", {"AWS": ROOT}), allow("kms:Sign", {"AWS": role.arn})),
    )["KeyMetadata"]
    session = role.assume("build-42")
    assert session.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/Signer/build-42"
    assert session.access_key_id.startswith("ASIA")
    client = session.client(region_name=REGION)
    client.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert refusal(client.get_public_key, KeyId=key["KeyId"]) == not_authorized(
        session.arn, "kms:GetPublicKey", key["Arn"], "identity-based"
    )


def test_principal_tags_in_conditions(kms: KMSClient, kms_mock: KmsMock) -> None:
    role = kms_mock.add_role(
        "Team",
        identity_policies=[
            document(
                allow(
                    "kms:Encrypt",
                    Condition={
                        "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}
                    },
                )
            )
        ],
    )
    ours = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]
    theirs = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "red"}])["KeyMetadata"]
    client = role.assume("blue-1", tags={"team": "blue"}).client(region_name=REGION)
    client.encrypt(KeyId=ours["KeyId"], Plaintext=b"p")
    assert refusal(client.encrypt, KeyId=theirs["KeyId"], Plaintext=b"p")[0] == (
        "AccessDeniedException"
    )


def test_condition_keys_kmsmock_cannot_observe(kms: KMSClient, kms_mock: KmsMock) -> None:
    only_from_vpc = {"StringEquals": {"aws:SourceVpc": "vpc-1"}}
    inside = kms_mock.add_user(
        "inside",
        identity_policies=[document(allow("kms:Encrypt", Condition=only_from_vpc))],
        condition_keys={"aws:SourceVpc": "vpc-1"},
    )
    outside = kms_mock.add_user(
        "outside", identity_policies=[document(allow("kms:Encrypt", Condition=only_from_vpc))]
    )
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    inside.client(region_name=REGION).encrypt(KeyId=key_id, Plaintext=b"p")
    client = outside.client(region_name=REGION)
    assert refusal(client.encrypt, KeyId=key_id, Plaintext=b"p")[0] == "AccessDeniedException"
    kms_mock.condition_keys["aws:SourceVpc"] = "vpc-1"  # for every request of the activation
    client.encrypt(KeyId=key_id, Plaintext=b"p")


def test_request_alias_and_current_time(kms: KMSClient, kms_mock: KmsMock) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    conditions = {
        "StringEquals": {"kms:RequestAlias": "alias/app"},
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    user = kms_mock.add_user(
        "by-alias", identity_policies=[document(allow("kms:Encrypt", Condition=conditions))]
    )
    client = user.client(region_name=REGION)
    client.encrypt(KeyId="alias/app", Plaintext=b"p")
    client.encrypt(KeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app", Plaintext=b"p")
    assert refusal(client.encrypt, KeyId=key["KeyId"], Plaintext=b"p") == not_authorized(
        user.arn, "kms:Encrypt", key["Arn"], "identity-based"
    )


@pytest.mark.parametrize("action", ["kms:UpdateAlias", "kms:DeleteAlias"])
def test_an_alias_change_needs_the_permission_on_the_key_it_leaves(
    kms: KMSClient, action: str
) -> None:
    guarded = key_policy(allow("kms:*", {"AWS": ROOT}), deny(action, "*"))
    old = kms.create_key(Policy=guarded)["KeyMetadata"]
    new = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/moving", TargetKeyId=old["KeyId"])
    change = (
        (kms.update_alias, {"AliasName": "alias/moving", "TargetKeyId": new["KeyId"]})
        if action == "kms:UpdateAlias"
        else (kms.delete_alias, {"AliasName": "alias/moving"})
    )
    assert refusal(change[0], **change[1]) == explicitly_denied(
        ROOT, action, old["Arn"], "resource-based"
    )


def test_a_grant_is_the_only_right(kms: KMSClient, kms_mock: KmsMock) -> None:
    """A role whose identity policies allow nothing decrypts through a grant for Decrypt (found
    by its grant token before the grant is eventually consistent) and nothing else."""
    role = kms_mock.add_role("Worker", identity_policies=[])
    session = role.assume("job")
    key = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    client = session.client(region_name=REGION)
    refused = not_authorized(session.arn, "kms:Decrypt", key["Arn"], "identity-based")
    assert refusal(client.decrypt, CiphertextBlob=blob) == refused
    grant = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=role.arn, Operations=["Decrypt"])
    out = client.decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]])
    assert out["Plaintext"] == b"p"
    assert refusal(client.encrypt, KeyId=key["Arn"], Plaintext=b"p") == not_authorized(
        session.arn, "kms:Encrypt", key["Arn"], "identity-based"
    )
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    assert refusal(client.decrypt, CiphertextBlob=blob) == refused


def test_source_account_set_for_a_caller(kms: KMSClient, kms_mock: KmsMock) -> None:
    """The confused-deputy guard of AWS's key policy examples (``aws:SourceAccount``): a service
    acting for a resource carries it; kmsmock cannot observe it, so a test sets it."""
    guarded = allow(
        "kms:Encrypt", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}, Principal="*"
    )
    key = kms.create_key(Policy=key_policy(allow("kms:*", {"AWS": ROOT}), guarded))["KeyMetadata"]
    deputy = kms_mock.add_user(
        "deputy", account=OTHER, condition_keys={"aws:SourceAccount": ACCOUNT}
    )
    stranger = kms_mock.add_user("stranger", account=OTHER)
    deputy.client(region_name=REGION).encrypt(KeyId=key["Arn"], Plaintext=b"p")
    assert refusal(
        stranger.client(region_name=REGION).encrypt, KeyId=key["Arn"], Plaintext=b"p"
    ) == not_authorized(stranger.arn, "kms:Encrypt", key["Arn"], "resource-based")
