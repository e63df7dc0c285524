"""Every answered request, journaled for the CloudTrail view (``kmsmock.events``).

``recorded`` wraps ``dispatch``: a call is journaled when it ends, with its response or its AWS
error, the caller and the keys it acted on. CloudTrail logs ``responseElements`` as null for
read-only calls (everything that reads or uses a key: Describe*, Get*, List* and the
cryptographic operations), so only other calls keep their response.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .. import errors
from ..backend.journal import ApiCall
from .registry import Context, Request, Response

Dispatch = Callable[[Context, Any, Request], Response]

# Read-only beyond the Describe/Get/List prefixes: the calls that use a key without changing it
# (CloudTrail's "readOnly": true in the KMS developer guide's Encrypt, Decrypt, ... examples).
_READ_ONLY = frozenset(
    {
        "Decrypt",
        "DeriveSharedSecret",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "ReEncrypt",
        "Sign",
        "Verify",
        "VerifyMac",
    }
)


@functools.cache
def read_only(operation: str) -> bool:
    return operation in _READ_ONLY or operation.startswith(("Describe", "Get", "List"))


def recorded(run: Dispatch) -> Dispatch:
    """``run`` (the dispatcher), with each call it answers journaled."""

    @functools.wraps(run)
    def dispatch(ctx: Context, service_model: Any, request: Request) -> Response:
        try:
            response = run(ctx, service_model, request)
        except errors.KMSError as error:
            _journal(ctx, request, None, (error.code, error.message))
            raise
        _journal(ctx, request, None if read_only(ctx.operation) else response, None)
        return response

    return dispatch


def _journal(
    ctx: Context, request: Request, response: Response | None, error: tuple[str, str] | None
) -> None:
    journal = ctx.backend.journal
    if journal.limit:
        journal.add(
            ApiCall(
                ctx.operation,
                ctx.now,
                ctx.account,
                ctx.region,
                ctx.request_id,
                request,
                response,
                error,
                ctx.signer,
                _keys(ctx, response),
            )
        )


def _keys(ctx: Context, response: Response | None) -> tuple[str, ...]:
    """The keys a call acted on as ``ApiCall.keys`` holds them. CreateKey and ReplicateKey act
    on the key they make, which no lookup recorded: it is in their answer."""
    if ctx.keys:
        return tuple(part for key in ctx.keys for part in (key.store.arn_prefix, key.key_id))
    metadata = (response or {}).get("KeyMetadata") or (response or {}).get("ReplicaKeyMetadata")
    if not metadata:
        return ()
    prefix, _, key_id = metadata["Arn"].rpartition("key/")
    return (prefix, key_id)
