"""The one place every request passes through on its way to its operation.

What an operation needs besides its own logic is read from its declaration and the service
model's traits (``registry``): its grant tokens are checked before it runs, the caller's
permission is decided (an operation on ``*`` before it runs, an operation on a key the moment
it finds the key: ``Context.gate``), and a tracked operation that succeeds is recorded on the
keys it acted on (GetKeyLastUsage), so no operation has to know about them. (The call log,
the events journal and fault injection sit one step out, in ``protocol.handle``, where every
request is seen, including those refused before reaching an operation.)

The decision is ``access.evaluate``'s (issue 13): the key's policy (compiled once per text),
the caller's identity policies, then grants. A default activation pays a few attribute checks
per key: the default key policy delegates to the key's account, and a caller of that account
without identity policies is allowed by IAM; it never loads the evaluator either (its names
are read from ``access`` when a decision is made).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .. import access, errors
from ..backend.key import Key, Usage
from .grant_tokens import check_grant_tokens
from .identity import asking, identity_allows
from .registry import CIPHERTEXT, OPERATIONS, Context, Request, Response, traits

if TYPE_CHECKING:
    from ..access import Policy

# Found by the ciphertext, another account's key the caller may not use is one it is told
# nothing about; its own account's keys are refused in IAM's words, as AWS answers today.
_BY_CIPHERTEXT = frozenset({"kms:Decrypt", "kms:ReEncryptFrom"})
# Who may retire a grant is the grant's to say (kms-facts §9.3: "kms:RetireGrant in a key policy
# is not effective"), so RetireGrant's key is never judged by its policy.
_JUDGED_BY_GRANT = frozenset({"RetireGrant"})
# What IAM must also allow (on ``*``) besides an operation's own permission, and the request
# member that asks for it (None: always): the API Reference's "Required permissions" for
# CreateKey ("To use the Tags parameter, kms:TagResource (IAM policy)") and ReplicateKey
# ("kms:CreateKey in an IAM policy in the replica Region", and kms:TagResource for Tags).
_ALSO_IN_IAM: dict[str, tuple[tuple[str | None, str], ...]] = {
    "CreateKey": (("Tags", "kms:TagResource"),),
    "ReplicateKey": ((None, "kms:CreateKey"), ("Tags", "kms:TagResource")),
}

# An operation on no key authorized on what a request member names instead of "*":
# "The authorized resource in ListRetirableGrants calls is the retiring principal specified in
# the request" (API Reference).
_RESOURCE_MEMBER = {"kms:ListRetirableGrants": "RetiringPrincipal"}
# Alias operations need their permission on the alias in IAM besides the one on the key in its
# policy ("Controlling access to aliases": "kms:CreateAlias for the alias. Provide this
# permission in an IAM policy").
_ON_THE_ALIAS = frozenset({"CreateAlias", "UpdateAlias", "DeleteAlias"})


def dispatch(ctx: Context, service_model: Any, request: Request) -> Response:
    """Run ``ctx.operation`` on ``request`` with everything its traits ask for."""
    op = OPERATIONS[ctx.operation]
    needs = traits(service_model, op.name)
    if needs.grant_tokens:
        check_grant_tokens(ctx, request.get("GrantTokens") or ())
    if op.resource == "*":
        if ctx.policies is not None:  # IAM alone decides; without identity policies it allows
            _authorize(ctx, None, op.permissions[0], request)
    elif op.name not in _JUDGED_BY_GRANT:
        ctx.permission = op.permissions[0]
        ctx.request = request
        # Only what the API Reference marks "Cross-account use: Yes" reaches another
        # account's key ("Allowing users in other accounts to use a KMS key": with any other
        # permission in the key policy, "the user's attempts ... still fail")
        ctx.gate = _gate if needs.cross_account else _gate_own_keys
    if ctx.policies is not None and op.name in _ON_THE_ALIAS:
        alias_arn = ctx.store.alias_arn(str(request.get("AliasName")))
        _authorize(ctx, None, op.permissions[0], request, resource=alias_arn)
    if ctx.policies is not None:
        for member, action in _ALSO_IN_IAM.get(op.name, ()):
            if member is None or request.get(member):
                _authorize(ctx, None, action, request)
    response = op.handler(ctx, request)
    if needs.tracked:
        for key in ctx.keys:
            key.last_usage = Usage(op.name, ctx.now, ctx.request_id)
    return response


def _gate(ctx: Context, key: Key) -> None:
    """Refuse the request unless the caller may ``ctx.permission`` on ``key``."""
    if key.policy is None and ctx.policies is None and key.store.account == ctx.account:
        return  # the default key policy and a caller of its account, allowed by IAM
    assert ctx.request is not None
    _authorize(ctx, key, ctx.permission, ctx.request)


def _gate_own_keys(ctx: Context, key: Key) -> None:
    """``_gate`` for an operation that never reaches another account's key."""
    if key.store.account != ctx.account:
        # the key policy's Allow has no effect
        denied = access.Decision(False, policy=access.RESOURCE_BASED)
        raise _refusal(ctx.caller.arn, ctx.permission, key.arn, denied)
    _gate(ctx, key)


def _authorize(
    ctx: Context, key: Key | None, action: str, request: Request, resource: str | None = None
) -> None:
    """Refuse the request unless ``action`` on ``key`` (None: on ``resource``, else ``*`` or
    what ``_RESOURCE_MEMBER`` names) is allowed."""
    caller = ctx.caller
    member = _RESOURCE_MEMBER.get(action)
    if key is not None:
        resource = key.arn
    elif resource is None:
        resource = request.get(member, "*") if member else "*"
    asked = asking(ctx, action, resource, None if key is None else key.store.account, request, key)
    decision = access.evaluate(asked, None if key is None else key_policy(key), ctx.policies)
    if decision.allowed:
        return
    if key is not None and not decision.explicit and _grant_allows(ctx, key, action, request):
        return
    if (
        key is not None
        and key.store.account != ctx.account
        and action in _BY_CIPHERTEXT
        and OPERATIONS[ctx.operation].key == CIPHERTEXT
    ):
        raise errors.CIPHERTEXT_KEY_UNAVAILABLE()
    raise _refusal(caller.arn, action, resource, decision)


def _refusal(caller: str, action: str, resource: str, decision: access.Decision) -> errors.KMSError:
    """AWS's AccessDeniedException for ``decision`` (the forms ``access.denial_message``
    words)."""
    policy = decision.policy or access.RESOURCE_BASED
    if decision.explicit:
        article = "a" if policy == access.RESOURCE_BASED else "an"
        return errors.EXPLICITLY_DENIED(
            caller=caller, action=action, resource=resource, article=article, policy=policy
        )
    return errors.NOT_AUTHORIZED(caller=caller, action=action, resource=resource, policy=policy)


def key_policy(key: Key) -> Policy:
    """``key``'s policy, compiled (once per text). A key without a policy of its own has the
    default one, which delegates to its account (kms-facts §5); so does an AWS managed key
    here: kmsmock does not model the services its kms:ViaService condition names."""
    if key.policy is not None:  # access.parse_policy: the parser, loaded by the first decision
        return access.parse_policy(key.policy)
    return _default_policy(key.store.partition, key.store.account)


@functools.lru_cache(maxsize=256)
def _default_policy(partition: str, account: str) -> Policy:
    from .policies import default_document  # the family's module, loaded on first need

    return access.parse_policy(default_document(partition, account))


def _grant_allows(ctx: Context, key: Key, action: str, request: Request) -> bool:
    """Whether a grant on ``key`` lets the caller ``action`` with this request: grants that are
    eventually consistent by now, or named by the request's grant tokens however new."""
    from .grants import grant_allows  # the grant family and its rules: loaded on first need

    return grant_allows(
        key,
        ctx.caller,
        action,
        request,
        request.get("GrantTokens") or (),
        ctx.now,
        iam_allows=identity_allows(ctx, key, action, request),
    )
