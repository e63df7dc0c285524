"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""

from __future__ import annotations

from .. import errors
from ..backend.key import Key
from ..backend.store import Alias
from .lookup import find_key
from .paging import page
from .registry import Context, Request, Response, operation
from .states import require_customer_managed, require_not_pending_deletion

MAX_ALIASES_PER_KEY = 50


def _check_name(ctx: Context, name: str) -> None:
    if not name.startswith("alias/"):
        raise errors.ALIAS_PREFIX()
    if name.startswith("alias/aws/"):
        raise errors.ALIAS_RESERVED(alias_name=name)
    if ":" in name or name == "alias/":
        raise errors.ALIAS_INVALID_CHARACTERS(alias_name=name)


def _target(ctx: Context, key_id: str) -> Key:
    key = find_key(ctx, key_id)
    require_customer_managed(ctx, key)
    require_not_pending_deletion(key)
    return key


def _kind(key: Key) -> tuple[str, str]:
    kind = "SYMMETRIC" if key.spec.symmetric else "HMAC" if key.spec.hmac else "ASYMMETRIC"
    return kind, key.usage


@operation("CreateAlias", key="TargetKeyId")
def create_alias(ctx: Context, req: Request) -> Response:
    name = req["AliasName"]
    _check_name(ctx, name)
    key = _target(ctx, req["TargetKeyId"])
    store = ctx.store
    if name in store.aliases:
        raise errors.ALIAS_EXISTS(alias_arn=store.alias_arn(name))
    usage = sum(a.target == key.key_id for a in store.aliases.values())
    if usage >= MAX_ALIASES_PER_KEY:
        raise errors.ALIASES_PER_KEY(limit=MAX_ALIASES_PER_KEY, usage=usage)
    store.aliases[name] = Alias(name, key.key_id, ctx.now, ctx.now)
    return {}


def _existing(ctx: Context, name: str) -> tuple[Alias, Key]:
    """An alias that exists, with the key it points to, for a change to it. An AWS managed
    key's policy grants no kms:UpdateAlias or kms:DeleteAlias, so its alias (alias/aws/*) is
    refused as every other change to such a key is."""
    store = ctx.store
    alias = store.aliases.get(name)
    current = store.get(alias.target, ctx.now) if alias is not None else None
    if alias is None or current is None:
        raise errors.ALIAS_NOT_FOUND(alias_arn=store.alias_arn(name))
    ctx.acting_on(current)  # the change needs its permission on the key it leaves, too
    require_customer_managed(ctx, current)
    return alias, current


@operation("UpdateAlias", key="TargetKeyId")
def update_alias(ctx: Context, req: Request) -> Response:
    alias, current = _existing(ctx, req["AliasName"])
    key = _target(ctx, req["TargetKeyId"])
    if _kind(current) != _kind(key):
        raise errors.ALIAS_TARGET_MISMATCH(current_arn=current.arn, new_arn=key.arn)
    alias.target = key.key_id
    alias.updated = ctx.now
    return {}


@operation("DeleteAlias", key="AliasName")
def delete_alias(ctx: Context, req: Request) -> Response:
    alias, _ = _existing(ctx, req["AliasName"])
    del ctx.store.aliases[alias.name]
    return {}


@operation("ListAliases", resource="*")
def list_aliases(ctx: Context, req: Request) -> Response:
    """The aliases of the caller's account and Region, by name.

    Real accounts also list predefined ``alias/aws/<service>`` aliases that have no
    TargetKeyId until the service first uses them. Which ones a fresh account has is not
    documented and varies by Region and age, so kmsmock lists none of them: a test's account
    lists exactly the aliases it created, plus those of AWS managed keys it brought into being
    by using ``alias/aws/<service>`` (listed with their TargetKeyId, as AWS does).
    """
    store = ctx.store
    store.sweep(ctx.now)
    target = None
    if "KeyId" in req:
        target = find_key(ctx, req["KeyId"]).key_id
    entries = [
        {
            "AliasName": a.name,
            "AliasArn": store.alias_arn(a.name),
            "TargetKeyId": a.target,
            "CreationDate": a.created,
            "LastUpdatedDate": a.updated,
        }
        for a in sorted(store.aliases.values(), key=lambda a: a.name)
        if target is None or a.target == target
    ]
    chunk, paging = page(entries, req, default_limit=50, max_limit=100)
    return {"Aliases": chunk, **paging}
