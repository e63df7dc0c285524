"""A fresh, empty KMS for every test: the most common setup.

The fixture starts kmsmock before the test and stops it after, so keys, aliases and tags made
by one test are never seen by the next. (The ``kms_client`` fixture that ships with kmsmock does
the same in ``us-east-1``; write your own like this one to choose the Region or add keys.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from kmsmock import mock_kms


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_kms():
        yield boto3.client("kms", region_name="eu-west-1")


@pytest.fixture
def key_id(kms: Any) -> str:
    """A symmetric encryption key with an alias, as an application would find it."""
    key_id: str = kms.create_key(Description="orders data key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    return key_id
