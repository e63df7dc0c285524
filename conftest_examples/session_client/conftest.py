"""One mock and one client for the whole test session.

Useful when setup is expensive (many keys, imported material) and the tests only read. The
price: state is shared, so a test that changes something changes it for every later test, and
no other activation in the session starts from empty state (activations nest). Keep session-wide
mocks in a directory of their own, as here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from kmsmock import mock_kms


@pytest.fixture(scope="session")
def kms() -> Iterator[Any]:
    with mock_kms():
        yield boto3.client("kms", region_name="us-east-1")


@pytest.fixture(scope="session")
def signing_key_id(kms: Any) -> str:
    key_id: str = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
        "KeyId"
    ]
    kms.create_alias(AliasName="alias/release-signing", TargetKeyId=key_id)
    return key_id
