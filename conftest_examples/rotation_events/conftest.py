"""Asserting a rotation event: the CloudTrail records and EventBridge events AWS would emit.

``mock.events`` holds them, each dated when it happened on the test's clock (here freezegun's),
not when the test looked. Freeze first, then start kmsmock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from kmsmock import KmsMock, mock_kms


@pytest.fixture
def clock() -> Iterator[Any]:
    with freeze_time("2024-01-01 09:00:00") as frozen:
        yield frozen


@pytest.fixture
def mock(clock: Any) -> Iterator[KmsMock]:
    with mock_kms() as active:
        yield active


@pytest.fixture
def kms(mock: KmsMock) -> Any:
    return boto3.client("kms", region_name="us-east-1")
