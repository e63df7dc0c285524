"""The only place kmsmock reads the time.

Read on every request and never cached, so freezegun and time-machine drive rotations, deletion
windows and expirations. Aware UTC wall-clock time: never monotonic (freezegun freezes it and
time-machine does not), never a naive ``datetime.now()`` (UTC under one, local under the other).
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)
