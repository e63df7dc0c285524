"""GetKeyLastUsage: the last successful tracked operation on a key.

The recording itself happens in ``dispatch``, for every operation the service model's
``KeyLastUsageTrackingOperation`` enum names, on the keys the request acted on.
"""

from __future__ import annotations

from ..backend.journal import event_id_for
from .lookup import find_key
from .registry import Context, Request, Response, operation


@operation("GetKeyLastUsage")
def get_key_last_usage(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    # Tracking starts when the key is created: the mock has no history before that.
    out: Response = {
        "KeyId": key.key_id,
        "KeyCreationDate": key.created,
        "TrackingStartDate": key.created,
    }
    used = key.last_usage
    if used is not None:
        if used.event_id is None:  # the eventID of the call's CloudTrail record
            used.event_id = event_id_for(used.request_id)
        out["KeyLastUsage"] = {
            "Operation": used.operation,
            "Timestamp": used.when,
            "KmsRequestId": used.request_id,
            "CloudTrailEventId": used.event_id,
        }
    return out
