"""pytest fixtures, registered through the ``pytest11`` entry point.

Importing this module does nothing but define fixtures: no mock starts, nothing is patched and
botocore is not imported until a test asks for a fixture. Disable it with ``-p no:kmsmock``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock import KmsMock

CLIENT_REGION = "us-east-1"


@pytest.fixture
def kms_mock() -> Iterator[KmsMock]:
    """An active kmsmock for the duration of one test, starting from empty state."""
    with KmsMock() as mock:
        yield mock


@pytest.fixture
def kms_client(kms_mock: KmsMock) -> Any:
    """A KMS client in ``us-east-1`` served by ``kms_mock``: boto3's when boto3 is installed,
    otherwise botocore's (boto3 is not a dependency of kmsmock)."""
    try:
        import boto3
    except ImportError:
        from botocore.session import get_session

        return get_session().create_client("kms", region_name=CLIENT_REGION)
    return boto3.client("kms", region_name=CLIENT_REGION)
