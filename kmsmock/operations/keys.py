"""Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
ScheduleKeyDeletion, CancelKeyDeletion."""

from __future__ import annotations

from datetime import timedelta

from .. import errors
from ..backend import key as key_states
from ..backend.key import Key
from ..crypto import families
from .lookup import find_key, key_to_change
from .metadata import key_metadata
from .paging import decode_marker, encode_marker
from .registry import Context, Request, Response, operation
from .states import (
    require_not_pending_deletion,
    require_pending_deletion,
)
from .tags import check_new_tags


@operation("CreateKey", resource="*")
def create_key(ctx: Context, req: Request) -> Response:
    spec_name = req.get("KeySpec")
    legacy = req.get("CustomerMasterKeySpec")
    if spec_name and legacy:
        raise errors.KEY_SPEC_AND_CUSTOMER_MASTER_KEY_SPEC()
    spec = families.spec(spec_name or legacy or "SYMMETRIC_DEFAULT")
    if spec is None:  # a key spec newer than kmsmock (the model is botocore's, installed)
        raise errors.KEY_SPEC_NOT_IMPLEMENTED(key_spec=spec_name or legacy)
    usage = req.get("KeyUsage")
    if usage is None:
        if not spec.symmetric:
            raise errors.KEY_USAGE_REQUIRED()
        usage = "ENCRYPT_DECRYPT"
    if not spec.available_in(ctx.store.partition):  # SM2 only in China, ML-KEM everywhere else
        raise errors.KEY_SPEC_NOT_IN_REGION(key_spec=spec.name)
    if usage not in spec.usages:
        raise errors.KEY_USAGE_INCOMPATIBLE(usage=usage, key_spec=spec.name)
    origin = req.get("Origin", "AWS_KMS")
    in_store = None  # the key's custom key store: none for AWS KMS's own key, naming no store
    if origin != "AWS_KMS" or "CustomKeyStoreId" in req or "XksKeyId" in req:
        from . import keystores  # their rules: loaded by the first request that may need them

        in_store = keystores.placement(ctx, req, spec, origin)
    store = ctx.store
    multi_region = bool(req.get("MultiRegion", False))
    key_id = store.new_key_id(multi_region)
    policy = req.get("Policy")
    if policy is not None:
        from .policies import check_policy  # the parser and evaluator: only for a given policy

        check_policy(
            ctx,
            policy,
            store.key_arn(key_id),
            key_facts=req,
            bypass_lockout=req.get("BypassPolicyLockoutSafetyCheck", False),
        )
    tags = check_new_tags(req.get("Tags", []), existing=None)
    key = store.add(
        Key(
            store,
            key_id,
            spec,
            usage,
            ctx.now,
            origin=origin,
            description=req.get("Description", ""),
            multi_region=multi_region,
            policy=policy,
            tags=tags or None,
        )
    )
    if in_store is not None:
        in_store.admit(key, ctx.now)
    return {"KeyMetadata": key_metadata(key)}


@operation("DescribeKey")
def describe_key(ctx: Context, req: Request) -> Response:
    return {"KeyMetadata": key_metadata(find_key(ctx, req["KeyId"], aliases=True))}


@operation("ListKeys", resource="*")
def list_keys(ctx: Context, req: Request) -> Response:
    after = decode_marker(req.get("Marker"))
    if "SELF" not in req.get("ResourceOwners", ["SELF"]):
        # Only keys shared through Resource Access Manager were asked for: kmsmock has no RAM.
        return {"Keys": [], "Truncated": False}
    keys, last = ctx.store.page(after, req.get("Limit", 100), ctx.now)
    prefix = ctx.store.key_arn("")  # every key listed is the store's: ``Key.arn``, per page
    out: Response = {"Keys": [{"KeyId": k.key_id, "KeyArn": prefix + k.key_id} for k in keys]}
    if last is None:
        out["Truncated"] = False
    else:
        out["NextMarker"] = encode_marker(last)
        out["Truncated"] = True
    return out


@operation("UpdateKeyDescription")
def update_key_description(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    require_not_pending_deletion(key)
    key.description = req["Description"]
    return {}


@operation("EnableKey")
def enable_key(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    _require_settable(key)
    if key.state == key_states.DISABLED:
        key.state = key_states.ENABLED
        key.resume_rotation(ctx.now)
    return {}


@operation("DisableKey")
def disable_key(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    _require_settable(key)
    key.state = key_states.DISABLED
    return {}


def _require_settable(key: Key) -> None:
    require_not_pending_deletion(key)
    if key.state == key_states.PENDING_IMPORT:
        raise errors.PENDING_IMPORT(key_arn=key.arn)


@operation("ScheduleKeyDeletion")
def schedule_key_deletion(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    days = req.get("PendingWindowInDays", 30)
    if not 7 <= days <= 30:
        raise errors.PENDING_WINDOW()
    require_not_pending_deletion(key)
    key.pending_window = days
    related = key.mr_set
    if related is not None and related.primary is key and related.replicas:
        # A multi-Region primary outlives its replicas: its waiting period begins when the
        # last of them is deleted (``MultiRegionSet.detach``), so it has no date yet.
        key.state = key_states.PENDING_REPLICA_DELETION
        return {"KeyId": key.arn, "KeyState": key.state, "PendingWindowInDays": days}
    key.state = key_states.PENDING_DELETION
    key.deletion_date = ctx.now + timedelta(days=days)
    return {
        "KeyId": key.arn,
        "DeletionDate": key.deletion_date,
        "KeyState": key_states.PENDING_DELETION,
        "PendingWindowInDays": days,
    }


@operation("CancelKeyDeletion")
def cancel_key_deletion(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    require_pending_deletion(key)
    # A cancelled key comes back Disabled (PendingImport if it never had material).
    key.state = (
        key_states.DISABLED
        if key.materials or key.origin != "EXTERNAL"
        else key_states.PENDING_IMPORT
    )
    key.deletion_date = None
    key.pending_window = None
    return {"KeyId": key.arn}
