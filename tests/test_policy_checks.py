"""The checks on a new key policy, judged by the evaluator (operations.policies.check_policy):
the lockout safety check against the calling principal and the request's condition keys, the
policy grammar, and principals that must exist when a test declares which do (kms-facts §5,
PutKeyPolicy.Policy in AWS's API Reference)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kmsmock import errors, mock_kms
from kmsmock.access import Caller, Kind, parse_policy
from kmsmock.operations.policies import check_policy
from tests.access.world import ACCOUNT, OTHER, World
from tests.helpers import new_client, raises_error

ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Admin"
ADMIN = Caller(
    f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/me", ACCOUNT, Kind.SESSION, role_arn=ADMIN_ROLE
)
DEV = Caller(f"arn:aws:iam::{ACCOUNT}:user/dev", ACCOUNT, Kind.USER)
LOCKOUT = ("MalformedPolicyDocumentException", errors.POLICY_LOCKOUT().message)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any = "kms:*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}


def put(world: World, caller: Caller, text: str, **more: Any) -> tuple[str, str] | None:
    """PutKeyPolicy on a new key by ``caller``: None if accepted, else (code, message)."""
    key = world.key()
    try:
        world.call("PutKeyPolicy", caller, KeyId=key.key_id, Policy=text, **more)
    except errors.KMSError as refused:
        return refused.code, refused.message
    return None


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize(
    ("caller", "statements", "accepted"),
    [
        # a policy naming the caller's role keeps the role's sessions in charge...
        (ADMIN, [allow({"AWS": ADMIN_ROLE})], True),
        # ... and locks out everybody else it does not name
        (DEV, [allow({"AWS": ADMIN_ROLE})], False),
        # the account's principal delegates to IAM (identity policies allow all by default)
        (DEV, [allow({"AWS": ROOT})], True),
        (ADMIN, [allow({"AWS": ACCOUNT})], True),
        # a principal of another account cannot be the one who keeps the key manageable
        (DEV, [allow({"AWS": f"arn:aws:iam::{OTHER}:root"})], False),
        # a Deny on the caller wins over the Allow
        (
            DEV,
            [
                allow({"AWS": ROOT}),
                {**allow({"AWS": DEV.arn}, "kms:PutKeyPolicy"), "Effect": "Deny"},
            ],
            False,
        ),
        # ... but not over somebody else
        (
            ADMIN,
            [
                allow({"AWS": ROOT}),
                {**allow({"AWS": DEV.arn}, "kms:PutKeyPolicy"), "Effect": "Deny"},
            ],
            True,
        ),
        # conditions are judged with the request's keys: the key's own properties
        (
            DEV,
            [allow({"AWS": ROOT}, Condition={"StringEquals": {"kms:KeySpec": "RSA_2048"}})],
            False,
        ),
        (
            DEV,
            [allow({"AWS": ROOT}, Condition={"StringEquals": {"kms:KeyOrigin": "AWS_KMS"}})],
            True,
        ),
        # a Resource naming the key by ARN pattern applies to it
        (
            DEV,
            [{**allow({"AWS": ROOT}), "Resource": f"arn:aws:kms:*:{ACCOUNT}:key/*"}],
            True,
        ),
        (DEV, [{**allow({"AWS": ROOT}), "Resource": f"arn:aws:kms:*:{OTHER}:key/*"}], False),
    ],
)
def test_lockout_is_judged_for_the_caller(
    world: World, caller: Caller, statements: list[dict[str, Any]], accepted: bool
) -> None:
    refused = put(world, caller, document(*statements))
    assert refused is None if accepted else refused == LOCKOUT
    assert put(world, caller, document(*statements), BypassPolicyLockoutSafetyCheck=True) is None


def test_identity_policies_take_part(world: World) -> None:
    key = world.key()
    text = document(allow({"AWS": ROOT}))
    ctx = world.context("PutKeyPolicy", DEV)
    read_only = parse_policy(document({"Effect": "Allow", "Action": "kms:Get*", "Resource": "*"}))
    check_policy(ctx, text, key.arn, key=key)
    ctx.policies = (read_only,)
    with pytest.raises(errors.KMSError) as refused:
        check_policy(ctx, text, key.arn, key=key)
    assert (refused.value.code, refused.value.message) == LOCKOUT


def test_principals_are_judged_by_form(world: World) -> None:
    """AWS refuses principals that do not exist; kmsmock cannot know them, so a well-formed
    ARN of a principal nobody declared is accepted."""
    key = world.key()
    ghost = f"arn:aws:iam::{ACCOUNT}:role/Ghost"
    text = document(allow({"AWS": ROOT}), allow({"AWS": ghost}, "kms:Decrypt"))
    check_policy(world.context("PutKeyPolicy"), text, key.arn, key=key)


@pytest.mark.parametrize(
    "statement",
    [
        {"Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"},  # no Effect
        {"Effect": "Permit", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"},
        {**allow({"AWS": ROOT}), "NotAction": "kms:Decrypt"},  # Action and NotAction
        allow({"AWS": ROOT}, Condition={"StringSomething": {"kms:CallerAccount": ACCOUNT}}),
    ],
    ids=["no-effect", "bad-effect", "action-and-not-action", "unknown-operator"],
)
def test_grammar_the_evaluator_cannot_read_is_malformed(statement: dict[str, Any]) -> None:
    with mock_kms():
        kms = new_client()
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        text = document(allow({"AWS": ROOT}), statement)
        expected = {"Code": "MalformedPolicyDocumentException", "Message": ""}
        assert raises_error(kms.put_key_policy, KeyId=key_id, Policy=text) == expected
        assert raises_error(kms.create_key, Policy=text) == expected


def test_create_key_judges_the_key_it_creates() -> None:
    # kms:KeySpec on CreateKey is the requested spec: the new key's, before it exists
    text = document(
        allow({"AWS": "123456789012"}, Condition={"StringEquals": {"kms:KeySpec": "RSA_2048"}})
    )
    with mock_kms():
        kms = new_client()
        assert raises_error(kms.create_key, Policy=text)["Message"] == LOCKOUT[1]
        created = kms.create_key(Policy=text, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        assert created["KeyMetadata"]["KeySpec"] == "RSA_2048"


def test_create_key_judges_the_tags_of_the_key_it_creates() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/Project": "Alpha"}}
    text = document(allow({"AWS": "123456789012"}, Condition=condition))
    with mock_kms():
        kms = new_client()
        assert raises_error(kms.create_key, Policy=text)["Message"] == LOCKOUT[1]
        kms.create_key(Policy=text, Tags=[{"TagKey": "Project", "TagValue": "Alpha"}])
