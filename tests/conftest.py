"""Shared settings for kmsmock's own test suite."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Bounded by default so CI stays fast; `HYPOTHESIS_PROFILE=long` for a deeper run on demand.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown() -> None:
    """Lift pytest-socket's guard once every fixture is torn down. A fixture that saved the
    guarded ``socket`` functions and puts them back (a monkeypatch, say) is torn down after
    pytest-socket's own teardown, and would leave the guard to the next test, where
    ``allow_hosts`` alone does not lift it; each test's setup applies the guard afresh."""
    from pytest_socket import enable_socket

    enable_socket()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``slow`` tests (a million calls, ...) run only on demand: ``-m slow``."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run on demand with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
