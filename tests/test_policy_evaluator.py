"""The access-control evaluator (kmsmock.access) against AWS's documented policy examples.

Each case of the decision table names the page its policy comes from: the KMS Developer Guide
(DG, https://docs.aws.amazon.com/kms/latest/developerguide/<page>.html) or the IAM User Guide
(IAM, https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>.html). The accounts, users and
roles are the ones those pages use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from kmsmock.access import (
    IDENTITY_BASED,
    RESOURCE_BASED,
    Caller,
    Decision,
    Kind,
    PolicyError,
    Request,
    denial_message,
    evaluate,
    parse_policy,
)

ACCOUNT, OTHER = "111122223333", "444455556666"
KEY = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = Caller.root(ACCOUNT)


def user(name: str, account: str = ACCOUNT) -> Caller:
    return Caller(f"arn:aws:iam::{account}:user/{name}", account, Kind.USER)


def session(role: str, account: str = ACCOUNT) -> Caller:
    return Caller(
        f"arn:aws:sts::{account}:assumed-role/{role}/session-1",
        account,
        Kind.SESSION,
        role_arn=f"arn:aws:iam::{account}:role/{role}",
    )


EXAMPLE_USER, ADMIN, EXTERNAL = user("ExampleUser"), user("KMSAdminUser"), user("Alice", OTHER)
APP_ROLE = session("RoleForExampleApp")

# -- statements from the pages ------------------------------------------------------------------

ENABLE_IAM = {  # DG key-policy-default
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}
KEY_ADMINS = {  # DG key-policy-default, "Allows key administrators to administer the KMS key"
    "Sid": "Allow access for Key Administrators",
    "Effect": "Allow",
    "Principal": {
        "AWS": [
            f"arn:aws:iam::{ACCOUNT}:user/KMSAdminUser",
            f"arn:aws:iam::{ACCOUNT}:role/KMSAdminRole",
        ]
    },
    "Action": [
        "kms:Create*",
        "kms:Describe*",
        "kms:Enable*",
        "kms:List*",
        "kms:Put*",
        "kms:Update*",
        "kms:Revoke*",
        "kms:Disable*",
        "kms:Get*",
        "kms:Delete*",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
    ],
    "Resource": "*",
}
KEY_USERS_PRINCIPAL = {
    "AWS": [
        f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
        f"arn:aws:iam::{ACCOUNT}:role/ExampleRole",
        f"arn:aws:iam::{OTHER}:root",
    ]
}
CRYPTO = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
KEY_USERS = {  # DG key-policy-default, "Allows key users to use the KMS key"
    "Sid": "Allow use of the key",
    "Effect": "Allow",
    "Principal": KEY_USERS_PRINCIPAL,
    "Action": [*CRYPTO, "kms:DescribeKey"],
    "Resource": "*",
}
PERSISTENT = {  # DG key-policy-default, "Allow attachment of persistent resources"
    "Sid": "Allow attachment of persistent resources",
    "Effect": "Allow",
    "Principal": KEY_USERS_PRINCIPAL,
    "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
    "Resource": "*",
    "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
}


def stmt(principal: str, action: Any, condition: dict[str, Any] | None = None, **kw: Any) -> Any:
    out = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}
    if condition:
        out["Condition"] = condition
    return {**out, **kw}


ROLE_APP = f"arn:aws:iam::{ACCOUNT}:role/RoleForExampleApp"
EX_USER = f"arn:aws:iam::{ACCOUNT}:user/ExampleUser"
EX_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ExampleRole"
VIA = {  # DG conditions-kms, kms:ViaService
    **stmt(
        EX_USER,
        [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:ListGrants",
            "kms:DescribeKey",
        ],
    ),
    "Condition": {
        "StringEquals": {
            "kms:ViaService": ["ec2.us-west-2.amazonaws.com", "rds.us-west-2.amazonaws.com"]
        }
    },
}
DENY_LAMBDA = {
    **stmt(EX_USER, ["kms:Encrypt"]),
    "Effect": "Deny",
    "Condition": {"StringEquals": {"kms:ViaService": ["lambda.us-west-2.amazonaws.com"]}},
}
EBS_MANAGED = {  # DG conditions-kms, kms:CallerAccount (the AWS managed key for EBS)
    "Sid": "Allow access through EBS for all principals in the account that are authorized "
    "to use EBS",
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Condition": {
        "StringEquals": {
            "kms:CallerAccount": ACCOUNT,
            "kms:ViaService": "ec2.us-west-2.amazonaws.com",
        }
    },
    "Action": [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:CreateGrant",
        "kms:DescribeKey",
    ],
    "Resource": "*",
}
EC_APP = stmt(
    ROLE_APP,
    "kms:GenerateDataKey",
    {"StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"}},
)
EC_ONLY_APP = stmt(
    ROLE_APP,
    "kms:GenerateDataKey",
    {
        "StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"},
        "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]},
    },
)
EC_DENY_STAGE = {
    **stmt(
        ROLE_APP,
        "kms:GenerateDataKey",
        {"StringEquals": {"kms:EncryptionContext:Stage": ["Restricted", "Production"]}},
    ),
    "Effect": "Deny",
}
EC_TWO = stmt(
    ROLE_APP,
    "kms:Decrypt",
    {
        "StringEquals": {
            "kms:EncryptionContext:Department": "IT",
            "kms:EncryptionContext:Project": "Alpha",
        }
    },
)
EC_CASE = stmt(
    ROLE_APP, "kms:Decrypt", {"StringEquals": {"kms:EncryptionContext:Appname": "ExampleApp"}}
)
ENC = ["kms:Encrypt", "kms:GenerateDataKey*"]
EC_KEYS_ANY = stmt(
    ROLE_APP, ENC, {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "AppName"}}
)
EC_REQUIRED = stmt(ROLE_APP, ENC, {"Null": {"kms:EncryptionContextKeys": False}})
EC_USERNAME = stmt(
    f"arn:aws:iam::{ACCOUNT}:user/bob",
    ["kms:Decrypt", "kms:Encrypt"],
    {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}},
)
ONLY_OAEP_256 = {
    **stmt(
        EX_ROLE,
        ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*"],
        {"StringNotEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}},
    ),
    "Effect": "Deny",
}
GRANT_OPS = stmt(
    EX_USER,
    "kms:CreateGrant",
    {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]}},
)
VALID_TO = stmt(
    EX_USER, "kms:ImportKeyMaterial", {"NumericLessThanEquals": {"kms:ValidTo": "1546257599.0"}}
)
RSA_PAIRS = stmt(
    EX_USER,
    ["kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"],
    {"StringLike": {"kms:DataKeyPairSpec": "RSA*"}},
)
NO_BYPASS = {
    "Effect": "Allow",
    "Principal": {"AWS": EX_USER},
    "Action": "kms:PutKeyPolicy",
    "Resource": "*",
    "Condition": {"Null": {"kms:BypassPolicyLockoutSafetyCheck": True}},
}
EXTERNAL_ACCOUNT = stmt(
    f"arn:aws:iam::{OTHER}:root",
    ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
)
DENY_ALL_BUT_ADMIN = {  # IAM reference_policies_elements_notprincipal (Deny with NotPrincipal)
    "Effect": "Deny",
    "NotPrincipal": {
        "AWS": [f"arn:aws:iam::{ACCOUNT}:user/KMSAdminUser", f"arn:aws:iam::{ACCOUNT}:root"]
    },
    "Action": "kms:ScheduleKeyDeletion",
    "Resource": "*",
}


def iam(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow_iam(action: Any, resource: Any = "*", condition: Any = None) -> dict[str, Any]:
    out = {"Effect": "Allow", "Action": action, "Resource": resource}
    return {**out, "Condition": condition} if condition else out


IAM_DECRYPT = iam(allow_iam("kms:Decrypt"))
AWS_RESOURCE, NOT_RESOURCE = (
    {"kms:GrantIsForAWSResource": True},
    {"kms:GrantIsForAWSResource": False},
)
OAEP_256 = {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}
SYMMETRIC = {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
IAM_EXTERNAL = iam(
    allow_iam(["kms:Decrypt", "kms:Encrypt"], KEY)
)  # DG key-policy-modifying-external-accounts
IAM_OTHER_KEY = iam(allow_iam("kms:Decrypt", KEY.replace("1234abcd", "0987dcba")))
IAM_DENY_DECRYPT = iam(
    allow_iam("kms:*"), {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}
)
IAM_NO_BYPASS = iam(  # DG conditions-kms, kms:BypassPolicyLockoutSafetyCheck
    allow_iam(["kms:CreateKey", "kms:PutKeyPolicy"]),
    {
        "Effect": "Deny",
        "Action": ["kms:CreateKey", "kms:PutKeyPolicy"],
        "Resource": "*",
        "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": True}},
    },
)
IAM_RSA_ONLY = iam(allow_iam("kms:CreateKey", "*", {"StringLike": {"kms:KeySpec": "RSA_*"}}))
IAM_SYMMETRIC_ONLY = iam(  # DG conditions-kms, kms:EncryptionAlgorithm
    allow_iam("kms:*"),
    {
        "Sid": "AllowOnlySymmetricAlgorithm",
        "Effect": "Deny",
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        "Resource": f"arn:aws:kms:us-west-2:{ACCOUNT}:key/*",
        "Condition": {"StringNotEquals": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}},
    },
)

ALLOW = "allow"
NO_KEY_POLICY = ("implicit", RESOURCE_BASED)
NO_IAM = ("implicit", IDENTITY_BASED)
DENY_KEY_POLICY = ("explicit", RESOURCE_BASED)
DENY_IAM = ("explicit", IDENTITY_BASED)

DEFAULT = "DG key-policy-default"
COND = "DG conditions-kms"
EXT = "DG key-policy-modifying-external-accounts"
NOTP = "IAM reference_policies_elements_notprincipal"


@dataclass
class Case:
    """One documented policy and one request: ``action`` without its ``kms:`` prefix; ``ec``
    an encryption context, given to the evaluator as AWS does (kms:EncryptionContext:<key> per
    pair and kms:EncryptionContextKeys); ``key_policy`` None for operations on no key."""

    name: str
    source: str
    key_policy: list[dict[str, Any]] | None
    caller: Caller
    action: str
    expected: Any
    keys: dict[str, Any] = field(default_factory=dict)
    identity: list[dict[str, Any]] | None = None
    grant: bool = False
    ec: dict[str, str] | None = None


C = Case
U, APP, ROLE = EXAMPLE_USER, APP_ROLE, session("ExampleRole")
IAM_ALL = iam(allow_iam("kms:*"))
VIA_EC2 = {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}
VIA_LAMBDA = {"kms:ViaService": "lambda.us-west-2.amazonaws.com"}
OAEP_1 = {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}
BYPASS, NO_BYPASS_SENT = (
    {"kms:BypassPolicyLockoutSafetyCheck": True},
    {"kms:BypassPolicyLockoutSafetyCheck": False},
)
APP_CTX = {"AppName": "ExampleApp"}

CASES = [
    # The default key policy: the account root, and IAM deciding for everyone else.
    C("root uses the key", DEFAULT, [ENABLE_IAM], ROOT, "Decrypt", ALLOW),
    C("no IAM policies declared", DEFAULT, [ENABLE_IAM], U, "Decrypt", ALLOW),
    C("IAM allows it", DEFAULT, [ENABLE_IAM], U, "Decrypt", ALLOW, identity=[IAM_DECRYPT]),
    C("IAM allows another", DEFAULT, [ENABLE_IAM], U, "Encrypt", NO_IAM, identity=[IAM_DECRYPT]),
    C("no IAM policy at all", DEFAULT, [ENABLE_IAM], U, "Decrypt", NO_IAM, identity=[]),
    C("IAM deny", DEFAULT, [ENABLE_IAM], U, "Decrypt", DENY_IAM, identity=[IAM_DENY_DECRYPT]),
    C("other account not named", DEFAULT, [ENABLE_IAM], EXTERNAL, "Decrypt", NO_KEY_POLICY),
    C("role session via IAM", DEFAULT, [ENABLE_IAM], APP, "Decrypt", ALLOW, identity=[IAM_DECRYPT]),
    # Key administrators and key users (the console's policy without the IAM statement).
    C("admin manages", DEFAULT, [KEY_ADMINS], ADMIN, "PutKeyPolicy", ALLOW, identity=[]),
    C("admin deletes", DEFAULT, [KEY_ADMINS], ADMIN, "ScheduleKeyDeletion", ALLOW),
    C("admin cannot decrypt", DEFAULT, [KEY_ADMINS, KEY_USERS], ADMIN, "Decrypt", NO_KEY_POLICY),
    C("Create* covers CreateGrant", DEFAULT, [KEY_ADMINS], ADMIN, "CreateGrant", ALLOW),
    C("user decrypts", DEFAULT, [KEY_USERS], U, "Decrypt", ALLOW, identity=[]),
    C("GenerateDataKey*", DEFAULT, [KEY_USERS], U, "GenerateDataKeyPairWithoutPlaintext", ALLOW),
    C("actions ignore case", DEFAULT, [KEY_USERS], U, "reencryptfrom", ALLOW),
    C("user cannot delete", DEFAULT, [KEY_USERS], U, "ScheduleKeyDeletion", NO_KEY_POLICY),
    C("role covers sessions", DEFAULT, [KEY_USERS], ROLE, "Encrypt", ALLOW, identity=[]),
    C("other role", DEFAULT, [KEY_USERS], APP, "Encrypt", NO_KEY_POLICY),
    C("root is no key user", DEFAULT, [KEY_USERS], ROOT, "Encrypt", NO_KEY_POLICY),
    C("grant for AWS resource", DEFAULT, [PERSISTENT], U, "CreateGrant", ALLOW, AWS_RESOURCE),
    C("grant not for it", DEFAULT, [PERSISTENT], U, "CreateGrant", NO_KEY_POLICY, NOT_RESOURCE),
    C("direct grant call", DEFAULT, [PERSISTENT], U, "CreateGrant", NO_KEY_POLICY),
    # Cross-account use: the key policy names the account, the account's IAM names the key.
    C("external key user", EXT, [KEY_USERS], EXTERNAL, "Decrypt", ALLOW, identity=[IAM_EXTERNAL]),
    C(
        "IAM names another key",
        EXT,
        [KEY_USERS],
        EXTERNAL,
        "Decrypt",
        NO_IAM,
        identity=[IAM_OTHER_KEY],
    ),
    C("IAM undeclared", EXT, [EXTERNAL_ACCOUNT], EXTERNAL, "Decrypt", ALLOW),
    C(
        "key policy lacks action",
        EXT,
        [EXTERNAL_ACCOUNT],
        EXTERNAL,
        "ScheduleKeyDeletion",
        NO_KEY_POLICY,
        identity=[IAM_ALL],
    ),
    C("external root", EXT, [EXTERNAL_ACCOUNT], Caller.root(OTHER), "Encrypt", ALLOW),
    C(
        "external IAM deny",
        EXT,
        [EXTERNAL_ACCOUNT],
        EXTERNAL,
        "Decrypt",
        DENY_IAM,
        identity=[IAM_DENY_DECRYPT],
    ),
    # Grants allow without the key policy, never against a Deny.
    C("grant allows", "DG grants", [KEY_ADMINS], U, "Decrypt", ALLOW, identity=[], grant=True),
    C(
        "deny beats grant",
        COND,
        [ENABLE_IAM, ONLY_OAEP_256],
        ROLE,
        "Decrypt",
        DENY_KEY_POLICY,
        OAEP_1,
        grant=True,
    ),
    C("allowed algorithm", COND, [ENABLE_IAM, ONLY_OAEP_256], ROLE, "Decrypt", ALLOW, OAEP_256),
    # kms:ViaService and kms:CallerAccount.
    C("via EC2", COND, [VIA], U, "Encrypt", ALLOW, VIA_EC2),
    C("not via a service", COND, [VIA], U, "Encrypt", NO_KEY_POLICY),
    C(
        "via Lambda denied",
        COND,
        [ENABLE_IAM, DENY_LAMBDA],
        U,
        "Encrypt",
        DENY_KEY_POLICY,
        VIA_LAMBDA,
    ),
    C("via Lambda, Decrypt", COND, [ENABLE_IAM, DENY_LAMBDA], U, "Decrypt", ALLOW, VIA_LAMBDA),
    C("EBS managed key", COND, [EBS_MANAGED], U, "CreateGrant", ALLOW, VIA_EC2),
    C("EBS key, direct call", COND, [EBS_MANAGED], U, "Decrypt", NO_KEY_POLICY),
    C("EBS key, other account", COND, [EBS_MANAGED], EXTERNAL, "Decrypt", NO_KEY_POLICY, VIA_EC2),
    # kms:EncryptionContext:<key> and kms:EncryptionContextKeys.
    C("pair required", COND, [EC_APP], APP, "GenerateDataKey", ALLOW, ec={**APP_CTX, "Other": "x"}),
    C("pair missing", COND, [EC_APP], APP, "GenerateDataKey", NO_KEY_POLICY, ec={"Other": "x"}),
    C(
        "value case-sensitive",
        COND,
        [EC_APP],
        APP,
        "GenerateDataKey",
        NO_KEY_POLICY,
        ec={"AppName": "exampleapp"},
    ),
    C("key case-insensitive", COND, [EC_CASE], APP, "Decrypt", ALLOW, ec={"appName": "ExampleApp"}),
    C("only AppName", COND, [EC_ONLY_APP], APP, "GenerateDataKey", ALLOW, ec=APP_CTX),
    C(
        "extra pair forbidden",
        COND,
        [EC_ONLY_APP],
        APP,
        "GenerateDataKey",
        NO_KEY_POLICY,
        ec={**APP_CTX, "Stage": "Test"},
    ),
    C("no context at all", COND, [EC_ONLY_APP], APP, "GenerateDataKey", NO_KEY_POLICY),
    C(
        "both pairs",
        COND,
        [EC_TWO],
        APP,
        "Decrypt",
        ALLOW,
        ec={"Department": "IT", "Project": "Alpha"},
    ),
    C("one pair of two", COND, [EC_TWO], APP, "Decrypt", NO_KEY_POLICY, ec={"Department": "IT"}),
    C(
        "Production denied",
        COND,
        [ENABLE_IAM, EC_DENY_STAGE],
        APP,
        "GenerateDataKey",
        DENY_KEY_POLICY,
        ec={"Stage": "Production"},
    ),
    C(
        "Test allowed",
        COND,
        [ENABLE_IAM, EC_DENY_STAGE],
        APP,
        "GenerateDataKey",
        ALLOW,
        ec={"Stage": "Test"},
    ),
    C(
        "any key AppName",
        COND,
        [EC_KEYS_ANY],
        APP,
        "GenerateDataKey",
        ALLOW,
        ec={"AppName": "Helper", "Project": "Alpha"},
    ),
    C(
        "AppName absent",
        COND,
        [EC_KEYS_ANY],
        APP,
        "GenerateDataKey",
        NO_KEY_POLICY,
        ec={"Project": "Alpha"},
    ),
    C("ForAnyValue, no context", COND, [EC_KEYS_ANY], APP, "Encrypt", NO_KEY_POLICY),
    C("context required", COND, [EC_REQUIRED], APP, "Encrypt", NO_KEY_POLICY),
    C("context present", COND, [EC_REQUIRED], APP, "Encrypt", ALLOW, ec={"a": "b"}),
    C("${aws:username}", COND, [EC_USERNAME], user("bob"), "Decrypt", ALLOW, ec={"user": "bob"}),
    C(
        "${aws:username} differs",
        COND,
        [EC_USERNAME],
        user("bob"),
        "Decrypt",
        NO_KEY_POLICY,
        ec={"user": "alice"},
    ),
    # Grant, import, data key pair and lockout condition keys.
    C(
        "grant ops subset",
        COND,
        [GRANT_OPS],
        U,
        "CreateGrant",
        ALLOW,
        {"kms:GrantOperations": ["Encrypt"]},
    ),
    C(
        "grant ops beyond",
        COND,
        [GRANT_OPS],
        U,
        "CreateGrant",
        NO_KEY_POLICY,
        {"kms:GrantOperations": ["Encrypt", "Decrypt"]},
    ),
    C(
        "ValidTo in time",
        COND,
        [VALID_TO],
        U,
        "ImportKeyMaterial",
        ALLOW,
        {"kms:ValidTo": 1546257599},
    ),
    C(
        "ValidTo too late",
        COND,
        [VALID_TO],
        U,
        "ImportKeyMaterial",
        NO_KEY_POLICY,
        {"kms:ValidTo": 1546257600},
    ),
    C(
        "RSA pair",
        COND,
        [RSA_PAIRS],
        U,
        "GenerateDataKeyPair",
        ALLOW,
        {"kms:DataKeyPairSpec": "RSA_2048"},
    ),
    C(
        "ECC pair",
        COND,
        [RSA_PAIRS],
        U,
        "GenerateDataKeyPair",
        NO_KEY_POLICY,
        {"kms:DataKeyPairSpec": "ECC_NIST_P256"},
    ),
    C("no bypass parameter", COND, [NO_BYPASS], U, "PutKeyPolicy", ALLOW),
    C("bypass parameter sent", COND, [NO_BYPASS], U, "PutKeyPolicy", NO_KEY_POLICY, NO_BYPASS_SENT),
    # Operations on no key: IAM alone ("on resource: *").
    C("CreateKey, no bypass", COND, None, U, "CreateKey", ALLOW, NO_BYPASS_SENT, [IAM_NO_BYPASS]),
    C("CreateKey with bypass", COND, None, U, "CreateKey", DENY_IAM, BYPASS, [IAM_NO_BYPASS]),
    C(
        "CreateKey RSA only",
        COND,
        None,
        U,
        "CreateKey",
        NO_IAM,
        {"kms:KeySpec": "HMAC_256"},
        [IAM_RSA_ONLY],
    ),
    C(
        "CreateKey RSA",
        COND,
        None,
        U,
        "CreateKey",
        ALLOW,
        {"kms:KeySpec": "RSA_4096"},
        [IAM_RSA_ONLY],
    ),
    C("CreateKey, IAM undeclared", COND, None, U, "CreateKey", ALLOW),
    C("symmetric only", COND, [ENABLE_IAM], U, "Encrypt", DENY_IAM, OAEP_256, [IAM_SYMMETRIC_ONLY]),
    C("symmetric", COND, [ENABLE_IAM], U, "Encrypt", ALLOW, SYMMETRIC, [IAM_SYMMETRIC_ONLY]),
    # NotPrincipal with Deny: only callers whose every identity is listed are spared.
    C(
        "spares the admin",
        NOTP,
        [ENABLE_IAM, DENY_ALL_BUT_ADMIN],
        ADMIN,
        "ScheduleKeyDeletion",
        ALLOW,
    ),
    C(
        "denies the others",
        NOTP,
        [ENABLE_IAM, DENY_ALL_BUT_ADMIN],
        U,
        "ScheduleKeyDeletion",
        DENY_KEY_POLICY,
    ),
    C(
        "spares the root",
        NOTP,
        [ENABLE_IAM, DENY_ALL_BUT_ADMIN],
        ROOT,
        "ScheduleKeyDeletion",
        ALLOW,
    ),
]


def expected_decision(expected: Any) -> tuple[bool, bool, str | None]:
    if expected == ALLOW:
        return True, False, None
    kind, policy = expected
    return False, kind == "explicit", policy


def request_keys(case: Case) -> dict[str, Any]:
    keys = dict(case.keys)
    if case.ec is not None:
        keys.update((f"kms:EncryptionContext:{k}", v) for k, v in case.ec.items())
        keys["kms:EncryptionContextKeys"] = list(case.ec)
    return keys


@pytest.mark.parametrize("case", CASES, ids=[f"{c.source}: {c.name}" for c in CASES])
def test_documented_examples(case: Case) -> None:
    key_policy = None
    if case.key_policy is not None:
        key_policy = parse_policy(json.dumps(iam(*case.key_policy)))
    identity = None if case.identity is None else [parse_policy(d) for d in case.identity]
    on_key = case.key_policy is not None
    request = Request(
        case.caller,
        f"kms:{case.action}",
        KEY if on_key else "*",
        ACCOUNT if on_key else None,
        request_keys(case),
    )
    decision = evaluate(request, key_policy, identity, allowed_by_grant=case.grant)
    assert (decision.allowed, decision.explicit, decision.policy) == expected_decision(
        case.expected
    )


# -- AccessDeniedException texts -----------------------------------------------------------------

USER_ARN = EXAMPLE_USER.arn
DENIED = f"User: {USER_ARN} is not authorized to perform: kms:Decrypt on resource:"


NO_RESOURCE = "because no resource-based policy allows the kms:Decrypt action"
NO_IDENTITY = "because no identity-based policy allows the kms:Decrypt action"
EXPLICIT = "with an explicit deny in"
DENIAL_CASES = {  # id: (explicit, policy, resource, the text after the resource)
    "no-resource-policy": (False, RESOURCE_BASED, KEY, NO_RESOURCE),
    "no-identity-policy": (False, IDENTITY_BASED, KEY, NO_IDENTITY),
    "explicit-resource": (True, RESOURCE_BASED, KEY, f"{EXPLICIT} a resource-based policy"),
    "explicit-identity": (True, IDENTITY_BASED, KEY, f"{EXPLICIT} an identity-based policy"),
    "create-key": (False, IDENTITY_BASED, "*", NO_IDENTITY),
}


@pytest.mark.parametrize("case", DENIAL_CASES.values(), ids=DENIAL_CASES.keys())
def test_denial_messages(case: tuple[bool, str, str, str]) -> None:
    explicit, policy, resource, ending = case
    decision = Decision(False, explicit, policy)
    text = denial_message(USER_ARN, "kms:Decrypt", resource, decision)
    assert text == f"{DENIED} {resource} {ending}"


def test_managed_key_refusal_matches_the_existing_text() -> None:
    """The AWS managed key refusal kmsmock already sends (operations/states.py) is this form."""
    root = "arn:aws:iam::123456789012:root"
    decision = Decision(False, False, RESOURCE_BASED)
    assert denial_message(root, "kms:CreateAlias", KEY, decision) == (
        f"User: {root} is not authorized to perform: kms:CreateAlias on resource: {KEY} "
        "because no resource-based policy allows the kms:CreateAlias action"
    )


# -- parsing and validation ----------------------------------------------------------------------

INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."


def document(**statement: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]})


@pytest.mark.parametrize(
    "text",
    [
        *("not a real policy statement", "[]", '{"Version": "2012-10-17"}'),
        *('{"Version": "2012-10-17", "Statement": []}', '{"Statement": ["x"]}'),
        '{"Version": "2012-10-18", "Statement": {"Effect": "Allow"}}',
        '{"Statement": {"Effect": "allow"}}',
        '{"Statement": {"Effect": "Allow", "Sid": 5}}',
        document(Action=5),
        document(Action=[]),
        document(Action="kms:*", NotAction="kms:Decrypt"),
        document(Resource=["*", None]),
        document(Condition={"StringEqual": {"k": "v"}}),
        document(Condition={"StringEquals": "v"}),
        document(Condition={"StringEquals": {"k": {"nested": 1}}}),
        document(Principal="*", NotPrincipal="*"),
    ],
)
def test_malformed_documents_say_nothing_more(text: str) -> None:
    with pytest.raises(PolicyError) as error:
        parse_policy(text)
    assert (error.value.code, error.value.message) == ("MalformedPolicyDocumentException", "")


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "not-a-principal"},
        {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", "arn:aws:s3:::bucket"]},
        {"AWS": "12345"},
        {"AWS": 123456789012},
        {"AWS": []},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
        {},
        "arn:aws:iam::111122223333:root",
    ],
)
def test_invalid_principals(principal: Any) -> None:
    with pytest.raises(PolicyError) as error:
        parse_policy(document(Principal=principal, Action="kms:*", Resource="*"))
    assert (error.value.code, error.value.message) == (
        "MalformedPolicyDocumentException",
        INVALID_PRINCIPALS,
    )


def test_valid_principal_forms() -> None:
    principal = {
        "AWS": [
            ACCOUNT,
            f"arn:aws:iam::{OTHER}:root",
            EX_USER,
            EX_ROLE,
            f"arn:aws:sts::{ACCOUNT}:assumed-role/ExampleRole/my-session",
        ],
        "Service": ["logs.amazonaws.com"],
        "Federated": "cognito-identity.amazonaws.com",
    }
    policy = parse_policy(document(Principal=principal, Action="kms:*", Resource="*"))
    parsed = policy.statements[0].principal
    assert parsed is not None
    assert parsed.accounts == {ACCOUNT, OTHER}
    assert parsed.services == {"logs.amazonaws.com"}
    assert parsed.arns >= {
        EX_USER,
        EX_ROLE,
        f"arn:aws:sts::{ACCOUNT}:assumed-role/ExampleRole/my-session",
    }


def test_single_statement_object_and_ineffective_statements() -> None:
    lone = parse_policy(json.dumps({"Statement": {**ENABLE_IAM}}))
    assert len(lone.statements) == 1
    assert lone.version is None
    # kms-facts §5: a statement without Action or Resource is accepted and never applies.
    no_resource = parse_policy(document(Principal={"AWS": EX_USER}, Action="kms:*"))
    decision = evaluate(Request(EXAMPLE_USER, "kms:Decrypt", KEY, ACCOUNT), no_resource)
    assert not decision.allowed


def test_documents_are_parsed_once() -> None:
    text = json.dumps(iam(ENABLE_IAM))
    assert parse_policy(text) is parse_policy(text)
    assert parse_policy(iam(ENABLE_IAM)) == parse_policy(text)


def test_not_action_and_resources() -> None:
    """IAM "NotAction" and ARN wildcards in Resource (identity policies name keys)."""
    others = iam(
        {
            "Effect": "Allow",
            "NotAction": "kms:Decrypt",
            "Resource": f"arn:aws:kms:*:{ACCOUNT}:key/*",
        }
    )
    policy = parse_policy(others)
    for action, resource, allowed in [
        ("kms:Encrypt", KEY, True),
        ("kms:Decrypt", KEY, False),
        ("kms:Encrypt", KEY.replace(ACCOUNT, OTHER), False),
        ("kms:Encrypt", "*", False),
    ]:
        request = Request(EXAMPLE_USER, action, resource)
        assert evaluate(request, None, [policy]).allowed is allowed, (action, resource)
    not_resource = iam({"Effect": "Allow", "Action": "kms:*", "NotResource": KEY})
    request = Request(EXAMPLE_USER, "kms:Encrypt", KEY)
    assert not evaluate(request, None, [parse_policy(not_resource)]).allowed


def test_variables_only_in_version_2012() -> None:
    statement = stmt(
        EX_USER, "kms:Decrypt", {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}}
    )
    keys = {"kms:EncryptionContext:user": "ExampleUser"}
    request = Request(EXAMPLE_USER, "kms:Decrypt", KEY, ACCOUNT, keys)
    new = parse_policy({"Version": "2012-10-17", "Statement": [statement]})
    old = parse_policy({"Version": "2008-10-17", "Statement": [statement]})
    assert evaluate(request, new).allowed
    assert not evaluate(request, old).allowed


def test_caller_keys() -> None:
    tagged = Caller(EX_USER, ACCOUNT, Kind.USER, user_id="AIDAEXAMPLE", tags={"Team": "blue"})
    assert tagged.keys() == {
        "aws:principalarn": EX_USER,
        "aws:principalaccount": ACCOUNT,
        "aws:principaltype": "User",
        "kms:calleraccount": ACCOUNT,
        "aws:username": "ExampleUser",
        "aws:userid": "AIDAEXAMPLE",
        "aws:principaltag/team": "blue",
    }
    # For a role session, aws:PrincipalArn is the role's ARN (IAM global condition keys).
    assert session("ExampleRole").keys()["aws:principalarn"] == EX_ROLE


def test_service_principals() -> None:
    logs = Caller("logs.amazonaws.com", ACCOUNT, Kind.SERVICE)
    policy = parse_policy(
        iam(
            {**ENABLE_IAM},
            {
                "Effect": "Allow",
                "Principal": {"Service": "logs.amazonaws.com"},
                "Action": "kms:Encrypt*",
                "Resource": "*",
            },
        )
    )
    assert evaluate(Request(logs, "kms:Encrypt", KEY, ACCOUNT), policy).allowed
    assert not evaluate(Request(logs, "kms:Decrypt", KEY, ACCOUNT), policy).allowed
