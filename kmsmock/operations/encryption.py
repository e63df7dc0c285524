"""Encryption: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom.

Symmetric keys seal with their current material (``crypto.envelope``); the blob names the
material, so decryption uses whichever version made it. RSA keys use RSA-OAEP, so data
encrypted outside KMS with the public key decrypts here too (given the KeyId, as on AWS).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..backend.key import Key, Material
from ..backend.specs import ENCRYPT_DECRYPT
from ..crypto import envelope
from .lookup import find_key
from .registry import CIPHERTEXT, Context, Request, Response, operation
from .states import dry_run, private_key, require_usable, require_usage

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
_DATA_KEY_BYTES = {"AES_128": 16, "AES_256": 32}


def _check_algorithm(key: Key, algorithm: str) -> None:
    if algorithm not in key.spec.usages.get(ENCRYPT_DECRYPT, []):
        raise errors.ALGORITHM_INCOMPATIBLE(algorithm=algorithm, key_spec=key.spec.name)


def _encrypting_key(ctx: Context, key_id: str, operation_name: str) -> Key:
    key = find_key(ctx, key_id, aliases=True)
    # Usage before state, as recorded from AWS: a disabled signing key asked to Encrypt
    # answers with the usage error.
    require_usage(key, ENCRYPT_DECRYPT, operation_name)
    require_usable(key)
    return key


def _seal(key: Key, plaintext: bytes, context: dict[str, str] | None) -> tuple[bytes, Material]:
    material = key.current
    assert material is not None  # an Enabled symmetric key always has material
    blob = envelope.seal(
        key.store.account, key.key_id, material.id, material.secret, plaintext, context
    )
    return blob, material


def _encrypt(
    key: Key, plaintext: bytes, context: dict[str, str] | None, algorithm: str
) -> tuple[bytes, Material | None]:
    _check_algorithm(key, algorithm)
    if key.spec.symmetric:
        return _seal(key, plaintext, context)
    if context:
        raise errors.CONTEXT_WITH_ASYMMETRIC_KEY()
    limit = key.spec.family.max_plaintext(key.spec, algorithm)
    if len(plaintext) > limit:
        raise errors.PLAINTEXT_TOO_LARGE(algorithm=algorithm, key_spec=key.spec.name, limit=limit)
    return key.spec.family.encrypt(private_key(key), algorithm, plaintext), None


@dataclass(slots=True)
class Opened:
    key: Key
    plaintext: bytes = field(repr=False)  # never printed
    algorithm: str
    material: Material | None


def _open(ctx: Context, req: Request, source: str, operation_name: str) -> Opened:
    """Decrypt the request's ciphertext for Decrypt (``source`` "") or the source half of
    ReEncrypt (``source`` "Source": SourceKeyId, SourceEncryptionContext, ...)."""
    blob = _ciphertext(req)
    key_id: str | None = req.get(f"{source}KeyId")
    context: dict[str, str] | None = req.get(f"{source}EncryptionContext")
    algorithm: str = req.get(f"{source}EncryptionAlgorithm", SYMMETRIC_DEFAULT)
    if algorithm != SYMMETRIC_DEFAULT:
        if key_id is None:
            raise errors.KEY_ID_REQUIRED_FOR_ALGORITHM(algorithm=algorithm)
        key = _encrypting_key(ctx, key_id, operation_name)
        _check_algorithm(key, algorithm)
        if context:
            raise errors.CONTEXT_WITH_ASYMMETRIC_KEY()
        try:
            plaintext = key.spec.family.decrypt(private_key(key), algorithm, blob)
        except ValueError:
            raise errors.INVALID_CIPHERTEXT() from None
        return Opened(key, plaintext, algorithm, None)

    named = find_key(ctx, key_id, aliases=True) if key_id is not None else None
    if named is not None and not named.spec.symmetric:
        if named.usage == ENCRYPT_DECRYPT:
            _check_algorithm(named, algorithm)  # an RSA key needs its RSAES algorithm named
        raise errors.INCORRECT_KEY()
    try:
        header = envelope.read_header(blob)
    except envelope.Undecryptable:
        raise errors.INVALID_CIPHERTEXT() from None
    store = ctx.backend.peek(header.account, ctx.region)
    owner = store.get(header.key_id, ctx.now)
    if owner is None:
        if header.key_id in store.deleted or _held_elsewhere(ctx, header.account, header.key_id):
            raise errors.CIPHERTEXT_KEY_UNAVAILABLE()  # deleted, or in another Region
        raise errors.INVALID_CIPHERTEXT()
    if named is not None and named is not owner:
        raise errors.INCORRECT_KEY()
    ctx.acting_on(owner)
    require_usable(owner)
    material = owner.material(header.material_id)
    if material is None:
        raise errors.INVALID_CIPHERTEXT()
    try:
        plaintext = envelope.open_sealed(header, blob, material.secret, context)
    except envelope.Undecryptable:
        raise errors.INVALID_CIPHERTEXT() from None
    return Opened(owner, plaintext, algorithm, material)


def _held_elsewhere(ctx: Context, account: str, key_id: str) -> bool:
    """Whether the key a ciphertext names lives (or lived) in another Region of its account."""
    return any(
        store.account == account and (key_id in store.keys or key_id in store.deleted)
        for store in ctx.backend.stores()
    )


@operation("Encrypt")
def encrypt(ctx: Context, req: Request) -> Response:
    key = _encrypting_key(ctx, req["KeyId"], "Encrypt")
    algorithm = req.get("EncryptionAlgorithm", SYMMETRIC_DEFAULT)
    _check_algorithm(key, algorithm)
    dry_run(req)
    blob, _ = _encrypt(key, req["Plaintext"], req.get("EncryptionContext"), algorithm)
    return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}


def _ciphertext(req: Request) -> bytes:
    blob: bytes | None = req.get("CiphertextBlob")
    if blob is None:
        raise errors.CIPHERTEXT_BLOB_NULL()
    return blob


def ciphertext_key(req: Mapping[str, Any]) -> str | None:
    """The key id a symmetric ciphertext names in its header (Decrypt's and ReEncrypt's
    ``CiphertextBlob``), or None: how a fault for a key finds a Decrypt that names no key."""
    blob = req.get("CiphertextBlob")
    if not isinstance(blob, bytes):
        return None
    try:
        return envelope.read_header(blob).key_id
    except envelope.Undecryptable:
        return None


@operation("Decrypt", key=CIPHERTEXT)
def decrypt(ctx: Context, req: Request) -> Response:
    if req.get("DryRun") and "IGNORE_CIPHERTEXT" in req.get("DryRunModifiers", []):
        if "KeyId" not in req:
            raise errors.KEY_ID_REQUIRED_TO_IGNORE_CIPHERTEXT()
        _encrypting_key(ctx, req["KeyId"], "Decrypt")
        dry_run(req)
    _reject_recipient(req)
    opened = _open(ctx, req, "", "Decrypt")
    dry_run(req)
    key = opened.key
    out: Response = {
        "KeyId": key.arn,
        "Plaintext": opened.plaintext,
        "EncryptionAlgorithm": opened.algorithm,
    }
    if opened.material is not None:
        out["KeyMaterialId"] = opened.material.id
    return out


@operation(
    "ReEncrypt",
    key=CIPHERTEXT,  # and DestinationKeyId, for kms:ReEncryptTo
    permissions=("kms:ReEncryptFrom", "kms:ReEncryptTo"),
)
def re_encrypt(ctx: Context, req: Request) -> Response:
    opened = _open(ctx, req, "Source", "ReEncrypt")
    ctx.permission = "kms:ReEncryptTo"  # the destination key is judged for this one
    dest = _encrypting_key(ctx, req["DestinationKeyId"], "ReEncrypt")
    algorithm = req.get("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT)
    _check_algorithm(dest, algorithm)
    dry_run(req)
    blob, material = _encrypt(
        dest, opened.plaintext, req.get("DestinationEncryptionContext"), algorithm
    )
    out: Response = {
        "CiphertextBlob": blob,
        "SourceKeyId": opened.key.arn,
        "KeyId": dest.arn,
        "SourceEncryptionAlgorithm": opened.algorithm,
        "DestinationEncryptionAlgorithm": algorithm,
    }
    if opened.material is not None:
        out["SourceKeyMaterialId"] = opened.material.id
    if material is not None:
        out["DestinationKeyMaterialId"] = material.id
    return out


def _data_key_length(req: Request) -> int:
    spec, count = req.get("KeySpec"), req.get("NumberOfBytes")
    if (spec is None) == (count is None):
        raise errors.DATA_KEY_SIZE()
    return _DATA_KEY_BYTES[spec] if spec is not None else int(count)  # type: ignore[arg-type]


def _symmetric_key(ctx: Context, key_id: str, operation_name: str) -> Key:
    key = _encrypting_key(ctx, key_id, operation_name)
    if not key.spec.symmetric:
        raise errors.ASYMMETRIC_DATA_KEY()
    return key


def _generate_data_key(ctx: Context, req: Request, operation_name: str) -> tuple[Response, bytes]:
    length = _data_key_length(req)
    key = _symmetric_key(ctx, req["KeyId"], operation_name)
    dry_run(req)
    plaintext = os.urandom(length)
    blob, material = _seal(key, plaintext, req.get("EncryptionContext"))
    return {"CiphertextBlob": blob, "KeyId": key.arn, "KeyMaterialId": material.id}, plaintext


# A generator makes the answer and the secret for the operation it is named.
Generator = Callable[[Context, Request, str], tuple[Response, bytes]]


def with_and_without_plaintext(name: str, plaintext_member: str, generate: Generator) -> None:
    """Register ``name``, whose answer carries the secret in ``plaintext_member``, and
    ``name``WithoutPlaintext, whose answer leaves it out, over one generator."""

    @operation(name)
    def with_plaintext(ctx: Context, req: Request) -> Response:
        _reject_recipient(req)
        out, plaintext = generate(ctx, req, name)
        out[plaintext_member] = plaintext
        return out

    @operation(name + "WithoutPlaintext")
    def without_plaintext(ctx: Context, req: Request) -> Response:
        return generate(ctx, req, name + "WithoutPlaintext")[0]


with_and_without_plaintext("GenerateDataKey", "Plaintext", _generate_data_key)


@operation("GenerateRandom", resource="*")
def generate_random(ctx: Context, req: Request) -> Response:
    if "NumberOfBytes" not in req:
        raise errors.NUMBER_OF_BYTES_REQUIRED()
    if "CustomKeyStoreId" in req:  # generated in the CloudHSM cluster: it must be connected
        from .keystores import require_random_source  # the custom key stores' family

        require_random_source(ctx, req["CustomKeyStoreId"])
    _reject_recipient(req)
    return {"Plaintext": os.urandom(req["NumberOfBytes"])}


def _reject_recipient(req: Request) -> None:
    """Nitro Enclaves attestation is not emulated: say so instead of answering wrongly."""
    if "Recipient" in req:
        raise errors.RECIPIENT_NOT_IMPLEMENTED()
