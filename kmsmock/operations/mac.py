"""HMAC keys: GenerateMac, VerifyMac (RFC 2104 HMAC with the key's secret).

Check order as for Sign (see ``signing``): key usage, then key state, then the MAC algorithm
against the key spec, then DryRun. Recorded from AWS: ``<arn> key usage is ENCRYPT_DECRYPT which
is not valid for GenerateMac.``, ``Algorithm HMAC_SHA_256 is incompatible with key spec
HMAC_224.``, and VerifyMac of a wrong MAC answers ``KMSInvalidMacException`` with no message.
"""

from __future__ import annotations

from .. import errors
from ..backend.key import Key
from ..backend.specs import GENERATE_VERIFY_MAC
from .lookup import find_key
from .registry import Context, Request, Response, operation
from .states import dry_run, private_key, require_usable, require_usage


def _mac_key(ctx: Context, req: Request, operation_name: str) -> tuple[Key, str]:
    key = find_key(ctx, req["KeyId"], aliases=True)
    require_usage(key, GENERATE_VERIFY_MAC, operation_name)
    require_usable(key)
    algorithm = req["MacAlgorithm"]
    if algorithm not in key.spec.usages[GENERATE_VERIFY_MAC]:
        raise errors.ALGORITHM_INCOMPATIBLE(algorithm=algorithm, key_spec=key.spec.name)
    dry_run(req)
    return key, algorithm


@operation("GenerateMac")
def generate_mac(ctx: Context, req: Request) -> Response:
    key, algorithm = _mac_key(ctx, req, "GenerateMac")
    tag = key.spec.family.mac(private_key(key), algorithm, req["Message"])
    return {"Mac": tag, "MacAlgorithm": algorithm, "KeyId": key.arn}


@operation("VerifyMac")
def verify_mac(ctx: Context, req: Request) -> Response:
    key, algorithm = _mac_key(ctx, req, "VerifyMac")
    if not key.spec.family.verify_mac(private_key(key), algorithm, req["Message"], req["Mac"]):
        raise errors.INVALID_MAC()
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": algorithm}
