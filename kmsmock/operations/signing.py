"""Asymmetric signing: Sign, Verify, GetPublicKey.

Check order (floci's tests, which its maintainers state were measured against real KMS in
us-east-1 — kmsmock-research items 19, 20 and "Extra facts"):
1. the key's usage (``InvalidKeyUsageException ... key usage is X which is not valid for Sign.``)
   comes first, even before the key state: a disabled or pending-deletion HMAC key asked to Sign
   answers with the usage error, not DisabledException;
2. then the key state (DisabledException / KMSInvalidStateException);
3. then the algorithm against the key spec (``Algorithm X is incompatible with key spec Y.``);
4. then the message type against the algorithm or key spec, then the digest length;
5. then DryRun, then the cryptography.
"""

from __future__ import annotations

from .. import errors
from ..backend.key import DISABLED, PENDING_DELETION, PENDING_IMPORT, Key
from ..backend.specs import ALGORITHM_FIELD, SIGN_VERIFY
from ..crypto.families.asymmetric import Message
from .lookup import find_key
from .registry import Context, Request, Response, operation
from .states import (
    dry_run,
    private_key,
    require_not_pending_deletion,
    require_usable,
    require_usage,
)


def _signing_request(ctx: Context, req: Request, operation_name: str) -> tuple[Key, str, str]:
    """The key, algorithm and message type of a Sign or Verify request, all checks passed."""
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, SIGN_VERIFY, operation_name)
    require_usable(key)
    spec = key.spec.name
    algorithm = req["SigningAlgorithm"]
    if algorithm not in key.spec.usages[SIGN_VERIFY]:
        raise errors.ALGORITHM_INCOMPATIBLE(algorithm=algorithm, key_spec=spec)
    message_type = req.get("MessageType", "RAW")
    message: bytes = req["Message"]
    family = key.spec.family
    required = family.required_message_type(algorithm)
    if required is not None and message_type != required:
        raise errors.MESSAGE_TYPE_FOR_ALGORITHM(message_type=message_type, algorithm=algorithm)
    expected = family.prehashed_bytes(algorithm, message_type)
    if message_type == "DIGEST":
        if expected is None:  # ML-DSA has EXTERNAL_MU instead
            raise errors.DIGEST_FOR_KEY_SPEC(key_spec=spec)
        if len(message) != expected:
            raise errors.DIGEST_LENGTH(algorithm=algorithm)
    elif message_type == "EXTERNAL_MU":
        if expected is None:  # only ML-DSA takes an external mu
            raise errors.EXTERNAL_MU_FOR_KEY_SPEC(key_spec=spec)
        if len(message) != expected:
            raise errors.DIGEST_LENGTH(algorithm=algorithm)
    return key, algorithm, message_type


@operation("Sign")
def sign(ctx: Context, req: Request) -> Response:
    key, algorithm, message_type = _signing_request(ctx, req, "Sign")
    dry_run(req)
    message = Message(algorithm, message_type, req["Message"])
    signature = key.spec.family.sign(private_key(key), message)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}


@operation("Verify")
def verify(ctx: Context, req: Request) -> Response:
    key, algorithm, message_type = _signing_request(ctx, req, "Verify")
    dry_run(req)
    message = Message(algorithm, message_type, req["Message"])
    valid = key.spec.family.verify(private_key(key), message, req["Signature"])
    if not valid:
        raise errors.INVALID_SIGNATURE()
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


# GetPublicKey on a Disabled key: the 2023 Developer Guide's key-state table lists it as failing
# with DisabledException, but floci's test ``getPublicKeyWorksOnADisabledKey`` records real KMS
# (us-east-1) returning the key, and a public key is no secret that disabling protects. kmsmock
# follows the recorded behaviour; flip this to False to follow the 2023 table instead.
PUBLIC_KEY_OF_DISABLED_KEY = True


@operation("GetPublicKey")
def get_public_key(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"], aliases=True)
    # The key state is checked before the key spec (floci, measured): a symmetric key pending
    # import says "is pending import.", not UnsupportedOperationException.
    if key.state == DISABLED and not PUBLIC_KEY_OF_DISABLED_KEY:
        require_usable(key)
    elif key.state == PENDING_DELETION:
        require_not_pending_deletion(key)
    elif key.state == PENDING_IMPORT:
        raise errors.PENDING_IMPORT(key_arn=key.arn)
    elif key.state != DISABLED:
        require_usable(key)
    if not key.spec.asymmetric:
        raise errors.PUBLIC_KEY_OF_SYMMETRIC_KEY()
    out: Response = {
        "KeyId": key.arn,
        "PublicKey": key.spec.family.public_der(private_key(key)),
        "CustomerMasterKeySpec": key.spec.name,
        "KeySpec": key.spec.name,
        "KeyUsage": key.usage,
    }
    out[ALGORITHM_FIELD[key.usage]] = list(key.spec.usages[key.usage])
    return out
