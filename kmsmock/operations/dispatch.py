"""The one place every request passes through on its way to its operation.

What an operation needs besides its own logic is read from its declaration and the service
model's traits (``registry``): its grant tokens are checked before it runs, and a tracked
operation that succeeds is recorded on the keys it acted on (GetKeyLastUsage). Authorization,
the call log and fault injection belong here too, so no operation has to know about them.
"""

from __future__ import annotations

from typing import Any

from ..backend.key import Usage
from .grants import check_grant_tokens
from .registry import OPERATIONS, Context, Request, Response, traits
from .trail import recorded


@recorded  # each answered call is journaled for the CloudTrail view (kmsmock.events)
def dispatch(ctx: Context, service_model: Any, request: Request) -> Response:
    """Run ``ctx.operation`` on ``request`` with everything its traits ask for."""
    op = OPERATIONS[ctx.operation]
    needs = traits(service_model, op.name)
    if needs.grant_tokens:
        check_grant_tokens(ctx, request.get("GrantTokens") or ())
    response = op.handler(ctx, request)
    if needs.tracked:
        for key in ctx.keys:
            key.last_usage = Usage(op.name, ctx.now, ctx.request_id)
    return response
