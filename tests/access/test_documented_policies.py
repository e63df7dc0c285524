"""Key policies as the KMS Developer Guide documents them ("Default key policy", "Key policies",
"Condition keys for AWS KMS") and the IAM User Guide's policy grammar, through boto3 clients
per principal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access import conftest as access
from tests.access.conftest import ACCOUNT, REGION, ROOT, allow, key_policy, not_authorized
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

# GetKeyPolicy of a key created without a policy, as AWS prints it.
DEFAULT_POLICY = (
    "{\n"
    '  "Version" : "2012-10-17",\n'
    '  "Id" : "key-default-1",\n'
    '  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n'
    '    "Effect" : "Allow",\n'
    '    "Principal" : {\n'
    f'      "AWS" : "arn:aws:iam::{ACCOUNT}:root"\n'
    "    },\n"
    '    "Action" : "kms:*",\n'
    '    "Resource" : "*"\n'
    "  } ]\n"
    "}"
)
SERVICE = f"ec2.{REGION}.amazonaws.com"


def test_the_default_key_policy_byte_for_byte(kms: KMSClient, kms_mock: KmsMock) -> None:
    key = kms.create_key()["KeyMetadata"]
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == DEFAULT_POLICY
    made_by_user = kms_mock.add_user("maker").client(region_name=REGION).create_key()
    assert kms.get_key_policy(KeyId=made_by_user["KeyMetadata"]["KeyId"])["Policy"] == (
        DEFAULT_POLICY
    )


def test_a_wildcard_in_a_principal_arn_is_an_invalid_principal(kms: KMSClient) -> None:
    text = key_policy(
        allow("kms:*", {"AWS": ROOT}),
        allow("kms:Decrypt", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}),
    )
    assert refusal(kms.create_key, Policy=text) == (
        "MalformedPolicyDocumentException",
        "Policy contains a statement with one or more invalid principals.",
    )


def test_access_through_an_aws_service_for_principals_of_the_account(
    kms: KMSClient, kms_mock: KmsMock
) -> None:
    """The "Allow access through <service> for all principals in the account" statement:
    Principal "*" with kms:CallerAccount and kms:ViaService."""
    through_service = allow(
        ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        {"AWS": "*"},
        Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": SERVICE}},
    )
    key = kms.create_key(Policy=key_policy(allow("kms:*", {"AWS": ROOT}), through_service))
    key_arn = key["KeyMetadata"]["Arn"]
    via = kms_mock.add_user("via", identity_policies=[], condition_keys={"kms:ViaService": SERVICE})
    via.client(region_name=REGION).encrypt(KeyId=key_arn, Plaintext=b"p")
    direct = kms_mock.add_user("direct", identity_policies=[])
    assert refusal(
        direct.client(region_name=REGION).encrypt, KeyId=key_arn, Plaintext=b"p"
    ) == not_authorized(direct.arn, "kms:Encrypt", key_arn, "identity-based")
    outsider = kms_mock.add_user(
        "outsider", account="999988887777", condition_keys={"kms:ViaService": SERVICE}
    )
    assert refusal(
        outsider.client(region_name=REGION).encrypt, KeyId=key_arn, Plaintext=b"p"
    ) == not_authorized(outsider.arn, "kms:Encrypt", key_arn, "resource-based")


def test_deny_without_secure_transport(kms: KMSClient, kms_mock: KmsMock) -> None:
    insecure = access.deny("kms:*", "*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    key = kms.create_key(Policy=key_policy(allow("kms:*", {"AWS": ROOT}), insecure))
    key_arn = key["KeyMetadata"]["Arn"]
    kms.describe_key(KeyId=key_arn)  # every SDK calls KMS over HTTPS
    plain = kms_mock.add_user("plain-http", condition_keys={"aws:SecureTransport": False})
    assert refusal(plain.client(region_name=REGION).describe_key, KeyId=key_arn) == (
        access.explicitly_denied(plain.arn, "kms:DescribeKey", key_arn, "resource-based")
    )


def test_not_principal_in_a_deny(kms: KMSClient, kms_mock: KmsMock) -> None:
    admin = kms_mock.add_user("admin")
    other = kms_mock.add_user("other")
    everyone_but_admin = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [admin.arn, ROOT]},
        "Action": "kms:Encrypt",
        "Resource": "*",
    }
    key = kms.create_key(Policy=key_policy(allow("kms:*", {"AWS": ROOT}), everyone_but_admin))
    key_arn = key["KeyMetadata"]["Arn"]
    admin.client(region_name=REGION).encrypt(KeyId=key_arn, Plaintext=b"p")
    kms.encrypt(KeyId=key_arn, Plaintext=b"p")
    assert refusal(
        other.client(region_name=REGION).encrypt, KeyId=key_arn, Plaintext=b"p"
    ) == access.explicitly_denied(other.arn, "kms:Encrypt", key_arn, "resource-based")


@pytest.mark.parametrize(
    ("context", "allowed"),
    [
        ({"Department": "IT"}, True),
        ({"Department": "IT", "Project": "x"}, True),
        ({}, True),  # ForAllValues over an empty set is true (the documented caution)
        ({"Department": "IT", "Other": "x"}, False),
    ],
)
def test_encryption_context_keys_for_all_values(
    kms: KMSClient, kms_mock: KmsMock, context: dict[str, str], allowed: bool
) -> None:
    user = kms_mock.add_user("app", identity_policies=[])
    only_these = allow(
        ["kms:GenerateDataKey", "kms:Decrypt"],
        {"AWS": user.arn},
        Condition={
            "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["Department", "Project"]}
        },
    )
    key = kms.create_key(Policy=key_policy(allow("kms:*", {"AWS": ROOT}), only_these))
    key_arn = key["KeyMetadata"]["Arn"]
    client = user.client(region_name=REGION)
    request: dict[str, Any] = {"KeyId": key_arn, "KeySpec": "AES_256", "EncryptionContext": context}
    if allowed:
        out = client.generate_data_key(**request)
        client.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=context)
        return
    assert refusal(client.generate_data_key, **request) == not_authorized(
        user.arn, "kms:GenerateDataKey", key_arn, "identity-based"
    )
    blob = kms.encrypt(KeyId=key_arn, Plaintext=b"p", EncryptionContext=context)["CiphertextBlob"]
    assert refusal(client.decrypt, CiphertextBlob=blob, EncryptionContext=context) == (
        not_authorized(user.arn, "kms:Decrypt", key_arn, "identity-based")
    )
