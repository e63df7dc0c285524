"""The local endpoint's clock control: move one backend's time from outside the process.

For the AWS CLI and other non-Python clients, which cannot use freezegun or time-machine::

    GET  /_kmsmock/clock                                     -> the clock's state
    POST /_kmsmock/clock  {"advance_seconds": 8640000}       move by N seconds (N < 0: back)
    POST /_kmsmock/clock  {"set": "2030-01-01T00:00:00Z"}    jump to an instant (zone required)
    POST /_kmsmock/clock  {"reset": true}                    back to the process's own clock

Every answer but an error is the state ``{"now": "2030-01-01T00:00:00Z", "offset_seconds":
N}``; an error is ``400 {"message": "..."}``, and ``403`` when the server's clock control is
off. The time is kept as an offset on the backend
(``Backend.clock_offset``) and added to every reading of ``clock.now()``, so the clock keeps
running from where it was put and freezegun or time-machine still drive it underneath.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any

from . import clock
from .backend.store import Backend

PATH = "/_kmsmock/clock"
CONTENT_TYPE = "application/json"

Answer = tuple[int, dict[str, str], bytes]


class _BadRequest(ValueError):
    pass


def _json(status: int, document: dict[str, Any]) -> Answer:
    body = json.dumps(document).encode()
    return status, {"Content-Type": CONTENT_TYPE, "Content-Length": str(len(body))}, body


def _iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def refused(reason: str) -> Answer:
    return _json(403, {"message": f"kmsmock clock control: {reason}"})


def state(backend: Backend) -> Answer:
    """The backend's clock: its current time and how far it is from the process's clock."""
    with backend.lock:
        offset = backend.clock_offset
        now = clock.now() + offset
    return _json(200, {"now": _iso(now), "offset_seconds": offset.total_seconds()})


def _instant(text: Any) -> datetime:
    if not isinstance(text, str):
        raise _BadRequest('"set" takes an ISO 8601 timestamp string')
    try:
        # Python 3.10's fromisoformat does not read a trailing "Z"
        instant = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise _BadRequest(f'"set" is not an ISO 8601 timestamp: {text!r}') from None
    if instant.tzinfo is None:
        raise _BadRequest(f'"set" needs a time zone ("Z" for UTC): {text!r}')
    return instant


def _seconds(value: Any) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _BadRequest('"advance_seconds" takes a number of seconds')
    try:
        return timedelta(seconds=value)
    except OverflowError:
        raise _BadRequest(f'"advance_seconds" is out of range: {value!r}') from None


def _new_offset(backend: Backend, request: dict[str, Any]) -> timedelta:
    if len(request) != 1 or next(iter(request)) not in ("advance_seconds", "set", "reset"):
        raise _BadRequest(
            'send exactly one of {"advance_seconds": N}, {"set": "<ISO 8601>"}, {"reset": true}'
        )
    [(action, value)] = request.items()
    if action == "reset":
        if value is not True:
            raise _BadRequest('"reset" takes true')
        return timedelta(0)
    if action == "set":
        return _instant(value) - clock.now()
    offset = backend.clock_offset + _seconds(value)
    try:
        clock.now() + offset  # refused now rather than failing every later request
    except OverflowError:
        raise _BadRequest(f'"advance_seconds" is out of range: {value!r}') from None
    return offset


def move(backend: Backend, body: bytes) -> Answer:
    """Apply one POST to the backend's clock; the new state, or a 400 saying what was wrong."""
    try:
        try:
            request = json.loads(body or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            raise _BadRequest("the body is not JSON") from None
        if not isinstance(request, dict):
            raise _BadRequest("the body is not a JSON object")
        with backend.lock:  # the move lands between requests, never inside one
            backend.clock_offset = _new_offset(backend, request)
    except _BadRequest as error:
        return _json(400, {"message": f"kmsmock clock control: {error}"})
    return state(backend)
