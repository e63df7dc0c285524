"""Key agreement: DeriveSharedSecret (ECDH with a KEY_AGREEMENT key and a peer's public key).

Check order as for Sign (see ``signing``): key usage (recorded: ``<arn> key usage is SIGN_VERIFY
which is not valid for DeriveSharedSecret.``), key state, then the peer public key (recorded: an
unparseable key answers ``ValidationException`` with an empty message), then DryRun.
"""

from __future__ import annotations

from .. import errors
from ..backend.specs import KEY_AGREEMENT
from ..crypto import asymmetric
from .common import dry_run, find_key, private_key, require_usable, require_usage
from .encryption import _reject_recipient
from .registry import Context, Request, Response, operation


@operation("DeriveSharedSecret")
def derive_shared_secret(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, KEY_AGREEMENT, "DeriveSharedSecret")
    require_usable(key)
    algorithm = req["KeyAgreementAlgorithm"]  # the model's enum has only ECDH
    _reject_recipient(req)
    private = private_key(key)
    try:
        secret = asymmetric.derive_shared_secret(key.spec.name, private, req["PublicKey"])
    except asymmetric.InvalidPeerKey as exc:
        raise errors.ValidationException(str(exc)) from None
    dry_run(req)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "KeyAgreementAlgorithm": algorithm,
        "KeyOrigin": key.origin,
    }
