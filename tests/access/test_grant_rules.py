"""What a grant allows and who may retire it (kmsmock.access.grants), case by case from AWS's
"Grants in AWS KMS" pages and the API Reference's GrantConstraints / RetireGrant texts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kmsmock.access import Caller, Kind
from kmsmock.access.grants import (
    ACCOUNT as BY_ACCOUNT,
)
from kmsmock.access.grants import (
    DIRECT,
    NONE,
    allowing,
    context_allowed,
    effective,
    may_retire,
    names,
    permits,
)
from kmsmock.backend.grant import Grant

ACCOUNT, OTHER = "111122223333", "444455556666"
CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
USER = f"arn:aws:iam::{ACCOUNT}:user/exampleUser"
ROOT = Caller.root(ACCOUNT)
OTHER_ROOT = Caller.root(OTHER)


def session(role: str = ROLE, name: str = "s1") -> Caller:
    account = role.split(":")[4]
    role_name = role.rsplit("/", 1)[1]
    arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{name}"
    return Caller(arn, account, Kind.SESSION, role_arn=role)


def user(arn: str = USER) -> Caller:
    return Caller(arn, arn.split(":")[4], Kind.USER)


LOGS = Caller("logs.amazonaws.com", ACCOUNT, Kind.SERVICE)


def grant(
    *operations: str,
    grantee: str = USER,
    member: str = "GranteePrincipal",
    retiring: str | None = None,
    constraints: dict[str, Any] | None = None,
    grant_id: str = "g1",
    created: datetime = CREATED,
) -> Grant:
    return Grant(
        grant_id,
        None,
        created,
        (member, grantee),
        ("RetiringPrincipal", retiring) if retiring else None,
        list(operations),
        constraints,
    )


# -- whom a grant names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    [
        (USER, user(), DIRECT),
        (USER, user(f"arn:aws:iam::{ACCOUNT}:user/other"), NONE),
        (ROLE, session(), DIRECT),  # a role names its sessions
        (session().arn, session(), DIRECT),  # a session names itself
        (session().arn, session(name="s2"), NONE),  # ... and no other session
        (f"arn:aws:iam::{ACCOUNT}:root", ROOT, DIRECT),
        (ACCOUNT, ROOT, DIRECT),
        (f"arn:aws:iam::{ACCOUNT}:root", user(), BY_ACCOUNT),  # through IAM
        (f"arn:aws:iam::{ACCOUNT}:root", session(), BY_ACCOUNT),
        (f"arn:aws:iam::{ACCOUNT}:root", OTHER_ROOT, NONE),
        (f"arn:aws:iam::{OTHER}:root", OTHER_ROOT, DIRECT),
        ("logs.amazonaws.com", LOGS, DIRECT),  # the older service name in GranteePrincipal
        ("logs.amazonaws.com", ROOT, NONE),
        (f"arn:aws:iam::{ACCOUNT}:root", LOGS, NONE),
    ],
)
def test_names(principal: str, caller: Caller, expected: int) -> None:
    assert names("GranteePrincipal", principal, caller) == expected


def test_service_principal_member_names_only_that_service() -> None:
    assert names("GranteeServicePrincipal", "logs.amazonaws.com", LOGS) == DIRECT
    assert names("GranteeServicePrincipal", "logs.amazonaws.com", ROOT) == NONE


# -- operations and constraints ------------------------------------------------------------------


def test_only_the_grants_operations() -> None:
    g = grant("Decrypt")
    assert permits(g, user(), "kms:Decrypt", {})
    assert not permits(g, user(), "kms:Encrypt", {})
    assert not permits(g, user(f"arn:aws:iam::{ACCOUNT}:user/x"), "kms:Decrypt", {})


def test_reencrypt_is_two_grant_operations() -> None:
    g = grant("ReEncryptFrom")
    assert permits(g, user(), "kms:ReEncryptFrom", {})
    assert not permits(g, user(), "kms:ReEncryptTo", {})


def test_an_account_grantee_reaches_its_principals_through_iam() -> None:
    g = grant("Decrypt", grantee=f"arn:aws:iam::{ACCOUNT}:root")
    assert permits(g, user(), "Decrypt", {})
    assert not permits(g, user(), "Decrypt", {}, iam_allows=False)
    assert permits(g, ROOT, "Decrypt", {}, iam_allows=False)


DEPT = {"Department": "IT"}


@pytest.mark.parametrize(
    ("constraints", "context", "allowed"),
    [
        # "Creating grants", Using grant constraints: the Department=IT examples
        ({"EncryptionContextEquals": DEPT}, DEPT, True),
        ({"EncryptionContextEquals": DEPT}, {"Department": "IT", "Purpose": "Test"}, False),
        ({"EncryptionContextSubset": DEPT}, DEPT, True),
        ({"EncryptionContextSubset": DEPT}, {"Department": "IT", "Purpose": "Test"}, True),
        ({"EncryptionContextSubset": DEPT}, {"Purpose": "Test"}, False),
        ({"EncryptionContextSubset": DEPT}, {}, False),
        ({"EncryptionContextEquals": DEPT}, {}, False),
        # keys compare case-insensitively, values case-sensitively (GrantConstraints)
        ({"EncryptionContextEquals": DEPT}, {"department": "IT"}, True),
        ({"EncryptionContextSubset": DEPT}, {"DEPARTMENT": "IT", "x": "y"}, True),
        ({"EncryptionContextEquals": DEPT}, {"Department": "it"}, False),
        ({"EncryptionContextSubset": DEPT}, {"Department": "it"}, False),
        (None, {"anything": "goes"}, True),
    ],
)
def test_context_constraints(
    constraints: dict[str, Any] | None, context: dict[str, str], allowed: bool
) -> None:
    assert context_allowed(constraints, context) is allowed
    g = grant("Decrypt", "GenerateDataKey", constraints=constraints)
    assert permits(g, user(), "kms:Decrypt", {"EncryptionContext": context}) is allowed


def test_reencrypt_judges_each_side_by_its_own_context() -> None:
    g = grant("ReEncryptFrom", "ReEncryptTo", constraints={"EncryptionContextSubset": DEPT})
    request = {"SourceEncryptionContext": DEPT, "DestinationEncryptionContext": {}}
    assert permits(g, user(), "kms:ReEncryptFrom", request)
    assert not permits(g, user(), "kms:ReEncryptTo", request)


def test_constraints_do_not_apply_to_describe_key_and_retire_grant() -> None:
    g = grant(
        "Decrypt", "DescribeKey", "RetireGrant", constraints={"EncryptionContextEquals": DEPT}
    )
    assert permits(g, user(), "kms:DescribeKey", {"KeyId": "k"})
    assert permits(g, user(), "kms:RetireGrant", {})
    assert not permits(g, user(), "kms:Decrypt", {})


def test_source_arn_constraint() -> None:
    bucket = "arn:aws:s3:::bucket"
    g = grant("Decrypt", "DescribeKey", "RetireGrant", constraints={"SourceArn": bucket})
    assert permits(g, user(), "Decrypt", {}, source_arn=bucket)
    assert not permits(g, user(), "Decrypt", {})
    assert not permits(g, user(), "DescribeKey", {}, source_arn="arn:aws:s3:::other")
    assert permits(g, user(), "RetireGrant", {})  # "it does not apply to RetireGrant"


# -- CreateGrant through a grant ("Granting CreateGrant permission") ---------------------------

PARENT = grant(
    "GenerateDataKey", "Decrypt", "CreateGrant", constraints={"EncryptionContextSubset": DEPT}
)


@pytest.mark.parametrize(
    ("child", "allowed"),
    [
        # the Developer Guide's child grant: a subset of operations, Subset -> Equals
        (
            {
                "Operations": ["CreateGrant", "Decrypt"],
                "Constraints": {"EncryptionContextEquals": DEPT},
            },
            True,
        ),
        ({"Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": DEPT}}, True),
        (  # may add pairs
            {
                "Operations": ["Decrypt"],
                "Constraints": {"EncryptionContextSubset": {**DEPT, "P": "x"}},
            },
            True,
        ),
        (
            {
                "Operations": ["Decrypt"],
                "Constraints": {"EncryptionContextSubset": {"department": "IT"}},
            },
            True,
        ),
        ({"Operations": ["Decrypt"]}, False),  # may not remove the constraint
        (
            {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": {"P": "x"}}},
            False,
        ),
        ({"Operations": ["Encrypt"], "Constraints": {"EncryptionContextSubset": DEPT}}, False),
        (
            {"Operations": ["ReEncryptFrom"], "Constraints": {"EncryptionContextSubset": DEPT}},
            False,
        ),
    ],
)
def test_child_grants(child: dict[str, Any], allowed: bool) -> None:
    assert permits(PARENT, user(), "kms:CreateGrant", child) is allowed


def test_an_equals_parent_allows_only_the_same_equals() -> None:
    parent = grant("Decrypt", "CreateGrant", constraints={"EncryptionContextEquals": DEPT})
    same = {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextEquals": DEPT}}
    looser = {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": DEPT}}
    assert permits(parent, user(), "CreateGrant", same)
    assert not permits(parent, user(), "CreateGrant", looser)


def test_an_unconstrained_parent_limits_operations_only() -> None:
    parent = grant("Encrypt", "CreateGrant")
    assert permits(parent, user(), "CreateGrant", {"Operations": ["Encrypt"]})
    assert not permits(parent, user(), "CreateGrant", {"Operations": ["Decrypt"]})


# -- eventual consistency and grant tokens -----------------------------------------------------


def test_a_new_grant_is_usable_after_propagation_or_by_its_token() -> None:
    g = grant("Decrypt", created=CREATED)
    wait = timedelta(minutes=5)
    assert effective([g], CREATED, propagation=wait) == []
    assert effective([g], CREATED, propagation=wait, token_grant_ids={"g1"}) == [g]
    assert effective([g], CREATED + wait, propagation=wait) == [g]
    assert effective([g], CREATED) == [g]  # kmsmock's default: consistent at once


def test_allowing_finds_the_grant() -> None:
    g1 = grant("Encrypt", grant_id="g1")
    g2 = grant("Decrypt", grant_id="g2")
    assert allowing([g1, g2], user(), "kms:Decrypt", {}, CREATED) is g2
    assert allowing([g1, g2], user(), "kms:Sign", {}, CREATED) is None


# -- RetireGrant ("Retiring and revoking grants") ----------------------------------------------

OPS = f"arn:aws:iam::{ACCOUNT}:role/ops"


@pytest.mark.parametrize(
    ("g", "caller", "iam_allows", "allowed"),
    [
        (grant("Decrypt", retiring=OPS), session(OPS), False, True),  # the retiring principal
        (grant("Decrypt", retiring=OPS), user(), False, False),  # the grantee, without RetireGrant
        (grant("Decrypt", "RetireGrant"), user(), False, True),  # ... with it
        (grant("Decrypt", retiring=USER), user(), False, True),  # ... or as retiring principal
        (grant("Decrypt"), ROOT, False, True),  # the account the grant was created in
        (grant("Decrypt"), session(OPS), True, True),  # ... delegating through IAM
        (grant("Decrypt"), session(OPS), False, False),
        (grant("Decrypt"), OTHER_ROOT, True, False),  # another account
        (grant("Decrypt", retiring=f"arn:aws:iam::{OTHER}:root"), OTHER_ROOT, False, True),
        (
            grant("Decrypt", retiring=f"arn:aws:iam::{OTHER}:root"),
            user(f"arn:aws:iam::{OTHER}:user/admin"),
            True,
            True,
        ),
        (
            grant("Decrypt", retiring=f"arn:aws:iam::{OTHER}:root"),
            user(f"arn:aws:iam::{OTHER}:user/admin"),
            False,
            False,
        ),
        (
            grant("Decrypt", grantee=f"arn:aws:iam::{OTHER}:user/bob"),
            user(f"arn:aws:iam::{OTHER}:user/bob"),
            True,
            False,
        ),
    ],
)
def test_who_may_retire(g: Grant, caller: Caller, iam_allows: bool, allowed: bool) -> None:
    assert may_retire(g, ACCOUNT, caller, iam_allows=iam_allows) is allowed
