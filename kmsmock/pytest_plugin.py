"""pytest fixtures, registered through the ``pytest11`` entry point.

Importing this module does nothing but define fixtures: no mock starts, nothing is patched and
botocore is not imported until a test asks for a fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock import KmsMock


@pytest.fixture
def kms_mock() -> Iterator[KmsMock]:
    """An active kmsmock for the duration of one test, starting from empty state."""
    with KmsMock() as mock:
        yield mock


@pytest.fixture
def kms_client(kms_mock: KmsMock) -> Any:
    """A boto3 KMS client in ``us-east-1`` served by ``kms_mock``."""
    import boto3

    return boto3.client("kms", region_name="us-east-1")
