"""Key-lifecycle tests run on a stopped clock (time-machine), moved by the tests that need it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import time_machine

from tests.keys.lifecycle import START

if TYPE_CHECKING:
    pass


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as clock:
        yield clock
