"""What the key-lifecycle tests share: the account, the stopped clock's start, new keys, states."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


REGION, ACCOUNT = "us-east-1", "123456789012"
ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}"
MISSING_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
START = datetime(2025, 6, 1, 9, 30, 15, 250000, tzinfo=timezone.utc)


def new_key(kms: KMSClient, **kwargs: Any) -> dict[str, Any]:
    return dict(kms.create_key(**kwargs)["KeyMetadata"])


def state(kms: KMSClient, key_id: str) -> str:
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])
