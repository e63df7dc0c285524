"""Grant tokens: what CreateGrant hands out and what every operation taking ``GrantTokens``
checks (``check_grant_tokens``, called by ``dispatch``). Apart from ``grants`` so that an
operation whose request carries no token never imports the grant operations or their rules.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import errors
from .registry import Context

if TYPE_CHECKING:
    from ..backend.grant import Grant
    from ..backend.key import Key

_TOKEN_PREFIX = b"kmsmock-grant:"
_NONCE = 16


def new_token(key: Key, grant: Grant) -> str:
    """Opaque to callers; names the grant, so RetireGrant can find it. A fresh one each time."""
    where = f"{key.store.account}/{key.store.region}/{key.key_id}/{grant.grant_id}"
    raw = _TOKEN_PREFIX + os.urandom(_NONCE) + where.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_parts(token: str) -> tuple[str, str, str, str] | None:
    """(account, Region, key id, grant id) a token names, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(_TOKEN_PREFIX):
        return None
    parts = raw[len(_TOKEN_PREFIX) + _NONCE :].decode(errors="replace").split("/")
    if len(parts) != 4:
        return None
    account, region, key_id, grant_id = parts
    return account, region, key_id, grant_id


def from_token(ctx: Context, token: str) -> tuple[Key, Grant]:
    """The key and live grant ``token`` names; InvalidGrantTokenException if none."""
    parts = token_parts(token)
    if parts is None:
        raise errors.INVALID_GRANT_TOKEN()
    account, region, key_id, grant_id = parts
    key = ctx.backend.peek(account, region).get(key_id, ctx.now)
    grant = key.grants.get(grant_id) if key is not None and key.grants else None
    if key is None or grant is None:
        raise errors.INVALID_GRANT_TOKEN()
    return key, grant


def check_grant_tokens(ctx: Context, tokens: Iterable[str]) -> None:
    """Refuse grant tokens that name no live grant (for operations whose traits say so)."""
    for token in tokens:
        from_token(ctx, token)
