"""GetKeyLastUsage, and the recording of every successful cryptographic operation it reports.

Every tracked operation's response names the key(s) it used by ARN (``KeyId``, and
``SourceKeyId`` for ReEncrypt), so recording wraps those handlers here, once, rather than
touching each operation.
"""

from __future__ import annotations

import uuid

from .lookup import find_key
from .registry import Context, Handler, Request, Response, operation

# The model's KeyLastUsageTrackingOperation enum (tests/test_key_last_usage.py keeps it in step):
# successful cryptographic operations.
TRACKED = frozenset(
    {
        "Decrypt",
        "DeriveSharedSecret",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "ReEncrypt",
        "Sign",
        "Verify",
        "VerifyMac",
        "Encapsulate",
        "Decapsulate",
    }
)


def track(operations: dict[str, Handler]) -> None:
    """Wrap every tracked operation in ``operations`` so its success is recorded on its keys."""
    for name in TRACKED & operations.keys():
        operations[name] = _recording(name, operations[name])


def _recording(name: str, handler: Handler) -> Handler:
    def tracked(ctx: Context, req: Request) -> Response:
        out = handler(ctx, req)
        for field in ("SourceKeyId", "KeyId"):
            arn = out.get(field)
            if arn:
                _, _, _, region, account, resource = arn.split(":", 5)
                key = ctx.backend.peek(account, region).keys.get(resource[len("key/") :])
                if key is not None:
                    # The CloudTrail event id is made when first read, not on every call.
                    key.last_usage = (name, ctx.now, ctx.request_id, None)
        return out

    tracked.__wrapped__ = handler  # type: ignore[attr-defined]
    return tracked


@operation("GetKeyLastUsage")
def get_key_last_usage(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    # Tracking starts when the key is created: the mock has no history before that.
    out: Response = {
        "KeyId": key.key_id,
        "KeyCreationDate": key.created,
        "TrackingStartDate": key.created,
    }
    if key.last_usage is not None:
        op, when, request_id, event_id = key.last_usage
        if event_id is None:  # what CloudTrail would have logged the call as
            event_id = str(uuid.uuid4())
            key.last_usage = (op, when, request_id, event_id)
        out["KeyLastUsage"] = {
            "Operation": op,
            "Timestamp": when,
            "KmsRequestId": request_id,
            "CloudTrailEventId": event_id,
        }
    return out
