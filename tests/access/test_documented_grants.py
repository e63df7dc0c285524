"""Grants as the KMS Developer Guide ("Grants in AWS KMS", "Grant constraints", "Retiring and
revoking grants") and the API Reference document them, through one boto3 client per
principal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access.conftest import REGION, allow, document, not_authorized
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock


@pytest.fixture
def key(kms: KMSClient) -> dict[str, Any]:
    """A key with the default policy: its account's principals are what IAM lets them be."""
    created = kms.create_key(Description="granted")
    return dict(created["KeyMetadata"])


def test_a_grantee_with_create_grant_makes_only_narrower_grants(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    """ "Granting CreateGrant permission": the child grant's operations are a subset of the
    parent's, its constraints at least as strict."""
    parent = kms_mock.add_user("parent", identity_policies=[])
    child = kms_mock.add_user("child", identity_policies=[])
    subset = {"EncryptionContextSubset": {"app": "x"}}
    kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=parent.arn,
        Operations=["CreateGrant", "Decrypt", "Encrypt"],
        Constraints=subset,
    )
    client = parent.client(region_name=REGION)
    denied = not_authorized(parent.arn, "kms:CreateGrant", key["Arn"], "identity-based")
    wider: list[dict[str, Any]] = [
        {"Operations": ["Decrypt"]},  # drops the constraint
        {"Operations": ["Decrypt", "GenerateDataKey"], "Constraints": subset},
        {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": {"b": "c"}}},
    ]
    for request in wider:
        assert (
            refusal(client.create_grant, KeyId=key["KeyId"], GranteePrincipal=child.arn, **request)
            == denied
        )
    stricter = {"EncryptionContextEquals": {"app": "x", "env": "prod"}}
    client.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=child.arn, Operations=["Decrypt"], Constraints=stricter
    )
    assert (
        refusal(
            client.create_grant,
            KeyId=key["KeyId"],
            GranteePrincipal=child.arn,
            Operations=["Decrypt"],
            Constraints=subset,
            DryRun=True,
        )[0]
        == "DryRunOperationException"
    )


def test_constraints_apply_to_operations_with_an_encryption_context(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    """Keys compare without case, values with it; DescribeKey ignores the constraint."""
    user = kms_mock.add_user("constrained", identity_policies=[])
    kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=user.arn,
        Operations=["GenerateDataKey", "Decrypt", "DescribeKey"],
        Constraints={"EncryptionContextEquals": {"Dept": "IT"}},
    )
    client = user.client(region_name=REGION)
    client.describe_key(KeyId=key["KeyId"])
    out = client.generate_data_key(
        KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"dept": "IT"}
    )
    plain = client.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"dept": "IT"})
    assert plain["Plaintext"] == out["Plaintext"]
    for context in ({"Dept": "it"}, {"Dept": "IT", "more": "x"}, {}):
        assert refusal(
            client.generate_data_key,
            KeyId=key["KeyId"],
            KeySpec="AES_256",
            EncryptionContext=context,
        ) == not_authorized(user.arn, "kms:GenerateDataKey", key["Arn"], "identity-based")


def test_who_may_retire_and_who_may_revoke(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    grantee = kms_mock.add_user("grantee", identity_policies=[])
    retiring = kms_mock.add_user("retiring", identity_policies=[])
    stranger = kms_mock.add_user("stranger", identity_policies=[])

    def grant(**extra: Any) -> Any:
        return kms.create_grant(
            KeyId=key["KeyId"], GranteePrincipal=grantee.arn, Operations=["Decrypt"], **extra
        )

    by_token = grant(RetiringPrincipal=retiring.arn)
    retiring.client(region_name=REGION).retire_grant(GrantToken=by_token["GrantToken"])
    by_id = grant(RetiringPrincipal=retiring.arn)
    retiring.client(region_name=REGION).retire_grant(KeyId=key["Arn"], GrantId=by_id["GrantId"])
    plain = grant()
    for who in (grantee, stranger):  # the grantee only retires a grant that says so
        client = who.client(region_name=REGION)
        assert refusal(client.retire_grant, GrantToken=plain["GrantToken"]) == not_authorized(
            who.arn, "kms:RetireGrant", key["Arn"], "resource-based"
        )
        assert refusal(
            client.revoke_grant, KeyId=key["KeyId"], GrantId=plain["GrantId"]
        ) == not_authorized(who.arn, "kms:RevokeGrant", key["Arn"], "identity-based")
    revoker = kms_mock.add_user("revoker", identity_policies=[document(allow("kms:RevokeGrant"))])
    revoker.client(region_name=REGION).revoke_grant(KeyId=key["KeyId"], GrantId=plain["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    self_retiring = kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=grantee.arn, Operations=["Decrypt", "RetireGrant"]
    )
    grantee.client(region_name=REGION).retire_grant(GrantToken=self_retiring["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_list_retirable_grants_is_authorized_on_the_retiring_principal(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    """API Reference: "The authorized resource in ListRetirableGrants calls is the retiring
    principal specified in the request"."""
    ops = kms_mock.add_user("ops", identity_policies=[])
    kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=ops.arn,
        RetiringPrincipal=ops.arn,
        Operations=["Decrypt"],
    )
    auditor = kms_mock.add_user(
        "auditor",
        identity_policies=[
            document({"Effect": "Allow", "Action": "kms:ListRetirableGrants", "Resource": ops.arn})
        ],
    )
    client = auditor.client(region_name=REGION)
    assert len(client.list_retirable_grants(RetiringPrincipal=ops.arn)["Grants"]) == 1
    other = ops.arn.replace("user/ops", "user/other")
    assert refusal(client.list_retirable_grants, RetiringPrincipal=other) == not_authorized(
        auditor.arn, "kms:ListRetirableGrants", other, "identity-based"
    )
