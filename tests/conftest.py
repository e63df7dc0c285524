"""Shared settings for kmsmock's own test suite."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import new_client

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

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


@pytest.fixture
def clock() -> object:
    """The clock ``kms`` starts under: real time here; a module whose tests stop the clock
    overrides this fixture, and every ``kms`` of that module then runs on the stopped clock."""
    return None


@pytest.fixture
def kms(clock: object, kms_client: Any) -> KMSClient:
    """The plugin's ``kms_client`` (us-east-1, account 123456789012), typed, on ``clock``."""
    return kms_client


@pytest.fixture
def unchecked_kms(kms: KMSClient) -> KMSClient:
    """A client beside ``kms`` with botocore's parameter checks off, so kmsmock's checks answer."""
    return new_client(validate=False)


@pytest.fixture
def china_kms(kms: KMSClient) -> KMSClient:
    """A client beside ``kms`` in cn-north-1 (aws-cn), where SM2 keys are offered."""
    return new_client("cn-north-1")
