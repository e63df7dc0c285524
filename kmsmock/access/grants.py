"""What a grant allows: whom it names, which operations, under which constraints; who may
retire it. Pure: grants are read through ``GrantLike`` (``backend.grant.Grant`` is one).

Rules (KMS Developer Guide "Grants in AWS KMS", "Creating grants" — "Using grant constraints"
and "Granting CreateGrant permission" —, "Managing grants" — "Using a grant token" and
"Retiring and revoking grants"; API Reference ``GrantConstraints``, ``CreateGrant``,
``RetireGrant``):

- The grantee principal is an account, a user, a role or an assumed-role session ("Valid
  principals include AWS accounts, IAM users, IAM roles, federated users, and assumed role
  users"): a role names its sessions; an account names its root directly and its other
  principals only as far as their IAM policies allow (as in a key policy). A service grantee
  (``GranteeServicePrincipal``, or the older service name in ``GranteePrincipal``) names that
  service.
- ``EncryptionContextEquals``: the request's context is exactly the constraint's;
  ``EncryptionContextSubset``: it includes every pair of the constraint. Keys compare
  case-insensitively, values case-sensitively (``GrantConstraints``: "in a grant constraint,
  the key in each key-value pair is not case sensitive, but the value is case sensitive").
  They apply only to operations that take an encryption context; "Grants with encryption
  context grant constraints can include the DescribeKey and RetireGrant operations, but the
  constraint doesn't apply to these operations". ``SourceArn`` applies to every operation but
  RetireGrant.
- CreateGrant through a grant: the child grant may allow only operations of the parent, and its
  constraints must be as strict or stricter ("the child grant can add pairs to an
  EncryptionContextSubset constraint ..., but it cannot remove them. The child grant can change
  an EncryptionContextSubset constraint to an EncryptionContextEquals constraint, but not the
  reverse").
- A grant is usable once it is eventually consistent (``propagation`` after its creation), or
  at once by a request that carries its grant token.
- RetireGrant: the retiring principal; the grantee "only if they are also a retiring principal
  or the grant includes the RetireGrant operation"; "the AWS account in which the grant was
  created" (its root directly, its other principals by ``kms:RetireGrant`` in IAM policies);
  likewise an account named as retiring principal delegates through IAM.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from .caller import Caller, Kind
from .request_keys import action_name, encryption_context

# Grant operations whose request has an encryption context: the constraints apply to them.
WITH_CONTEXT = frozenset(
    {
        "Encrypt",
        "Decrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
    }
)
EQUALS, SUBSET = "EncryptionContextEquals", "EncryptionContextSubset"

NONE, ACCOUNT, DIRECT = 0, 1, 2  # how a principal in a grant names the caller


class GrantLike(Protocol):
    grant_id: str
    created: datetime
    grantee: tuple[str, str]  # (member, value): GranteePrincipal / GranteeServicePrincipal
    retiring: tuple[str, str] | None
    operations: list[str]
    constraints: dict[str, Any] | None


def _account_of(principal: str) -> str | None:
    """The account a principal ARN or bare account id names as a whole, if it is one."""
    if principal.isdigit() and len(principal) == 12:
        return principal
    parts = principal.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root":
        return parts[4]
    return None


def names(member: str, principal: str, caller: Caller) -> int:
    """How a grant's principal (``member`` says which kind) names ``caller``."""
    if member.endswith("ServicePrincipal") or not (
        principal.startswith("arn:") or principal.isdigit()
    ):
        return DIRECT if caller.kind is Kind.SERVICE and caller.arn == principal else NONE
    if caller.kind is Kind.SERVICE:
        return NONE
    if principal in (caller.arn, caller.role_arn):
        return DIRECT
    if _account_of(principal) == caller.account:
        return DIRECT if caller.kind is Kind.ROOT else ACCOUNT
    return NONE


def _lower(pairs: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in pairs.items()}


def context_allowed(constraints: Mapping[str, Any] | None, context: Mapping[str, str]) -> bool:
    """Whether a request's encryption context meets a grant's context constraints."""
    have = _lower(context)
    if constraints and EQUALS in constraints and have != _lower(constraints[EQUALS]):
        return False
    if constraints and SUBSET in constraints:
        return all(have.get(k) == v for k, v in _lower(constraints[SUBSET]).items())
    return True


def child_allowed(parent: GrantLike, request: Mapping[str, Any]) -> bool:
    """Whether a CreateGrant request is within a parent grant that allows CreateGrant."""
    if not set(request.get("Operations") or ()) <= set(parent.operations):
        return False
    mine = parent.constraints or {}
    theirs = request.get("Constraints") or {}
    if "SourceArn" in mine and theirs.get("SourceArn") != mine["SourceArn"]:
        return False
    if EQUALS in mine and (EQUALS not in theirs or _lower(theirs[EQUALS]) != _lower(mine[EQUALS])):
        return False
    if SUBSET in mine:
        required = _lower(mine[SUBSET]).items()
        stricter = [_lower(theirs[k]) for k in (SUBSET, EQUALS) if k in theirs]
        if not any(required <= pairs.items() for pairs in stricter):
            return False
    return True


def permits(
    grant: GrantLike,
    caller: Caller,
    action: str,
    request: Mapping[str, Any],
    *,
    iam_allows: bool = True,
    source_arn: str | None = None,
) -> bool:
    """Whether ``grant`` lets ``caller`` perform ``action`` (``kms:Decrypt``, ``ReEncryptFrom``,
    ...) with ``request``. ``iam_allows``: the caller's identity policies allow the action (a
    grant to an account reaches its principals only through them). ``source_arn``: the
    request's aws:SourceArn, for the SourceArn constraint."""
    operation = action_name(action)
    if operation not in grant.operations:
        return False
    named = names(*grant.grantee, caller)
    if named == NONE or (named == ACCOUNT and not iam_allows):
        return False
    constraints = grant.constraints or {}
    applies = "SourceArn" in constraints and operation != "RetireGrant"
    if applies and source_arn != constraints["SourceArn"]:
        return False
    if operation == "CreateGrant":
        return child_allowed(grant, request)
    if operation in WITH_CONTEXT:
        return context_allowed(constraints, encryption_context(operation, request))
    return True  # DescribeKey, RetireGrant, ...: context constraints do not apply


def effective(
    grants: Iterable[GrantLike],
    now: datetime,
    *,
    token_grant_ids: Collection[str] = (),
    propagation: timedelta = timedelta(0),
) -> list[GrantLike]:
    """The grants a request can use: eventually consistent ones, and those its tokens name."""
    return [g for g in grants if g.grant_id in token_grant_ids or g.created + propagation <= now]


def allowing(
    grants: Iterable[GrantLike],
    caller: Caller,
    action: str,
    request: Mapping[str, Any],
    now: datetime,
    *,
    token_grant_ids: Collection[str] = (),
    propagation: timedelta = timedelta(0),
    iam_allows: bool = True,
    source_arn: str | None = None,
) -> GrantLike | None:
    """The first usable grant that permits the request, or None."""
    for grant in effective(grants, now, token_grant_ids=token_grant_ids, propagation=propagation):
        if permits(grant, caller, action, request, iam_allows=iam_allows, source_arn=source_arn):
            return grant
    return None


def may_retire(
    grant: GrantLike, key_account: str, caller: Caller, *, iam_allows: bool = True
) -> bool:
    """Whether ``caller`` may retire ``grant`` of a key in ``key_account``. ``iam_allows``:
    the caller's identity policies allow kms:RetireGrant (how an account delegates)."""
    if grant.retiring is not None:
        named = names(*grant.retiring, caller)
        if named == DIRECT or (named == ACCOUNT and iam_allows):
            return True
    if "RetireGrant" in grant.operations:
        named = names(*grant.grantee, caller)
        if named == DIRECT or (named == ACCOUNT and iam_allows):
            return True
    if caller.kind is not Kind.SERVICE and caller.account == key_account:
        return caller.kind is Kind.ROOT or iam_allows
    return False
