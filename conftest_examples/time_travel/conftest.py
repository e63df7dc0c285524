"""Time travel: freeze the clock, then move it to watch rotation and deletion windows happen.

kmsmock reads the time on every request, so freezegun (used here) and time-machine both drive
it. Freeze first, then start kmsmock, so keys are created at the frozen instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from kmsmock import mock_kms


@pytest.fixture
def clock() -> Iterator[Any]:
    with freeze_time("2025-01-01 09:00:00") as frozen:
        yield frozen


@pytest.fixture
def kms(clock: Any) -> Iterator[Any]:
    with mock_kms():
        yield boto3.client("kms", region_name="us-east-1")
