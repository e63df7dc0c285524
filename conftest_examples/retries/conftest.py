"""Retry tests: make KMS throttle, and check your client copes, under standard and adaptive
retry modes, without waiting for the backoff.

``kms_mock.fail_next(...)`` queues failures that botocore's own retry handler sees, exactly as
it sees AWS's. ``retry_sleep = False`` keeps every retry decision and moves kmsmock's clock on by
each backoff instead of sleeping, so the test runs in milliseconds.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from kmsmock import KmsMock


@pytest.fixture
def fast_retries(kms_mock: KmsMock) -> KmsMock:
    kms_mock.retry_sleep = False
    return kms_mock


@pytest.fixture(params=["standard", "adaptive"])
def retrying_client(request: pytest.FixtureRequest, fast_retries: KmsMock) -> Any:
    config = Config(retries={"mode": request.param, "total_max_attempts": 3})
    return boto3.client("kms", region_name="us-east-1", config=config)
