"""moto for S3, kmsmock for KMS, in the same test.

kmsmock answers every KMS call before moto would see it and leaves every other service alone,
so the two compose in either order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from kmsmock import mock_kms


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws(), mock_kms():
        yield


@pytest.fixture
def s3(aws: None) -> Any:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="documents")
    return client


@pytest.fixture
def kms(aws: None) -> Any:
    return boto3.client("kms", region_name="us-east-1")
