"""The multi-Region tests' environment: three Regions, one account, a stopped clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kmsmock import mock_kms
from tests.multi_region.regions import START, Env
from tests.timetravel import TOOLS, frozen


@pytest.fixture
def env() -> Iterator[Env]:
    with frozen("time-machine", START) as clock, mock_kms():
        yield Env(clock)


@pytest.fixture(params=TOOLS)
def any_env(request: pytest.FixtureRequest) -> Iterator[Env]:
    """For behaviour driven by the clock: under freezegun and time-machine alike."""
    with frozen(request.param, START) as clock, mock_kms():
        yield Env(clock)
