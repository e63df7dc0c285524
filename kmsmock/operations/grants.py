"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant (grant tokens,
which every operation accepting them checks, are ``grant_tokens``').

Grants are stored on their key (they die with it) and listed as AWS lists them. What a grant
allows is decided by ``grant_allows`` (the rules are ``access.grants``'), which the request's
authorization calls; RetireGrant decides here who may retire (the grant decides, not the key
policy: "Retiring and revoking grants"). RevokeGrant is a key-policy permission like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from .. import errors
from ..access import Caller
from ..access.grants import WITH_CONTEXT, allowing, may_retire
from ..backend.grant import Grant
from ..backend.key import Key
from ..backend.specs import (
    ENCAPSULATE_DECAPSULATE,
    ENCRYPT_DECRYPT,
    GENERATE_VERIFY_MAC,
    KEY_AGREEMENT,
    SIGN_VERIFY,
)
from .grant_tokens import from_token, new_token, token_parts
from .identity import identity_allows
from .lookup import find_key
from .paging import page
from .registry import Context, Request, Response, operation
from .states import UNAVAILABLE, dry_run, key_state, require_usable

MAX_GRANTS_PER_KEY = 50000
# AWS: a new grant is usable everywhere "usually [in] less than five minutes" (eventual
# consistency); kmsmock makes it usable at once, so tests need not wait or pass its token.
GRANT_PROPAGATION = timedelta(0)
_GENERAL = {"CreateGrant", "DescribeKey", "RetireGrant"}
# Grant operations each kind of key supports (Developer Guide, "Grant operations"): symmetric
# keys, the operations that take an encryption context.
_SYMMETRIC = _GENERAL | WITH_CONTEXT
_BY_USAGE = {
    ENCRYPT_DECRYPT: _GENERAL
    | {"Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"},
    SIGN_VERIFY: _GENERAL | {"Sign", "Verify", "GetPublicKey"},
    KEY_AGREEMENT: _GENERAL | {"DeriveSharedSecret", "GetPublicKey"},
    ENCAPSULATE_DECAPSULATE: _GENERAL | {"Encapsulate", "Decapsulate", "GetPublicKey"},
    GENERATE_VERIFY_MAC: _GENERAL | {"GenerateMac", "VerifyMac"},
}


def _grants(key: Key) -> dict[str, Grant]:
    if key.grants is None:
        key.grants = {}
    grants: dict[str, Grant] = key.grants
    return grants


def _one_of(req: Request, members: tuple[str, str], required: bool) -> tuple[str, str] | None:
    given = [(m, req[m]) for m in members if m in req]
    if len(given) > 1 or (required and not given):
        raise errors.ONE_OF_TWO(first=members[0], second=members[1])
    return given[0] if given else None


def _principals(req: Request) -> tuple[tuple[str, str], tuple[str, str] | None]:
    grantee = _one_of(req, ("GranteePrincipal", "GranteeServicePrincipal"), required=True)
    assert grantee is not None
    retiring = _one_of(req, ("RetiringPrincipal", "RetiringServicePrincipal"), required=False)
    if grantee[0] == "GranteeServicePrincipal":
        if "SourceArn" not in (req.get("Constraints") or {}):
            raise errors.SERVICE_GRANTEE_WITHOUT_SOURCE_ARN()
        if retiring is None:
            raise errors.SERVICE_GRANTEE_WITHOUT_RETIRING()
    return grantee, retiring


def _check_operations(key: Key, operations: list[str], constraints: Any) -> None:
    allowed = _SYMMETRIC if key.spec.symmetric else _BY_USAGE[key.usage]
    refused = [op for op in operations if op not in allowed]
    if refused:
        raise errors.GRANT_OPERATIONS_UNSUPPORTED(
            operations=", ".join(refused), key_spec=key.spec.name, key_usage=key.usage
        )
    context_constraints = {k for k in constraints or {} if k.startswith("EncryptionContext")}
    if context_constraints and not key.spec.symmetric:
        raise errors.GRANT_CONSTRAINTS_NOT_SYMMETRIC()
    for name in context_constraints:
        if len(constraints[name]) > 8:
            raise errors.GRANT_CONSTRAINT_PAIRS()


@operation("CreateGrant")
def create_grant(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    if key_state(key) != UNAVAILABLE:  # the key-state table lets grants be made while Unavailable
        require_usable(key)
    operations = list(dict.fromkeys(req["Operations"]))
    if not operations:
        raise errors.GRANT_OPERATIONS_EMPTY()
    constraints = req.get("Constraints") or None
    grantee, retiring = _principals(req)
    _check_operations(key, operations, constraints)
    dry_run(req)
    grant_id = ctx.store.source(32).hex()  # random, or reproducible in deterministic mode
    candidate = Grant(
        grant_id, req.get("Name"), ctx.now, grantee, retiring, operations, constraints
    )
    grants = _grants(key)
    if candidate.name is not None:
        for existing in grants.values():
            if existing.same_request(candidate):  # a retry: the same grant, a new token
                return {"GrantToken": new_token(key, existing), "GrantId": existing.grant_id}
    if len(grants) >= MAX_GRANTS_PER_KEY:
        raise errors.GRANTS_PER_KEY(key_arn=key.arn, limit=MAX_GRANTS_PER_KEY)
    grants[candidate.grant_id] = candidate
    return {"GrantToken": new_token(key, candidate), "GrantId": candidate.grant_id}


def _entry(key: Key, grant: Grant) -> Response:
    entry: Response = {"KeyId": key.arn, "GrantId": grant.grant_id}
    if grant.name is not None:
        entry["Name"] = grant.name
    entry["CreationDate"] = grant.created
    entry[grant.grantee[0]] = grant.grantee[1]
    if grant.retiring is not None:
        entry[grant.retiring[0]] = grant.retiring[1]
    entry["IssuingAccount"] = f"arn:{key.store.partition}:iam::{key.store.account}:root"
    entry["Operations"] = list(grant.operations)
    if grant.constraints:
        entry["Constraints"] = grant.constraints
    return entry


def _matches(grant: Grant, req: Request) -> bool:
    """ListGrants' filters: GrantId and the grantee (a principal or a service principal)."""
    if req.get("GrantId") not in (None, grant.grant_id):
        return False
    return all(
        grant.grantee == (member, req[member])
        for member in ("GranteePrincipal", "GranteeServicePrincipal")
        if member in req
    )


@operation("ListGrants")
def list_grants(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    entries = [_entry(key, g) for g in (key.grants or {}).values() if _matches(g, req)]
    chunk, paging = page(entries, req, default_limit=50, max_limit=100)
    return {"Grants": chunk, **paging}


@operation("ListRetirableGrants", resource="*")
def list_retirable_grants(ctx: Context, req: Request) -> Response:
    principal = _one_of(req, ("RetiringPrincipal", "RetiringServicePrincipal"), required=True)
    entries = []
    for store in ctx.backend.stores():
        if store.region != ctx.region:
            continue
        store.sweep(ctx.now)
        for key in store.keys.values():
            entries += [
                _entry(key, g) for g in (key.grants or {}).values() if g.retiring == principal
            ]
    chunk, paging = page(entries, req, default_limit=50, max_limit=100)
    return {"Grants": chunk, **paging}


def _grant_by_id(ctx: Context, key: Key, grant_id: str) -> Grant:
    grant: Grant | None = (key.grants or {}).get(grant_id)
    if grant is None:
        raise errors.GRANT_NOT_FOUND(grant_id=grant_id)
    return grant


@operation("RetireGrant", key="GrantToken")
def retire_grant(ctx: Context, req: Request) -> Response:
    if "GrantToken" in req:
        key, grant = from_token(ctx, req["GrantToken"])
    elif "KeyId" in req and "GrantId" in req:
        key = find_key(ctx, req["KeyId"])
        grant = _grant_by_id(ctx, key, req["GrantId"])
    else:
        raise errors.RETIRE_GRANT_WHICH()
    if not may_retire(
        grant, key.store.account, ctx.caller, iam_allows=iam_allows_retiring(ctx, key)
    ):
        raise errors.RETIRE_GRANT_DENIED(caller_arn=ctx.caller.arn, key_arn=key.arn)
    dry_run(req)
    del _grants(key)[grant.grant_id]
    return {}


def iam_allows_retiring(ctx: Context, key: Key) -> bool:
    """Whether the caller's identity policies allow kms:RetireGrant on ``key``: how an account
    delegates retiring to its principals."""
    return identity_allows(ctx, key, "kms:RetireGrant", {})


@operation("RevokeGrant")
def revoke_grant(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    grant = _grant_by_id(ctx, key, req["GrantId"])
    dry_run(req)
    del _grants(key)[grant.grant_id]
    return {}


def grant_allows(
    key: Key,
    caller: Caller,
    action: str,
    request: Mapping[str, object],
    grant_tokens: Iterable[str],
    now: datetime,
    *,
    iam_allows: bool = True,
    propagation: timedelta = GRANT_PROPAGATION,
    source_arn: str | None = None,
) -> bool:
    """Whether a grant on ``key`` lets ``caller`` perform ``action`` (``kms:Decrypt``,
    ``kms:ReEncryptTo``, ...) with ``request``: the grants that are eventually consistent by
    ``now``, and those the request's ``grant_tokens`` name however new. ``iam_allows``: the
    caller's identity policies allow the action (a grant to an account reaches its principals
    through them)."""
    if not key.grants:
        return False
    named = {
        parts[3]
        for parts in map(token_parts, grant_tokens)
        if parts is not None and parts[:3] == (key.store.account, key.store.region, key.key_id)
    }
    found = allowing(
        key.grants.values(),
        caller,
        action,
        request,
        now,
        token_grant_ids=named,
        propagation=propagation,
        iam_allows=iam_allows,
        source_arn=source_arn,
    )
    return found is not None
