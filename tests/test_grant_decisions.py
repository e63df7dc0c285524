"""Grants that decide: ``grants.grant_allows`` (what the request's authorization asks) and who
may retire a grant (RetireGrant, judged against the caller), run through kmsmock's operations
with callers other than the account root ("Retiring and revoking grants", "Using a grant
token")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kmsmock import errors
from kmsmock.access import Caller, Decision, Kind, Request, parse_policy
from kmsmock.access.decision import IDENTITY_BASED, denial_message, evaluate
from kmsmock.access.request_keys import request_keys
from kmsmock.backend.key import Key
from kmsmock.operations import grants
from kmsmock.operations.grants import grant_allows
from kmsmock.operations.policies import policy_of
from tests.access.world import ACCOUNT, NOW, OTHER, World

ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
APP = Caller(f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1", ACCOUNT, Kind.SESSION, role_arn=ROLE)
BOB = Caller(f"arn:aws:iam::{OTHER}:user/bob", OTHER, Kind.USER)
CAROL = Caller(f"arn:aws:iam::{ACCOUNT}:user/carol", ACCOUNT, Kind.USER)
DEPT = {"Department": "IT"}


@pytest.fixture
def world() -> World:
    return World()


def create_grant(world: World, key: Key, grantee: str, *operations: str, **more: object) -> dict:
    return world.call(
        "CreateGrant",
        KeyId=key.key_id,
        GranteePrincipal=grantee,
        Operations=list(operations),
        **more,
    )


# -- grant_allows ------------------------------------------------------------------------------


def test_a_grant_for_the_role_allows_its_sessions(world: World) -> None:
    key = world.key()
    create_grant(world, key, ROLE, "Decrypt")
    assert grant_allows(key, APP, "kms:Decrypt", {}, [], NOW)
    assert not grant_allows(key, APP, "kms:Encrypt", {}, [], NOW)
    assert not grant_allows(key, CAROL, "kms:Decrypt", {}, [], NOW)


def test_constraints_decide_with_the_request_context(world: World) -> None:
    key = world.key()
    create_grant(world, key, ROLE, "Decrypt", Constraints={"EncryptionContextSubset": DEPT})
    assert grant_allows(key, APP, "kms:Decrypt", {"EncryptionContext": DEPT}, [], NOW)
    assert not grant_allows(key, APP, "kms:Decrypt", {"EncryptionContext": {"D": "x"}}, [], NOW)
    assert not grant_allows(key, APP, "kms:Decrypt", {}, [], NOW)


def test_a_grant_token_makes_a_new_grant_usable_at_once(world: World) -> None:
    key, other = world.key(), world.key()
    token = create_grant(world, key, ROLE, "Decrypt")["GrantToken"]
    foreign = create_grant(world, other, ROLE, "Decrypt")["GrantToken"]
    wait = timedelta(minutes=5)
    assert not grant_allows(key, APP, "kms:Decrypt", {}, [], NOW, propagation=wait)
    assert not grant_allows(key, APP, "kms:Decrypt", {}, [foreign], NOW, propagation=wait)
    assert not grant_allows(key, APP, "kms:Decrypt", {}, ["not-a-token"], NOW, propagation=wait)
    assert grant_allows(key, APP, "kms:Decrypt", {}, [token], NOW, propagation=wait)
    assert grant_allows(key, APP, "kms:Decrypt", {}, [], NOW + wait, propagation=wait)


def test_a_key_without_grants_allows_nothing(world: World) -> None:
    assert not grant_allows(world.key(), APP, "kms:Decrypt", {}, [], NOW)


def test_create_grant_through_a_grant_is_limited_by_it(world: World) -> None:
    key = world.key()
    create_grant(
        world, key, ROLE, "Decrypt", "CreateGrant", Constraints={"EncryptionContextSubset": DEPT}
    )
    child = {"Operations": ["Decrypt"], "Constraints": {"EncryptionContextEquals": DEPT}}
    assert grant_allows(key, APP, "kms:CreateGrant", child, [], NOW)
    wider = {"Operations": ["Decrypt", "Encrypt"], "Constraints": child["Constraints"]}
    assert not grant_allows(key, APP, "kms:CreateGrant", wider, [], NOW)
    assert not grant_allows(key, APP, "kms:CreateGrant", {"Operations": ["Decrypt"]}, [], NOW)


def test_an_account_grantee_needs_iam(world: World) -> None:
    key = world.key()
    create_grant(world, key, f"arn:aws:iam::{OTHER}:root", "Decrypt")
    assert grant_allows(key, BOB, "kms:Decrypt", {}, [], NOW)
    assert not grant_allows(key, BOB, "kms:Decrypt", {}, [], NOW, iam_allows=False)


# -- RetireGrant -------------------------------------------------------------------------------


def denied(caller: Caller, key: Key) -> errors.KMSError:
    return errors.RETIRE_GRANT_DENIED(caller_arn=caller.arn, key_arn=key.arn)


def retire(world: World, caller: Caller, **request: object) -> None:
    world.call("RetireGrant", caller, **request)


def test_the_retiring_principal_of_another_account_retires_by_token(world: World) -> None:
    key = world.key()
    token = create_grant(world, key, ROLE, "Decrypt", RetiringPrincipal=BOB.arn)["GrantToken"]
    retire(world, BOB, GrantToken=token)
    assert not key.grants


def test_a_stranger_may_not_retire(world: World) -> None:
    key = world.key()
    token = create_grant(world, key, ROLE, "Decrypt")["GrantToken"]
    with pytest.raises(errors.KMSError) as refused:
        retire(world, BOB, GrantToken=token)
    assert (refused.value.code, refused.value.message) == (
        "AccessDeniedException",
        denied(BOB, key).message,
    )
    assert key.grants
    with pytest.raises(errors.KMSError) as dry:  # DryRun says what the request would get
        retire(world, BOB, GrantToken=token, DryRun=True)
    assert dry.value.code == "AccessDeniedException"


@pytest.mark.parametrize(
    ("operations", "allowed"), [(["Decrypt", "RetireGrant"], True), (["Decrypt"], False)]
)
def test_the_grantee_retires_only_with_retire_grant(
    world: World, operations: list[str], allowed: bool
) -> None:
    key = world.key()
    token = create_grant(world, key, BOB.arn, *operations)["GrantToken"]
    if allowed:
        retire(world, BOB, GrantToken=token)
        assert not key.grants
    else:
        with pytest.raises(errors.KMSError):
            retire(world, BOB, GrantToken=token)


def test_the_keys_account_retires_through_its_root_or_iam(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = world.key()
    grant_id = create_grant(world, key, BOB.arn, "Decrypt")["GrantId"]
    monkeypatch.setattr(grants, "iam_allows_retiring", lambda ctx, key: False)
    with pytest.raises(errors.KMSError):
        retire(world, CAROL, KeyId=key.arn, GrantId=grant_id)
    monkeypatch.undo()
    retire(world, CAROL, KeyId=key.arn, GrantId=grant_id)  # IAM allows by default
    assert not key.grants
    grant_id = create_grant(world, key, BOB.arn, "Decrypt")["GrantId"]
    monkeypatch.setattr(grants, "iam_allows_retiring", lambda ctx, key: False)
    retire(world, Caller.root(ACCOUNT), KeyId=key.arn, GrantId=grant_id)
    assert not key.grants


# -- the listings --------------------------------------------------------------------------------


def test_list_retirable_grants_finds_other_accounts_keys(world: World) -> None:
    key = world.key()
    mine = create_grant(world, key, ROLE, "Decrypt", RetiringPrincipal=BOB.arn)["GrantId"]
    create_grant(world, key, ROLE, "Decrypt", RetiringPrincipal=CAROL.arn)
    listed = world.call("ListRetirableGrants", BOB, RetiringPrincipal=BOB.arn)["Grants"]
    assert [(g["GrantId"], g["KeyId"]) for g in listed] == [(mine, key.arn)]


def test_list_grants_filters_by_grantee(world: World) -> None:
    key = world.key()
    create_grant(world, key, ROLE, "Decrypt")
    bobs = create_grant(world, key, BOB.arn, "Decrypt")["GrantId"]
    listed = world.call("ListGrants", KeyId=key.key_id, GranteePrincipal=BOB.arn)["Grants"]
    assert [g["GrantId"] for g in listed] == [bobs]


# -- with the evaluator: the decision access control makes ---------------------------------------


def test_a_role_with_only_a_grant_for_decrypt(world: World) -> None:
    """Issue 13's first proof, at the seam: the default key policy delegates to IAM, the role's
    identity policies allow nothing, and a grant allows Decrypt alone."""
    key = world.key()
    token = create_grant(world, key, ROLE, "Decrypt")["GrantToken"]
    policy = parse_policy(policy_of(key))

    def decide(action: str) -> Decision:
        request = {"KeyId": key.arn}
        keys = request_keys(action, request, key, world.context(action, APP))
        by_grant = grant_allows(key, APP, action, request, [token], NOW)
        asked = Request(APP, action, key.arn, ACCOUNT, keys)
        return evaluate(asked, policy, [], allowed_by_grant=by_grant)

    assert decide("kms:Decrypt").via == "grant"
    refused = decide("kms:Encrypt")
    assert not refused.allowed
    assert refused.policy == IDENTITY_BASED
    assert denial_message(APP.arn, "kms:Encrypt", key.arn, refused).endswith(
        "because no identity-based policy allows the kms:Encrypt action"
    )
