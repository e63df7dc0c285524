"""One interface over freezegun and time-machine, so time-driven tests run under both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import freezegun
import time_machine
from hypothesis.stateful import RuleBasedStateMachine

from kmsmock import KmsMock

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


class MockedMachine(RuleBasedStateMachine):
    """A state machine run with kmsmock active and time-machine's clock stopped at ``start``;
    at teardown ``final_check`` runs once more, then both stop."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self.now = start
        self.traveller = time_machine.travel(start, tick=False)
        self.clock = self.traveller.start()
        self.mock = KmsMock().start()

    def final_check(self) -> None:
        """What must hold when the run ends (the machine's invariant, typically)."""

    def teardown(self) -> None:
        try:
            self.final_check()
        finally:
            self.mock.stop()
            self.traveller.stop()
