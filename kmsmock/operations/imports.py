"""Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

Keys created with ``Origin=EXTERNAL`` wait in PendingImport until material is imported. Imported
material can expire on the test's clock (``Key.advance`` drops it at ValidTo), be deleted and be
imported again. Symmetric keys can hold several materials: NEW_KEY_MATERIAL is staged
(PENDING_ROTATION) until RotateKeyOnDemand makes it current (kms-facts §1.5, §8.3 to 8.5).
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from .. import errors
from ..backend.import_parameters import ImportParameters
from ..backend.key import ENABLED, PENDING_DELETION, PENDING_IMPORT, ImportedMaterial, Key
from ..crypto import families, wrapping
from ..crypto.families.base import InvalidMaterial, MaterialSize, PrivateMaterial
from ..crypto.families.symmetric import KEY_BYTES
from .lookup import find_key
from .registry import Context, Request, Response, operation

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from ..crypto.sm2 import SM2PrivateKey

PARAMETERS_VALID_FOR = timedelta(hours=24)
MAX_VALID_TO = timedelta(days=365)
_TOKEN_PREFIX = b"kmsmock-import:"
_NONCE = 16
_RSA_WRAPPING = {
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
}


def _external_key(ctx: Context, key_id: str) -> Key:
    key = find_key(ctx, key_id)
    if key.origin != "EXTERNAL":
        raise errors.ORIGIN_NOT_VALID(key_arn=key.arn, origin=key.origin)
    return key


def _not_pending_deletion(key: Key) -> None:
    if key.state == PENDING_DELETION:
        raise errors.PENDING_DELETION(key_arn=key.arn)  # footnote 8: the short form


@operation("GetParametersForImport")
def get_parameters_for_import(ctx: Context, req: Request) -> Response:
    key = _external_key(ctx, req["KeyId"])
    _not_pending_deletion(key)
    algorithm, spec = req["WrappingAlgorithm"], req["WrappingKeySpec"]
    if algorithm == "RSAES_PKCS1_V1_5":
        raise errors.PKCS1_WRAPPING()
    if spec == "SM2" and ctx.store.partition != "aws-cn":
        raise errors.SM2_WRAPPING_NOT_IN_REGION()
    if (spec == "SM2") != (algorithm == "SM2PKE"):
        raise errors.WRAPPING_ALGORITHM_MISMATCH(algorithm=algorithm, wrapping_key_spec=spec)
    store = ctx.store
    for token_id in [t for t, p in store.import_parameters.items() if p.valid_to <= ctx.now]:
        del store.import_parameters[token_id]  # expired sets are of no use to anyone
    token_id = os.urandom(16).hex()
    wrapping_spec = families.known(spec)
    # WrappingKeySpec is RSA_* or SM2 (the model's enum): the key is one of those two kinds.
    wrapping_key = cast("RSAPrivateKey | SM2PrivateKey", families.generate(wrapping_spec))
    params = ImportParameters(key.key_id, wrapping_key, algorithm, ctx.now + PARAMETERS_VALID_FOR)
    store.import_parameters[token_id] = params
    token = _TOKEN_PREFIX + os.urandom(_NONCE) + token_id.encode()
    return {
        "KeyId": key.arn,
        "ImportToken": token,
        "PublicKey": wrapping_spec.family.public_der(wrapping_key),
        "ParametersValidTo": params.valid_to,
    }


def _parameters(ctx: Context, key: Key, token: bytes) -> ImportParameters:
    invalid = errors.INVALID_IMPORT_TOKEN()
    if not token.startswith(_TOKEN_PREFIX):
        raise invalid
    token_id = token[len(_TOKEN_PREFIX) + _NONCE :].decode(errors="replace")
    params: ImportParameters | None = ctx.store.import_parameters.get(token_id)
    if params is None or params.key_id != key.key_id:
        raise invalid
    if params.valid_to <= ctx.now:
        raise errors.EXPIRED_IMPORT_TOKEN()
    return params


def _expiry(ctx: Context, req: Request) -> tuple[str, datetime | None]:
    model = req.get("ExpirationModel", "KEY_MATERIAL_EXPIRES")
    valid_to: datetime | None = req.get("ValidTo")
    if model == "KEY_MATERIAL_EXPIRES":
        if valid_to is None:
            raise errors.VALID_TO_REQUIRED()
        if valid_to <= ctx.now or valid_to > ctx.now + MAX_VALID_TO:
            raise errors.VALID_TO_RANGE()
    elif valid_to is not None:
        raise errors.VALID_TO_FORBIDDEN()
    return model, valid_to


def _check_asymmetric_material(key: Key, der: bytes) -> PrivateMaterial:
    """The private key ``der`` holds (an HMAC key's: its secret), if it is one of this key's
    spec."""
    spec = key.spec.name
    try:
        material: PrivateMaterial = key.spec.family.load(key.spec, der)
    except MaterialSize as size:
        raise errors.HMAC_MATERIAL_SIZE(key_spec=spec, low=size.low, high=size.high) from None
    except InvalidMaterial:
        raise errors.NOT_A_PRIVATE_KEY(key_spec=spec) from None
    return material


@operation("ImportKeyMaterial")
def import_key_material(ctx: Context, req: Request) -> Response:
    key = _external_key(ctx, req["KeyId"])
    _not_pending_deletion(key)
    symmetric = key.spec.symmetric
    if not symmetric:
        for member in ("ImportType", "KeyMaterialId"):
            if member in req:
                raise errors.SYMMETRIC_ONLY_PARAMETER(parameter=member[0].lower() + member[1:])
    params = _parameters(ctx, key, req["ImportToken"])
    model, valid_to = _expiry(ctx, req)
    try:
        material = wrapping.unwrap(
            params.wrapping_key, params.algorithm, req["EncryptedKeyMaterial"]
        )
    except wrapping.Unwrappable:
        raise errors.INVALID_CIPHERTEXT() from None

    def record(material_id: str) -> ImportedMaterial:
        return ImportedMaterial(
            material_id,
            material,
            ctx.now,
            None,
            True,
            model,
            valid_to,
            req.get("KeyMaterialDescription"),
        )

    if symmetric:
        if len(material) != KEY_BYTES:
            raise errors.SYMMETRIC_MATERIAL_SIZE()
        material_id = hashlib.sha256(key.key_id.encode() + material).hexdigest()
        if key.mr_set is not None and key.mr_set.primary is not key:
            imported = _import_into_replica(key, req, material_id, record)
        else:
            imported = _import_symmetric(key, req, material_id, record)
    else:
        private = _check_asymmetric_material(key, material)
        existing = key.materials[0] if key.materials else None
        if existing is not None and existing.id != hashlib.sha256(material).hexdigest():
            raise errors.NOT_THE_SAME_MATERIAL()
        imported = record(hashlib.sha256(material).hexdigest())
        key.materials[:] = [imported]
        key.private = private
    if key.state == PENDING_IMPORT and key.all_imported:
        key.state = ENABLED
    out: Response = {"KeyId": key.arn}
    if symmetric:
        out["KeyMaterialId"] = imported.id
    return out


def _import_symmetric(key: Key, req: Request, material_id: str, record: Any) -> ImportedMaterial:
    import_type = req.get(
        "ImportType", "EXISTING_KEY_MATERIAL" if key.materials else "NEW_KEY_MATERIAL"
    )
    given_id = req.get("KeyMaterialId")
    if import_type == "NEW_KEY_MATERIAL":
        if given_id is not None:
            raise errors.KEY_MATERIAL_ID_WITH_NEW_MATERIAL()
        if key.material(material_id) is not None or (
            key.pending_material is not None and key.pending_material.id == material_id
        ):
            raise errors.MATERIAL_NOT_NEW()
        new: ImportedMaterial = record(material_id)
        if not key.materials:
            key.materials.append(new)
            return new
        if key.pending_material is not None:
            raise errors.ANOTHER_MATERIAL_PENDING(
                material_id=material_id, key_arn=key.arn, pending_id=key.pending_material.id
            )
        key.pending_material = new
        return new
    # EXISTING_KEY_MATERIAL: the same material again (after deletion or expiry, or to change
    # its expiration).
    if given_id is not None and given_id != material_id:
        raise errors.NOT_THE_SAME_MATERIAL()
    slot = key.material(material_id)
    pending = key.pending_material
    if slot is None and pending is not None and pending.id == material_id:
        key.pending_material = record(material_id)
        return key.pending_material
    if not isinstance(slot, ImportedMaterial):
        raise errors.NOT_THE_SAME_MATERIAL()
    fresh: ImportedMaterial = record(material_id)
    fresh.created, fresh.rotation_type = slot.created, slot.rotation_type
    key.materials[key.materials.index(slot)] = fresh
    return fresh


def _import_into_replica(key: Key, req: Request, material_id: str, record: Any) -> ImportedMaterial:
    """A multi-Region replica takes only material its primary has (current, older or pending
    rotation): "Call ImportKeyMaterial on the replica Region key with the ImportType set to
    EXISTING_KEY_MATERIAL using the same key material imported to the primary Region key"
    (ImportKeyMaterial API reference). It then decrypts what its primary encrypted with it."""
    if req.get("ImportType") == "NEW_KEY_MATERIAL":
        raise errors.NEW_MATERIAL_INTO_REPLICA(key_arn=key.arn)
    given_id = req.get("KeyMaterialId")
    primary = key.mr_set.primary if key.mr_set is not None else key
    theirs = [*primary.materials, *filter(None, [primary.pending_material])]
    source = next((m for m in theirs if m.id == material_id), None)
    if source is None or (given_id is not None and given_id != material_id):
        raise errors.NOT_THE_SAME_MATERIAL()
    fresh: ImportedMaterial = record(material_id)
    fresh.created, fresh.rotation_type = source.created, source.rotation_type
    if source is primary.pending_material:
        key.pending_material = fresh
        return fresh
    # Kept in the primary's order, so the replica's current material is the primary's.
    order = {m.id: i for i, m in enumerate(primary.materials)}
    mine = [m for m in key.materials if m.id != material_id] + [fresh]
    key.materials[:] = sorted(mine, key=lambda m: order.get(m.id, len(order)))
    return fresh


@operation("DeleteImportedKeyMaterial")
def delete_imported_key_material(ctx: Context, req: Request) -> Response:
    key = _external_key(ctx, req["KeyId"])
    given_id = req.get("KeyMaterialId")
    if given_id is not None and not key.spec.symmetric:
        raise errors.SYMMETRIC_ONLY_PARAMETER(parameter="keyMaterialId")
    out: Response = {"KeyId": key.arn}
    pending = key.pending_material
    if given_id is not None and pending is not None and pending.id == given_id:
        key.pending_material = None  # staged material goes without touching the key's state
        out["KeyMaterialId"] = given_id
        return out
    target = key.material(given_id) if given_id is not None else key.current
    if given_id is not None and target is None:
        raise errors.KEY_MATERIAL_NOT_FOUND(material_id=given_id, key_arn=key.arn)
    if isinstance(target, ImportedMaterial) and target.imported:
        key.drop_imported(target)
    if target is not None and key.spec.symmetric:
        out["KeyMaterialId"] = target.id
    return out
