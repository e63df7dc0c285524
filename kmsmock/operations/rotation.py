"""Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
ListKeyRotations. The schedule itself lives on the key (``Key.advance``); these operations set
it and show it (kms-facts §1)."""

from __future__ import annotations

from datetime import timedelta

from .. import errors
from ..backend.key import DISABLED, PENDING_IMPORT, ImportedMaterial, Key
from .lookup import find_key
from .paging import page
from .registry import Context, Request, Response, operation
from .states import (
    pending_deletion,
    primary_of,
    require_customer_managed,
    require_not_pending_deletion,
    require_primary,
)

MAX_ON_DEMAND_ROTATIONS = 25
CONFLICT_WINDOW = timedelta(minutes=20)


def _require_rotatable_state(key: Key) -> None:
    """Key state comes first (recorded: a disabled RSA key says 'disabled', not 'unsupported')."""
    if key.state == DISABLED:
        raise errors.DISABLED(key_arn=key.arn)
    require_not_pending_deletion(key)


def _refuse_custom_key_store(key: Key) -> None:
    """Keys in a custom key store never rotate, whatever their state (key-state footnote 7)."""
    if key.custom_key_store_id is not None:
        raise errors.ORIGIN_NOT_VALID(key_arn=key.arn, origin=key.origin)


def _refuse_automatic_rotation_origins(key: Key) -> None:
    """Automatic rotation is for KMS-generated material: keys in a custom key store and keys
    with imported material (footnotes 6, 7) refuse its operations, whatever their state."""
    _refuse_custom_key_store(key)
    if key.state == PENDING_IMPORT or key.origin == "EXTERNAL":
        raise errors.ORIGIN_NOT_VALID(key_arn=key.arn, origin=key.origin)


def _require_automatic_rotation(ctx: Context, key: Key) -> None:
    _refuse_automatic_rotation_origins(key)
    _require_rotatable_state(key)
    require_customer_managed(ctx, key)
    require_primary(key)  # "set the property on the primary key"; replicas follow it
    if not key.spec.symmetric:
        raise errors.ROTATION_NOT_SUPPORTED()


@operation("EnableKeyRotation")
def enable_key_rotation(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _require_automatic_rotation(ctx, key)
    key.enable_rotation(ctx.now, req.get("RotationPeriodInDays"))
    return {}


@operation("DisableKeyRotation")
def disable_key_rotation(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _refuse_automatic_rotation_origins(key)
    _require_rotatable_state(key)
    require_customer_managed(ctx, key)
    require_primary(key)
    # Asymmetric and HMAC keys never rotate; disabling is accepted and changes nothing.
    key.disable_rotation()
    return {}


@operation("GetKeyRotationStatus")
def get_key_rotation_status(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _refuse_automatic_rotation_origins(key)
    # A multi-Region replica reports its primary's setting, which it follows.
    source = primary_of(key)
    enabled = source.rotation_enabled and not pending_deletion(key)
    out: Response = {"KeyId": key.arn, "KeyRotationEnabled": enabled}
    if enabled:
        out["RotationPeriodInDays"] = source.rotation_period
        out["NextRotationDate"] = source.next_rotation
    return out


@operation("RotateKeyOnDemand")
def rotate_key_on_demand(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _refuse_custom_key_store(key)
    _require_rotatable_state(key)
    if key.state == PENDING_IMPORT:
        raise errors.PENDING_IMPORT(key_arn=key.arn)
    require_customer_managed(ctx, key)
    require_primary(key)  # the primary rotates the material of all related keys
    if not key.spec.symmetric:
        raise errors.ROTATION_NOT_SUPPORTED()
    if key.origin == "EXTERNAL" and key.pending_material is None:
        raise errors.NO_PENDING_MATERIAL(key_arn=key.arn)
    if key.on_demand_rotations >= MAX_ON_DEMAND_ROTATIONS:
        raise errors.ON_DEMAND_ROTATION_LIMIT(key_arn=key.arn)
    due = key.next_rotation if key.rotation_enabled else None
    if due is not None and due - ctx.now <= CONFLICT_WINDOW:
        raise errors.ROTATION_CONFLICT(key_arn=key.arn)
    # AWS completes the rotation within seconds; here it completes before the call returns,
    # so GetKeyRotationStatus never shows OnDemandRotationStartDate.
    # imported material staged by NEW_KEY_MATERIAL, or new material
    staged, key.pending_material = key.pending_material, None
    key.rotate(ctx.now, "ON_DEMAND", staged)
    key.on_demand_rotations += 1
    return {"KeyId": key.arn}


@operation("ListKeyRotations")
def list_key_rotations(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _refuse_custom_key_store(key)
    include = req.get("IncludeKeyMaterial")
    if not key.spec.symmetric:
        if include is not None:
            raise errors.SYMMETRIC_ONLY_PARAMETER(parameter="includeKeyMaterial")
        raise errors.LIST_ROTATIONS_NOT_SUPPORTED()
    materials = key.materials if include == "ALL_KEY_MATERIAL" else key.materials[1:]
    current = key.current
    entries = []
    if include == "ALL_KEY_MATERIAL" and key.pending_material is not None:
        materials = [*materials, key.pending_material]
    for m in materials:
        state = "CURRENT" if m is current else "NON_CURRENT"
        if m is key.pending_material:
            state = "PENDING_ROTATION"
        entry: Response = {"KeyId": key.key_id, "KeyMaterialId": m.id}
        if isinstance(m, ImportedMaterial):
            if m.description is not None:
                entry["KeyMaterialDescription"] = m.description
            entry["ImportState"] = "IMPORTED" if m.imported else "PENDING_IMPORT"
        entry["KeyMaterialState"] = state
        if isinstance(m, ImportedMaterial) and m.imported:
            entry["ExpirationModel"] = m.expiration_model
            if m.valid_to is not None:
                entry["ValidTo"] = m.valid_to
        if m.rotation_type is not None:
            entry["RotationDate"] = m.created
            entry["RotationType"] = m.rotation_type
        entries.append(entry)
    chunk, paging = page(entries, req, default_limit=100, max_limit=1000)
    if not paging["Truncated"]:
        del paging["Truncated"]  # recorded AWS responses carry only Rotations when complete
    return {"Rotations": chunk, **paging}
