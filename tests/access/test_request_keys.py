"""The condition keys of a request (kmsmock.access.request_keys), one table row per key, each
from the page of AWS's "AWS KMS condition keys" that defines it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kmsmock.access import Caller, Kind, Request, evaluate, parse_policy
from kmsmock.access.request_keys import (
    CONDITION_KEYS,
    KEY_RESOURCE,
    NO_KEY,
    OPERATION_KEYS,
    keys_for,
    request_keys,
)
from kmsmock.operations import OPERATIONS
from tests.access.world import ACCOUNT, NOW, OTHER, REGION, World

ALICE = Caller(f"arn:aws:iam::{OTHER}:user/alice", OTHER, Kind.USER)
MISSING = object()  # the key must be absent


# (condition key, operation, request, CreateKey parameters or None for no key, expected values)
TABLE: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, dict[str, object]]] = [
    # kms:EncryptionContext:<key>: the context key lower-cased, the value as given
    (
        "kms:EncryptionContext:*",
        "Encrypt",
        {"KeyId": "k", "EncryptionContext": {"AppName": "ExampleApp", "Dept": "IT"}},
        {},
        {"kms:EncryptionContext:appname": "ExampleApp", "kms:EncryptionContext:dept": "IT"},
    ),
    (
        "kms:EncryptionContext:*",
        "ReEncryptFrom",
        {"SourceEncryptionContext": {"A": "1"}, "DestinationEncryptionContext": {"B": "2"}},
        {},
        {"kms:EncryptionContext:a": "1", "kms:EncryptionContext:b": MISSING},
    ),
    (
        "kms:EncryptionContext:*",
        "kms:ReEncryptTo",
        {"SourceEncryptionContext": {"A": "1"}, "DestinationEncryptionContext": {"B": "2"}},
        {},
        {"kms:EncryptionContext:b": "2", "kms:EncryptionContext:a": MISSING},
    ),
    (  # CreateGrant: the constraint's pairs
        "kms:EncryptionContext:*",
        "CreateGrant",
        {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}},
        {},
        {"kms:EncryptionContext:dept": "IT", "kms:EncryptionContextKeys": ["Dept"]},
    ),
    (
        "kms:EncryptionContextKeys",
        "GenerateDataKey",
        {"EncryptionContext": {"AppName": "x", "Project": "y"}},
        {},
        {"kms:EncryptionContextKeys": ["AppName", "Project"]},
    ),
    (  # no context: the key is absent (so Null tests it, ForAllValues holds)
        "kms:EncryptionContextKeys",
        "Decrypt",
        {},
        {},
        {"kms:EncryptionContextKeys": MISSING},
    ),
    ("kms:CallerAccount", "ListKeys", {}, None, {"kms:CallerAccount": ACCOUNT}),
    ("kms:CallerAccount", "DisableKey", {}, {}, {"kms:CallerAccount": ACCOUNT}),
    ("kms:ViaService", "Decrypt", {}, {}, {"kms:ViaService": MISSING}),
    (
        "kms:GrantOperations",
        "CreateGrant",
        {"Operations": ["Encrypt", "ReEncryptTo"]},
        {},
        {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]},
    ),
    (
        "kms:GrantIsForAWSResource",
        "ListGrants",
        {},
        {},
        {"kms:GrantIsForAWSResource": False},
    ),
    (
        "kms:GrantConstraintType",
        "CreateGrant",
        {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextEquals": {"a": "b"}}},
        {},
        {"kms:GrantConstraintType": "EncryptionContextEquals"},
    ),
    (
        "kms:GrantConstraintType",
        "CreateGrant",
        {"Operations": ["Decrypt"]},
        {},
        {"kms:GrantConstraintType": MISSING},
    ),
    (
        "kms:GranteePrincipal",
        "CreateGrant",
        {"Operations": ["Decrypt"], "GranteePrincipal": "arn:aws:iam::1:role/r"},
        {},
        {"kms:GranteePrincipal": "arn:aws:iam::1:role/r", "kms:RetiringPrincipal": MISSING},
    ),
    (
        "kms:RetiringPrincipal",
        "CreateGrant",
        {"Operations": ["Decrypt"], "RetiringPrincipal": "arn:aws:iam::1:user/OpsAdmin"},
        {},
        {"kms:RetiringPrincipal": "arn:aws:iam::1:user/OpsAdmin"},
    ),
    (
        "kms:KeyAgreementAlgorithm",
        "DeriveSharedSecret",
        {"KeyAgreementAlgorithm": "ECDH"},
        {"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"},
        {"kms:KeyAgreementAlgorithm": "ECDH", "kms:RequestAlias": MISSING},
    ),
    (  # a resource condition: the key's spec, also under its deprecated name
        "kms:KeySpec",
        "Sign",
        {"SigningAlgorithm": "ECDSA_SHA_256"},
        {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"},
        {"kms:KeySpec": "ECC_NIST_P256", "kms:CustomerMasterKeySpec": "ECC_NIST_P256"},
    ),
    (  # a request condition: CreateKey's parameter, or its default
        "kms:KeySpec",
        "CreateKey",
        {},
        None,
        {"kms:KeySpec": "SYMMETRIC_DEFAULT"},
    ),
    (
        "kms:KeyUsage",
        "CreateKey",
        {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
        None,
        {"kms:KeyUsage": "GENERATE_VERIFY_MAC", "kms:KeySpec": "HMAC_256"},
    ),
    (
        "kms:MacAlgorithm",
        "GenerateMac",
        {"MacAlgorithm": "HMAC_SHA_256"},
        {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
        {"kms:KeyUsage": "GENERATE_VERIFY_MAC", "kms:MacAlgorithm": "HMAC_SHA_256"},
    ),
    ("kms:KeyOrigin", "CreateKey", {"Origin": "EXTERNAL"}, None, {"kms:KeyOrigin": "EXTERNAL"}),
    ("kms:KeyOrigin", "DescribeKey", {}, {"Origin": "EXTERNAL"}, {"kms:KeyOrigin": "EXTERNAL"}),
    (
        "kms:MultiRegion",
        "CreateKey",
        {"MultiRegion": True},
        None,
        {"kms:MultiRegion": True, "kms:MultiRegionKeyType": "PRIMARY"},
    ),
    (
        "kms:MultiRegion",
        "Encrypt",
        {},
        {},
        {"kms:MultiRegion": False, "kms:MultiRegionKeyType": MISSING},
    ),
    (
        "kms:MultiRegionKeyType",
        "DescribeKey",
        {},
        {"MultiRegion": True},
        {"kms:MultiRegion": True, "kms:MultiRegionKeyType": "PRIMARY"},
    ),
    (  # data keys are always SYMMETRIC_DEFAULT, asked for or not
        "kms:EncryptionAlgorithm",
        "GenerateDataKeyWithoutPlaintext",
        {},
        {},
        {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    ),
    (
        "kms:EncryptionAlgorithm",
        "Decrypt",
        {"EncryptionAlgorithm": "RSAES_OAEP_SHA_256"},
        {"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"},
        {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"},
    ),
    (
        "kms:EncryptionAlgorithm",
        "ReEncryptTo",
        {
            "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1",
        },
        {},
        {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1"},
    ),
    (
        "kms:SigningAlgorithm",
        "Verify",
        {"SigningAlgorithm": "RSASSA_PSS_SHA_512", "MessageType": "DIGEST"},
        {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
        {"kms:SigningAlgorithm": "RSASSA_PSS_SHA_512", "kms:MessageType": "DIGEST"},
    ),
    (  # MessageType's default is RAW
        "kms:MessageType",
        "Sign",
        {"SigningAlgorithm": "RSASSA_PSS_SHA_512"},
        {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
        {"kms:MessageType": "RAW"},
    ),
    (
        "kms:RequestAlias",
        "GenerateDataKey",
        {"KeyId": "alias/finance-key"},
        {},
        {"kms:RequestAlias": "alias/finance-key"},
    ),
    (  # an alias ARN counts by its alias name
        "kms:RequestAlias",
        "Encrypt",
        {"KeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/finance-key"},
        {},
        {"kms:RequestAlias": "alias/finance-key"},
    ),
    (  # another identifier of the same key does not
        "kms:RequestAlias",
        "DescribeKey",
        {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
        {},
        {"kms:RequestAlias": MISSING},
    ),
    (
        "kms:RequestAlias",
        "ReEncryptTo",
        {"SourceKeyId": "alias/a", "DestinationKeyId": "alias/b"},
        {},
        {"kms:RequestAlias": "alias/b"},
    ),
    (  # the key's aliases, however the request names it
        "kms:ResourceAliases",
        "Encrypt",
        {"KeyId": "whatever"},
        {"alias": "alias/finance-key"},
        {"kms:ResourceAliases": ["alias/finance-key"]},
    ),
    ("kms:ResourceAliases", "Encrypt", {}, {}, {"kms:ResourceAliases": MISSING}),
    (
        "kms:RotationPeriodInDays",
        "EnableKeyRotation",
        {"RotationPeriodInDays": 180},
        {},
        {"kms:RotationPeriodInDays": 180},
    ),
    (
        "kms:RotationPeriodInDays",
        "EnableKeyRotation",
        {},
        {},
        {"kms:RotationPeriodInDays": 365},
    ),
    (
        "kms:ScheduleKeyDeletionPendingWindowInDays",
        "ScheduleKeyDeletion",
        {"PendingWindowInDays": 7},
        {},
        {"kms:ScheduleKeyDeletionPendingWindowInDays": 7},
    ),
    (
        "kms:ScheduleKeyDeletionPendingWindowInDays",
        "ScheduleKeyDeletion",
        {},
        {},
        {"kms:ScheduleKeyDeletionPendingWindowInDays": 30},
    ),
    (
        "kms:ReplicaRegion",
        "ReplicateKey",
        {"ReplicaRegion": "eu-west-3"},
        {"MultiRegion": True},
        {"kms:ReplicaRegion": "eu-west-3"},
    ),
    (
        "kms:PrimaryRegion",
        "UpdatePrimaryRegion",
        {"PrimaryRegion": "us-east-1"},
        {"MultiRegion": True},
        {"kms:PrimaryRegion": "us-east-1"},
    ),
    (  # present only when asked for: AWS's example tests its absence with Null
        "kms:BypassPolicyLockoutSafetyCheck",
        "PutKeyPolicy",
        {"BypassPolicyLockoutSafetyCheck": True},
        {},
        {"kms:BypassPolicyLockoutSafetyCheck": True},
    ),
    (
        "kms:BypassPolicyLockoutSafetyCheck",
        "CreateKey",
        {},
        None,
        {"kms:BypassPolicyLockoutSafetyCheck": MISSING},
    ),
    (
        "kms:DataKeyPairSpec",
        "GenerateDataKeyPairWithoutPlaintext",
        {"KeyPairSpec": "RSA_3072"},
        {},
        {"kms:DataKeyPairSpec": "RSA_3072", "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    ),
    (
        "kms:WrappingKeySpec",
        "GetParametersForImport",
        {"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_4096"},
        {"Origin": "EXTERNAL"},
        {"kms:WrappingAlgorithm": "RSAES_OAEP_SHA_256", "kms:WrappingKeySpec": "RSA_4096"},
    ),
    (  # Unix time, seconds
        "kms:ValidTo",
        "ImportKeyMaterial",
        {"ValidTo": datetime(2018, 12, 31, 11, 59, 59, tzinfo=timezone.utc)},
        {"Origin": "EXTERNAL"},
        {"kms:ValidTo": 1546257599.0, "kms:ExpirationModel": MISSING},
    ),
    (
        "kms:ExpirationModel",
        "ImportKeyMaterial",
        {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"},
        {"Origin": "EXTERNAL"},
        {"kms:ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "kms:ValidTo": MISSING},
    ),
    (
        "kms:ReEncryptOnSameKey",
        "ReEncryptFrom",
        {"SourceKeyId": "alias/a", "DestinationKeyId": "alias/a"},
        {},
        {"kms:ReEncryptOnSameKey": True},
    ),
    (
        "aws:RequestTag/*",
        "TagResource",
        {"Tags": [{"TagKey": "Project", "TagValue": "Alpha"}]},
        {},
        {"aws:RequestTag/Project": "Alpha", "aws:TagKeys": ["Project"]},
    ),
    (
        "aws:RequestTag/*",
        "CreateKey",
        {"Tags": [{"TagKey": "Project", "TagValue": "Alpha"}]},
        None,
        {"aws:RequestTag/Project": "Alpha", "aws:TagKeys": ["Project"]},
    ),
    (
        "aws:TagKeys",
        "UntagResource",
        {"TagKeys": ["Project", "Stage"]},
        {},
        {"aws:TagKeys": ["Project", "Stage"], "aws:RequestTag/Project": MISSING},
    ),
    (
        "aws:ResourceTag/*",
        "Decrypt",
        {},
        {"Tags": [{"TagKey": "Project", "TagValue": "Alpha"}]},
        {"aws:ResourceTag/Project": "Alpha"},
    ),
    (  # no resource conditions on operations without a key
        "aws:ResourceTag/*",
        "ListAliases",
        {},
        None,
        {"kms:KeySpec": MISSING, "kms:ResourceAliases": MISSING},
    ),
    ("aws:CurrentTime", "ListKeys", {}, None, {"aws:CurrentTime": NOW}),
    ("aws:SecureTransport", "ListKeys", {}, None, {"aws:SecureTransport": True}),
    ("aws:RequestedRegion", "Decrypt", {}, {}, {"aws:RequestedRegion": REGION}),
]


@pytest.mark.parametrize(
    ("name", "operation", "request_", "create", "expected"),
    TABLE,
    ids=[f"{row[0]}-{row[1]}-{i}" for i, row in enumerate(TABLE)],
)
def test_condition_key(
    name: str,
    operation: str,
    request_: dict[str, Any],
    create: dict[str, Any] | None,
    expected: dict[str, object],
) -> None:
    world = World()
    key = None
    if create is not None:
        alias = create.pop("alias", None)
        key = world.key(**create)
        if alias:
            world.call("CreateAlias", AliasName=alias, TargetKeyId=key.key_id)
    found = request_keys(operation, request_, key, world.context(operation))
    for key_name, value in expected.items():
        if value is MISSING:
            assert key_name not in found
        else:
            assert found[key_name] == value


def test_every_condition_key_of_the_issue_is_supplied_somewhere() -> None:
    supplied = {name for names in OPERATION_KEYS.values() for name in names} | set(KEY_RESOURCE)
    assert supplied == set(CONDITION_KEYS)
    tested = {row[0] for row in TABLE} | {name for row in TABLE for name in row[4]}
    missing = set(CONDITION_KEYS) - tested
    assert not missing, missing


def test_every_condition_key_names_its_source() -> None:
    for name, entry in CONDITION_KEYS.items():
        assert entry.source.startswith("https://docs.aws.amazon.com/"), name


def test_operations_on_no_key_supply_the_caller_account_only() -> None:
    for op in OPERATIONS.values():
        if op.resource == "*" and op.name != "CreateKey":
            assert keys_for(op.name, has_key=False) == NO_KEY, op.name
        elif op.resource == "key" and op.name not in OPERATION_KEYS:
            assert keys_for(op.name, has_key=True) == KEY_RESOURCE, op.name
    assert "ReEncrypt" not in OPERATION_KEYS  # its two actions are judged apart


def test_the_caller_decides_kms_caller_account() -> None:
    world = World()
    key = world.key()
    found = request_keys("Decrypt", {}, key, world.context("Decrypt", ALICE))
    assert found["kms:CallerAccount"] == OTHER


def test_extra_keys_and_via_service() -> None:
    world = World()
    key = world.key()
    extra = {"aws:SourceIp": "192.0.2.10", "kms:ViaService": "ec2.us-west-2.amazonaws.com"}
    found = request_keys(
        "CreateGrant", {"Operations": ["Decrypt"]}, key, world.context(), extra=extra
    )
    assert found["aws:SourceIp"] == "192.0.2.10"
    assert found["kms:ViaService"] == "ec2.us-west-2.amazonaws.com"
    assert found["kms:GrantIsForAWSResource"] is True
    plain = request_keys("Decrypt", {}, key, world.context(), extra={"aws:SourceIp": "10.0.0.1"})
    assert "kms:GrantIsForAWSResource" not in plain


# -- the evaluator reads them as AWS's examples expect ------------------------------------------


def _decide(statement: dict[str, Any], operation: str, request: dict[str, Any]) -> bool:
    world = World()
    key = world.key()
    role = Caller(
        f"arn:aws:sts::{ACCOUNT}:assumed-role/RoleForExampleApp/s",
        ACCOUNT,
        Kind.SESSION,
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/RoleForExampleApp",
    )
    policy = parse_policy({"Version": "2012-10-17", "Statement": [statement]})
    ctx = world.context(operation, role)
    req = Request(
        role, f"kms:{operation}", key.arn, ACCOUNT, request_keys(operation, request, key, ctx)
    )
    return evaluate(req, policy, []).allowed


def _allow(condition: dict[str, Any], action: str = "kms:Decrypt") -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/RoleForExampleApp"},
        "Action": action,
        "Resource": "*",
        "Condition": condition,
    }


def test_encryption_context_key_names_ignore_case_values_do_not() -> None:
    # conditions-kms "Case sensitivity of the encryption context condition"
    statement = _allow({"StringEquals": {"kms:EncryptionContext:Appname": "ExampleApp"}})
    assert _decide(statement, "Decrypt", {"EncryptionContext": {"AppName": "ExampleApp"}})
    assert _decide(statement, "Decrypt", {"EncryptionContext": {"APPNAME": "ExampleApp"}})
    assert not _decide(statement, "Decrypt", {"EncryptionContext": {"AppName": "exampleapp"}})


def test_encryption_context_keys_with_for_all_values() -> None:
    # conditions-kms: "require an encryption context pair and forbid all other pairs"
    statement = _allow(
        {
            "StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"},
            "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]},
        },
        "kms:GenerateDataKey",
    )
    good = {"EncryptionContext": {"AppName": "ExampleApp"}}
    extra = {"EncryptionContext": {"AppName": "ExampleApp", "Other": "x"}}
    assert _decide(statement, "GenerateDataKey", good)
    assert not _decide(statement, "GenerateDataKey", extra)
    assert not _decide(statement, "GenerateDataKey", {})


def test_null_on_the_bypass_flag() -> None:
    # conditions-kms kms:BypassPolicyLockoutSafetyCheck: allow only without the parameter
    statement = _allow({"Null": {"kms:BypassPolicyLockoutSafetyCheck": True}}, "kms:PutKeyPolicy")
    assert _decide(statement, "PutKeyPolicy", {})
    assert not _decide(statement, "PutKeyPolicy", {"BypassPolicyLockoutSafetyCheck": True})


def test_grant_operations_for_all_values() -> None:
    # conditions-kms kms:GrantOperations: only Encrypt and ReEncryptTo
    statement = _allow(
        {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]}},
        "kms:CreateGrant",
    )
    assert _decide(statement, "CreateGrant", {"Operations": ["Encrypt"]})
    assert not _decide(statement, "CreateGrant", {"Operations": ["Encrypt", "Decrypt"]})


def test_valid_to_numeric() -> None:
    # conditions-kms kms:ValidTo: NumericLessThanEquals 1546257599.0
    statement = _allow(
        {"NumericLessThanEquals": {"kms:ValidTo": "1546257599.0"}}, "kms:ImportKeyMaterial"
    )
    early = datetime(2018, 6, 1, tzinfo=timezone.utc)
    late = datetime(2019, 6, 1, tzinfo=timezone.utc)
    assert _decide(statement, "ImportKeyMaterial", {"ValidTo": early})
    assert not _decide(statement, "ImportKeyMaterial", {"ValidTo": late})
