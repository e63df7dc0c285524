"""The decision on a request, as AWS KMS makes it, and the AccessDeniedException texts.

Rules (KMS Developer Guide "Key policies in AWS KMS", "Default key policy", "Allowing users in
other accounts to use a KMS key", "Determining access to an AWS KMS key"; IAM User Guide "Policy
evaluation logic", "AWS JSON policy elements: NotPrincipal"):

1. An applicable Deny in the key policy or in the caller's identity policies refuses the request,
   whatever allows it elsewhere (including grants).
2. Otherwise the key policy decides, unlike most resource policies: a statement that names the
   caller (its ARN, the role of its session, or ``"*"``) allows a caller of the key's account
   directly; a statement that names the caller's *account* only lets IAM decide (the account
   root itself is the account, so it is allowed directly). "Without this permission, IAM
   policies that allow access to the key are ineffective."
3. A grant for the operation allows it (judged by the caller, passed in as a flag).
4. A caller from another account needs both: the key policy naming its account or itself, and
   its own identity policy allowing the action on the key.
5. A principal with no identity policies declared (``identity_policies=None``) is treated as
   allowed by IAM everywhere, so the default key policy keeps every existing test working
   (issue 13, "The decision on every request").
6. An operation without a key (CreateKey, ListKeys, ...) is decided by identity policies alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .caller import Caller, ContextValue, Kind

if TYPE_CHECKING:  # policies reach the evaluator compiled: no parser needed to decide
    from .policy import Policy, Principals, Statement


@dataclass(frozen=True)
class Request:
    """What is asked: ``action`` like ``kms:Decrypt``; ``resource`` the key ARN, or ``"*"`` for
    operations on no key; ``keys`` the request's condition keys (names in any case, multivalued
    keys as lists); ``key_account`` the account owning the key (None for ``"*"``)."""

    caller: Caller
    action: str
    resource: str
    key_account: str | None = None
    keys: Mapping[str, ContextValue] = field(default_factory=dict)

    def context(self) -> dict[str, ContextValue]:
        merged = self.caller.keys()
        merged.update((name.lower(), value) for name, value in self.keys.items())
        return merged


RESOURCE_BASED = "resource-based"
IDENTITY_BASED = "identity-based"


@dataclass(frozen=True)
class Decision:
    """ALLOW, or DENY with the document to blame: ``explicit`` for a Deny statement,
    otherwise nothing allowed it; ``policy`` is RESOURCE_BASED or IDENTITY_BASED."""

    allowed: bool
    explicit: bool = False
    policy: str | None = None
    via: str | None = None  # what allowed it: "key policy", "identity policy", "grant"


ALLOW_KEY_POLICY = Decision(True, via="key policy")


def denial_message(caller_arn: str, action: str, resource: str, decision: Decision) -> str:
    """AWS's AccessDeniedException text for a refused request (recorded forms, e.g.
    https://github.com/jbrt/ec2cryptomatic/issues/26 for "no resource-based policy allows";
    the explicit-deny forms as IAM writes them for every service). ``resource`` is ``"*"`` for
    CreateKey."""
    head = f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"
    if decision.explicit:
        article = "an" if decision.policy == IDENTITY_BASED else "a"
        return f"{head} with an explicit deny in {article} {decision.policy} policy"
    return f"{head} because no {decision.policy} policy allows the {action} action"


# -- principals ---------------------------------------------------------------------------------

_NONE, _ACCOUNT, _DIRECT = 0, 1, 2


def _match(principals: Principals, caller: Caller) -> int:
    """How a Principal element names the caller: directly, through its account, or not."""
    if caller.kind is Kind.SERVICE:
        return _DIRECT if principals.anyone or caller.arn in principals.services else _NONE
    if principals.anyone or caller.arn in principals.arns:
        return _DIRECT
    if caller.role_arn is not None and caller.role_arn in principals.arns:
        return _DIRECT
    if caller.account in principals.accounts:
        return _DIRECT if caller.kind is Kind.ROOT else _ACCOUNT
    return _NONE


def _excluded(principals: Principals, caller: Caller) -> bool:
    """NotPrincipal spares the caller only if every identity AWS checks is listed: the
    account, then the role, then the session or user (IAM "NotPrincipal")."""
    if principals.anyone:
        return True
    if caller.kind is Kind.SERVICE:
        return caller.arn in principals.services
    identities = [caller.account in principals.accounts]
    if caller.kind is not Kind.ROOT:
        identities.append(caller.arn in principals.arns)
    if caller.role_arn is not None:
        identities.append(caller.role_arn in principals.arns)
    return all(identities)


def _who(statement: Statement, caller: Caller) -> int:
    if statement.principal is not None:
        return _match(statement.principal, caller)
    if statement.not_principal is not None:
        return _NONE if _excluded(statement.not_principal, caller) else _DIRECT
    return _NONE  # a key policy statement without a principal names nobody


# -- the decision -------------------------------------------------------------------------------


def _scan(
    statements: Iterable[Statement],
    request: Request,
    keys: Mapping[str, object],
    who: Callable[[Statement], int],
) -> tuple[bool, int]:
    """(explicitly denied, strongest allow: _NONE / _ACCOUNT / _DIRECT) over ``statements``;
    ``who`` says how a statement names the caller."""
    best = _NONE
    for statement in statements:
        named = who(statement)
        if named == _NONE or (statement.effect == "Allow" and named <= best):
            continue  # an Allow cannot improve on what is already allowed
        if statement.applies(request.action, request.resource, keys):
            if statement.effect == "Deny":
                return True, best
            best = named
    return False, best


def _key_policy(policy: Policy, request: Request, keys: Mapping[str, object]) -> tuple[bool, int]:
    return _scan(policy.statements, request, keys, lambda s: _who(s, request.caller))


def _identity(
    policies: Sequence[Policy], request: Request, keys: Mapping[str, object]
) -> tuple[bool, bool]:
    """(explicitly denied, allowed) by the caller's identity policies (which name no
    principal: they are the caller's own)."""
    statements = (s for policy in policies for s in policy.statements)
    denied, best = _scan(statements, request, keys, lambda s: _DIRECT)
    return denied, best == _DIRECT


def evaluate(
    request: Request,
    key_policy: Policy | None,
    identity_policies: Sequence[Policy] | None = None,
    *,
    allowed_by_grant: bool = False,
) -> Decision:
    """Decide a request (see the module docstring for the rules and their sources)."""
    caller = request.caller
    if (
        key_policy is not None
        and identity_policies is None
        and not allowed_by_grant
        and _is_delegation_only(key_policy, caller)
    ):
        return ALLOW_KEY_POLICY  # the default key policy and a caller of its account
    keys = request.context()
    identity_denied, identity_allows = (
        (False, True)
        if identity_policies is None or caller.kind in (Kind.ROOT, Kind.SERVICE)
        else _identity(identity_policies, request, keys)
    )
    if key_policy is None:  # an operation on no key: IAM alone
        if identity_denied:
            return Decision(False, True, IDENTITY_BASED)
        if identity_allows:
            return Decision(True, via="identity policy")
        return Decision(False, False, IDENTITY_BASED)
    key_denied, best = _key_policy(key_policy, request, keys)
    if key_denied:
        return Decision(False, True, RESOURCE_BASED)
    if identity_denied:
        return Decision(False, True, IDENTITY_BASED)
    same_account = request.key_account is None or request.key_account == caller.account
    if best == _DIRECT and same_account:
        return ALLOW_KEY_POLICY
    if best != _NONE and identity_allows:
        return Decision(True, via="identity policy" if best == _ACCOUNT else "key policy")
    if allowed_by_grant:
        return Decision(True, via="grant")
    if best == _NONE:
        return Decision(False, False, RESOURCE_BASED)
    return Decision(False, False, IDENTITY_BASED)


def _is_delegation_only(policy: Policy, caller: Caller) -> bool:
    """The fast path: a policy whose only statement is the default one (the caller's account,
    ``kms:*`` on ``*``, no condition) allows every caller of that account when IAM allows all."""
    if len(policy.statements) != 1:
        return False
    (statement,) = policy.statements
    principal = statement.principal
    return (
        statement.effect == "Allow"
        and principal is not None
        and principal.accounts == {caller.account}
        and not principal.arns
        and statement.actions is not None
        and statement.actions.everything
        and not statement.actions.negated
        and statement.resources is not None
        and statement.resources.everything
        and not statement.resources.negated
        and not statement.conditions
        and caller.kind is not Kind.SERVICE
    )
