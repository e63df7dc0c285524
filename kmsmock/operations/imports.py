"""Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

Keys created with ``Origin=EXTERNAL`` wait in PendingImport until material is imported. Imported
material can expire on the test's clock (``Key.advance`` drops it at ValidTo), be deleted and be
imported again. Symmetric keys can hold several materials: NEW_KEY_MATERIAL is staged
(PENDING_ROTATION) until RotateKeyOnDemand makes it current (kms-facts §1.5, §8.3 to 8.5).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .. import errors
from ..backend.key import ENABLED, PENDING_DELETION, PENDING_IMPORT, ImportedMaterial, Key
from ..crypto import asymmetric, wrapping
from .lookup import find_key
from .registry import Context, Request, Response, operation

PARAMETERS_VALID_FOR = timedelta(hours=24)
MAX_VALID_TO = timedelta(days=365)
_TOKEN_PREFIX = b"kmsmock-import:"
_NONCE = 16
# HMAC key material: at least the hash's size, at most its block size (Developer Guide,
# "Requirements for imported key material").
_HMAC_BYTES = {
    "HMAC_224": (28, 64),
    "HMAC_256": (32, 64),
    "HMAC_384": (48, 128),
    "HMAC_512": (64, 128),
}
_RSA_WRAPPING = {
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
}


@dataclass(slots=True)
class ImportParameters:
    key_id: str
    wrapping_key: Any
    algorithm: str
    valid_to: datetime


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
    wrapping_key = asymmetric.generate(spec)
    params = ImportParameters(key.key_id, wrapping_key, algorithm, ctx.now + PARAMETERS_VALID_FOR)
    store.import_parameters[token_id] = params
    token = _TOKEN_PREFIX + os.urandom(_NONCE) + token_id.encode()
    return {
        "KeyId": key.arn,
        "ImportToken": token,
        "PublicKey": asymmetric.public_der(wrapping_key),
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


def _check_asymmetric_material(key: Key, der: bytes) -> Any:
    """The private key ``der`` holds, if it is one of this key's spec."""
    spec = key.spec.name
    if spec in _HMAC_BYTES:
        low, high = _HMAC_BYTES[spec]
        if not low <= len(der) <= high:
            raise errors.HMAC_MATERIAL_SIZE(key_spec=spec, low=low, high=high)
        return asymmetric.load_private_der(spec, der)
    try:
        private = asymmetric.load_private_der(spec, der)
    except (ValueError, TypeError):
        raise errors.NOT_A_PRIVATE_KEY(key_spec=spec) from None
    if not _matches_spec(spec, private):
        raise errors.NOT_A_PRIVATE_KEY(key_spec=spec)
    return private


def _matches_spec(spec: str, private: Any) -> bool:
    if spec.startswith("RSA_"):
        return isinstance(private, rsa.RSAPrivateKey) and private.key_size == int(spec[4:])
    if spec.startswith("ECC_") and spec != "ECC_NIST_EDWARDS25519":
        return isinstance(
            private, ec.EllipticCurvePrivateKey
        ) and private.curve.name == _CURVE_NAMES.get(spec)
    if spec == "ECC_NIST_EDWARDS25519":
        return isinstance(private, ed25519.Ed25519PrivateKey)
    return True  # ML-DSA, ML-KEM, SM2: the loader already checked the algorithm


_CURVE_NAMES = {
    "ECC_NIST_P256": "secp256r1",
    "ECC_NIST_P384": "secp384r1",
    "ECC_NIST_P521": "secp521r1",
    "ECC_SECG_P256K1": "secp256k1",
}


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
        if len(material) != 32:
            raise errors.SYMMETRIC_MATERIAL_SIZE()
        material_id = hashlib.sha256(key.key_id.encode() + material).hexdigest()
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
