"""What the caller's own identity (IAM) policies say, apart from any key policy.

Two rules of AWS KMS ask IAM alone: a grant to an *account* reaches that account's principals
only where their identity policies allow the operation, and an account delegates retiring its
keys' grants the same way ("Retiring and revoking grants"). A caller without declared identity
policies is allowed by IAM (issue 13), which is every caller until principals are declared.
"""

from __future__ import annotations

from .. import access  # the evaluator's names are read when a decision is made (access._LAZY)
from ..backend.key import Key
from .registry import Context, Request


def condition_keys(
    ctx: Context, action: str, request: Request, key: Key | None
) -> dict[str, object]:
    """The request's condition keys for ``action`` on ``key``, with what the signer and the
    activation declare that kmsmock cannot observe (``aws:SourceIp``, ...)."""
    from ..access.request_keys import request_keys  # its tables: loaded by the first decision

    return request_keys(action, request, key, ctx, extra=ctx.signer_keys)


def asking(
    ctx: Context,
    action: str,
    resource: str,
    key_account: str | None,
    request: Request,
    key: Key | None,
) -> access.Request:
    """What the evaluator is asked: may the caller ``action`` on ``resource`` (``key``'s ARN,
    or ``*``...) with this request's condition keys."""
    keys = condition_keys(ctx, action, request, key)
    return access.Request(ctx.caller, action, resource, key_account, keys)


def identity_allows(ctx: Context, key: Key, action: str, request: Request) -> bool:
    """Whether the caller's identity policies allow ``action`` on ``key`` with ``request``."""
    if ctx.policies is None:
        return True
    asked = asking(ctx, action, key.arn, key.store.account, request, key)
    return access.evaluate(asked, None, ctx.policies).allowed
