"""One interface over freezegun and time-machine, so time-driven tests run under both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import freezegun
import time_machine

TOOLS = ["freezegun", "time-machine"]


class Clock:
    def __init__(self, tool: str, handle: Any) -> None:
        self.tool = tool
        self._handle = handle

    def move_to(self, when: datetime) -> None:
        self._handle.move_to(when)

    def advance(self, delta: timedelta) -> None:
        if self.tool == "freezegun":
            self._handle.tick(delta)
        else:
            self._handle.shift(delta)


@contextmanager
def frozen(tool: str, start: datetime) -> Iterator[Clock]:
    """The clock stopped at ``start`` (aware UTC) until moved."""
    if tool == "freezegun":
        with freezegun.freeze_time(start) as handle:
            yield Clock(tool, handle)
    else:
        with time_machine.travel(start, tick=False) as handle:
            yield Clock(tool, handle)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
