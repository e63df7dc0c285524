"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, the default and AWS managed key
policies, and the checks on a new policy (kms-facts §5; research items 3, 7)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from kmsmock import KmsMock, mock_kms
from kmsmock.operations.policies import render
from tests.helpers import policy_held, raises_error, refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION, ACCOUNT = "us-east-1", "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."

# The exact text AWS returns for a key created without a policy (botocore examples-1.json,
# GetKeyPolicy "To retrieve a key policy", with the example account replaced).
DEFAULT_POLICY = (
    '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
    '    "Principal" : {\n      "AWS" : "arn:aws:iam::123456789012:root"\n    },\n'
    '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
)

# Recorded from a real account: the aws/s3 key policy (research item 3, account replaced).
S3_MANAGED_POLICY = (
    '{\n  "Version" : "2012-10-17",\n  "Id" : "auto-s3-2",\n  "Statement" : [ {\n'
    '    "Sid" : "Allow access through S3 for all principals in the account that are '
    'authorized to use S3",\n    "Effect" : "Allow",\n    "Principal" : {\n'
    '      "AWS" : "*"\n    },\n'
    '    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", '
    '"kms:DescribeKey" ],\n    "Resource" : "*",\n    "Condition" : {\n'
    '      "StringEquals" : {\n        "kms:CallerAccount" : "123456789012",\n'
    '        "kms:ViaService" : "s3.us-east-1.amazonaws.com"\n      }\n    }\n  }, {\n'
    '    "Sid" : "Allow direct access to key metadata to the account",\n'
    '    "Effect" : "Allow",\n    "Principal" : {\n'
    '      "AWS" : "arn:aws:iam::123456789012:root"\n    },\n'
    '    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],\n'
    '    "Resource" : "*"\n  } ]\n}'
)


@pytest.fixture
def key(kms: KMSClient) -> dict[str, Any]:
    return dict(kms.create_key()["KeyMetadata"])


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any = "kms:*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}


def malformed(message: str = "") -> dict[str, str]:
    return {"Code": "MalformedPolicyDocumentException", "Message": message}


def test_default_policy(kms: KMSClient, key: dict[str, Any]) -> None:
    response = kms.get_key_policy(KeyId=key["KeyId"])
    assert response["Policy"] == DEFAULT_POLICY
    assert response["PolicyName"] == "default"
    assert kms.get_key_policy(KeyId=key["Arn"], PolicyName="default")["Policy"] == DEFAULT_POLICY


def test_default_policy_names_the_keys_account() -> None:
    with mock_kms(account_id="111122223333"):
        kms = boto3.client("kms", region_name=REGION)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        document = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    assert document["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}


def test_list_key_policies(kms: KMSClient, key: dict[str, Any]) -> None:
    response = kms.list_key_policies(KeyId=key["KeyId"])
    del response["ResponseMetadata"]
    assert response == {"PolicyNames": ["default"], "Truncated": False}


def test_put_key_policy_then_get_it_verbatim(kms: KMSClient, key: dict[str, Any]) -> None:
    text = policy(allow({"AWS": ROOT}), allow({"Service": "logs.amazonaws.com"}, "kms:Encrypt"))
    assert set(kms.put_key_policy(KeyId=key["KeyId"], Policy=text)) == {"ResponseMetadata"}
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == text
    kms.put_key_policy(KeyId=key["Arn"], PolicyName="default", Policy=DEFAULT_POLICY)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == DEFAULT_POLICY


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": ROOT},
        {"AWS": ACCOUNT},
        {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/Admin", ROOT]},
        {"AWS": "*"},
        "*",
    ],
)
@pytest.mark.parametrize("action", ["kms:*", "kms:PutKeyPolicy", "kms:Put*", ["kms:Get*", "*"]])
def test_policies_that_keep_the_key_manageable(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any], principal: Any, action: Any
) -> None:
    text = policy(allow(principal, action))
    kms.put_key_policy(KeyId=key["KeyId"], Policy=text)
    assert policy_held(kms_mock, key["Arn"]) == text  # some leave the root no GetKeyPolicy


def test_not_action_that_spares_put_key_policy(kms: KMSClient, key: dict[str, Any]) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "NotAction": "kms:Decrypt",
        "Resource": "*",
    }
    kms.put_key_policy(KeyId=key["KeyId"], Policy=policy(statement))


def test_a_statement_without_resource_has_no_effect(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any]
) -> None:
    # PutKeyPolicy.Policy: "If either of the required Resource or Action elements are missing
    # from a key policy statement, the policy statement has no effect" -- so it cannot keep the
    # caller able to call PutKeyPolicy; with the bypass the request succeeds all the same.
    statement = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*"}
    text = policy(statement)
    assert raises_error(kms.put_key_policy, KeyId=key["KeyId"], Policy=text) == malformed(LOCKOUT)
    kms.put_key_policy(KeyId=key["KeyId"], Policy=text, BypassPolicyLockoutSafetyCheck=True)
    assert policy_held(kms_mock, key["Arn"]) == text  # and the root can no longer read it
    assert refusal(kms.get_key_policy, KeyId=key["KeyId"])[0] == "AccessDeniedException"


@pytest.mark.parametrize(
    "statements",
    [
        [allow({"AWS": ROOT}, "kms:Encrypt")],
        [allow({"AWS": ROOT}, ["kms:Get*", "kms:List*"])],
        [allow({"AWS": "arn:aws:iam::999988887777:root"})],
        [allow({"Service": "logs.amazonaws.com"})],
        [{"Effect": "Deny", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}],
        [{"Effect": "Allow", "Principal": {"AWS": ROOT}, "NotAction": "kms:PutKeyPolicy"}],
        [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}],
        # the caller is the account's root: a policy naming only one of its roles locks it out
        [allow({"AWS": [f"arn:aws:iam::{ACCOUNT}:role/Admin", "arn:aws:iam::999988887777:root"]})],
        [
            allow({"AWS": ROOT}),
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "kms:PutKeyPolicy",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
            },
        ],
    ],
    ids=[
        "other-action",
        "read-only",
        "other-account",
        "service",
        "deny",
        "not-action",
        "none",
        "role-only",
        "conditional-deny",
    ],
)
def test_lockout_safety_check(
    kms: KMSClient, kms_mock: KmsMock, key: dict[str, Any], statements: list[Any]
) -> None:
    text = policy(*statements)
    assert raises_error(kms.put_key_policy, KeyId=key["KeyId"], Policy=text) == malformed(LOCKOUT)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == DEFAULT_POLICY
    kms.put_key_policy(KeyId=key["KeyId"], Policy=text, BypassPolicyLockoutSafetyCheck=True)
    assert policy_held(kms_mock, key["Arn"]) == text  # the root is locked out of reading it


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "not-a-principal"},
        {"AWS": [ROOT, "arn:aws:s3:::bucket"]},
        {"AWS": "12345"},
        {"AWS": 123456789012},
    ],
)
def test_invalid_principals(kms: KMSClient, key: dict[str, Any], principal: Any) -> None:
    assert raises_error(
        kms.put_key_policy,
        KeyId=key["KeyId"],
        Policy=policy(allow({"AWS": ROOT}), allow(principal)),
        BypassPolicyLockoutSafetyCheck=True,
    ) == malformed("Policy contains a statement with one or more invalid principals.")
    assert raises_error(kms.create_key, Policy=policy(allow(principal))) == malformed(
        "Policy contains a statement with one or more invalid principals."
    )


@pytest.mark.parametrize(
    "text",
    [
        "not a real policy statement",
        "[]",
        '{"Version": "2012-10-17"}',
        '{"Version": "2012-10-17", "Statement": []}',
        '{"Statement": ["x"]}',
        "[" * 5000 + "]" * 5000,  # nested deeper than Python's JSON parser goes
    ],
)
def test_malformed_documents_say_nothing_more(
    kms: KMSClient, key: dict[str, Any], text: str
) -> None:
    assert raises_error(kms.put_key_policy, KeyId=key["KeyId"], Policy=text) == malformed()
    assert raises_error(kms.create_key, Policy=text) == malformed()


def test_a_single_statement_object_is_accepted(kms: KMSClient, key: dict[str, Any]) -> None:
    text = json.dumps({"Version": "2012-10-17", "Statement": allow({"AWS": ROOT})})
    kms.put_key_policy(KeyId=key["KeyId"], Policy=text)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == text


def test_policy_size_limit_is_32_kilobytes(kms: KMSClient, key: dict[str, Any]) -> None:
    base = policy(allow({"AWS": ROOT}, Sid="S"))
    padded = base.replace('"Sid": "S"', '"Sid": "' + "x" * (32768 - len(base) + 1) + '"')
    assert len(padded.encode()) == 32768
    kms.put_key_policy(KeyId=key["KeyId"], Policy=padded)
    too_big = padded.replace('"Sid": "x', '"Sid": "xx')
    assert raises_error(kms.put_key_policy, KeyId=key["KeyId"], Policy=too_big) == {
        "Code": "LimitExceededException",
        "Message": "Policy document exceeds the maximum size of 32768 bytes.",
    }


def test_policy_names(kms: KMSClient, key: dict[str, Any]) -> None:
    assert raises_error(kms.get_key_policy, KeyId=key["KeyId"], PolicyName="AWS_RAM") == {
        "Code": "NotFoundException",
        "Message": f"Key policy AWS_RAM does not exist for key {key['Arn']}",
    }
    assert raises_error(
        kms.put_key_policy, KeyId=key["KeyId"], PolicyName="AWS_RAM", Policy=DEFAULT_POLICY
    ) == {
        "Code": "ValidationException",
        "Message": "The AWS_RAM policy can only be managed by the RAM service.",
    }
    assert raises_error(
        kms.put_key_policy, KeyId=key["KeyId"], PolicyName="other", Policy=DEFAULT_POLICY
    ) == {
        "Code": "ValidationException",
        "Message": "Policy name other is not valid: the only key policy you can set is default.",
    }


def test_policies_of_keys_in_every_state(kms: KMSClient) -> None:
    external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    pending = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=pending)
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    for key_id in (external, pending, disabled):
        kms.put_key_policy(KeyId=key_id, Policy=DEFAULT_POLICY)
        assert kms.get_key_policy(KeyId=key_id)["Policy"] == DEFAULT_POLICY
        assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]


def test_aws_managed_key_policy(kms: KMSClient) -> None:
    key_id = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"]
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == S3_MANAGED_POLICY


@pytest.mark.parametrize(
    ("service", "policy_id", "via", "extra_service", "extra_account"),
    [
        ("ebs", "auto-ebs-2", "ec2", ["kms:CreateGrant"], ["kms:RevokeGrant"]),
        ("rds", "auto-rds-2", "rds", ["kms:CreateGrant", "kms:ListGrants"], ["kms:RevokeGrant"]),
        ("ssm", "auto-ssm-1", "ssm", [], []),
        ("lambda", "auto-awslambda", "lambda", ["kms:CreateGrant"], ["kms:RevokeGrant"]),
        # A service without a recorded policy gets the common shape.
        ("xray", "auto-xray-2", "xray", [], []),
    ],
)
def test_aws_managed_key_policies_by_service(
    kms: KMSClient,
    service: str,
    policy_id: str,
    via: str,
    extra_service: list[str],
    extra_account: list[str],
) -> None:
    key_id = kms.describe_key(KeyId=f"alias/aws/{service}")["KeyMetadata"]["KeyId"]
    document = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    assert document["Id"] == policy_id
    use, read = document["Statement"]
    assert use["Principal"] == {"AWS": "*"}
    assert use["Action"] == [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        *extra_service,
        "kms:DescribeKey",
    ]
    assert use["Condition"]["StringEquals"] == {
        "kms:CallerAccount": ACCOUNT,
        "kms:ViaService": f"{via}.{REGION}.amazonaws.com",
    }
    assert read["Principal"] == {"AWS": ROOT}
    assert read["Action"] == ["kms:Describe*", "kms:Get*", "kms:List*", *extra_account]


def test_missing_key(kms: KMSClient) -> None:
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    not_found = {
        "Code": "NotFoundException",
        "Message": f"Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}' does not exist",
    }
    assert raises_error(kms.get_key_policy, KeyId=missing) == not_found
    assert raises_error(kms.put_key_policy, KeyId=missing, Policy=DEFAULT_POLICY) == not_found
    assert raises_error(kms.list_key_policies, KeyId=missing) == not_found


def test_render_is_awss_pretty_printer() -> None:
    assert render({}) == "{ }"
    assert render([]) == "[ ]"
    assert render({"a": [1, "b"], "c": {"d": None, "e": True}}) == (
        '{\n  "a" : [ 1, "b" ],\n  "c" : {\n    "d" : null,\n    "e" : true\n  }\n}'
    )
