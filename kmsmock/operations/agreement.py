"""Shared secrets: DeriveSharedSecret (ECDH with a KEY_AGREEMENT key and a peer's public key),
Encapsulate and Decapsulate (ML-KEM, FIPS 203).

Check order as for Sign (see ``signing``): key usage (recorded: ``<arn> key usage is SIGN_VERIFY
which is not valid for DeriveSharedSecret.``), key state, then the peer public key (recorded: an
unparseable key answers ``ValidationException`` with an empty message), then DryRun.
"""

from __future__ import annotations

from .. import errors
from ..backend.key import Key
from ..backend.specs import ENCAPSULATE_DECAPSULATE, KEY_AGREEMENT
from .encryption import _reject_recipient
from .lookup import find_key
from .registry import Context, Request, Response, operation
from .states import dry_run, private_key, require_usable, require_usage


@operation("DeriveSharedSecret")
def derive_shared_secret(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, KEY_AGREEMENT, "DeriveSharedSecret")
    require_usable(key)
    algorithm = req["KeyAgreementAlgorithm"]  # the model's enum has only ECDH
    _reject_recipient(req)
    private = private_key(key)
    secret = key.spec.family.derive(key.spec, private, req["PublicKey"])
    dry_run(req)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "KeyAgreementAlgorithm": algorithm,
        "KeyOrigin": key.origin,
    }


# -- ML-KEM: Encapsulate, Decapsulate -------------------------------------------------------------
# Same check order as DeriveSharedSecret. Decapsulate: "returns an InvalidCiphertextException
# when the length of the SharedSecretCiphertextBlob is inconsistent with the ML-KEM key spec. In
# all other cases, Decapsulate returns a 32-byte pseudo-random value" (implicit rejection).


def _ml_kem_key(ctx: Context, req: Request, operation_name: str) -> Key:
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, ENCAPSULATE_DECAPSULATE, operation_name)
    require_usable(key)
    return key


@operation("Encapsulate")
def encapsulate(ctx: Context, req: Request) -> Response:
    key = _ml_kem_key(ctx, req, "Encapsulate")
    dry_run(req)
    secret, ciphertext = key.spec.family.encapsulate(private_key(key))
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "SharedSecretCiphertextBlob": ciphertext,
        "EncapsulationAlgorithm": req["EncapsulationAlgorithm"],
    }


@operation("Decapsulate")
def decapsulate(ctx: Context, req: Request) -> Response:
    key = _ml_kem_key(ctx, req, "Decapsulate")
    private = private_key(key)
    try:
        secret = key.spec.family.decapsulate(private, req["SharedSecretCiphertextBlob"])
    except ValueError:
        raise errors.INVALID_CIPHERTEXT() from None
    dry_run(req)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "EncapsulationAlgorithm": req["EncapsulationAlgorithm"],
    }
