"""Custom-key-store tests run on a stopped clock, beside the simulated clusters and proxies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kmsmock import KmsMock
from kmsmock.backend.keystore import CustomKeyStores
from tests.keystores.stores import START
from tests.timetravel import Clock, frozen


@pytest.fixture
def clock() -> Iterator[Clock]:
    with frozen("time-machine", START) as c:
        yield c


@pytest.fixture
def world(kms_mock: KmsMock) -> CustomKeyStores:
    """The custom key stores of the default account in us-east-1, and their backing world."""
    return kms_mock.backend.store("123456789012", "us-east-1").custom_key_stores
