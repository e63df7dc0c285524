"""Clients in three Regions of one account on a stopped clock, for the multi-Region tests."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tests.helpers import new_client
from tests.timetravel import Clock, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

DAY = timedelta(days=1)
START = utc(2024, 1, 1)
HOME, EU, AP = "us-east-1", "eu-west-1", "ap-southeast-2"


def arn(region: str, key_id: str) -> str:
    return f"arn:aws:kms:{region}:123456789012:key/{key_id}"


def not_primary(region: str, key_id: str) -> tuple[str, str]:
    """The refusal of what only a multi-Region primary key may do."""
    return (
        "UnsupportedOperationException",
        f"{arn(region, key_id)} is not a multi-region primary key.",
    )


class Env:
    """Clients in three Regions of one account, on a stopped clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.now = START
        self.kms: dict[str, KMSClient] = {r: new_client(r) for r in (HOME, EU, AP)}

    def travel(self, delta: timedelta) -> None:
        self.now += delta
        self.clock.move_to(self.now)

    def primary(self, **kwargs: Any) -> str:
        return str(self.kms[HOME].create_key(MultiRegion=True, **kwargs)["KeyMetadata"]["KeyId"])

    def replicate(self, key_id: str, region: str, **kwargs: Any) -> dict[str, Any]:
        out = dict(self.kms[HOME].replicate_key(KeyId=key_id, ReplicaRegion=region, **kwargs))
        out.pop("ResponseMetadata")
        return out

    def describe(self, region: str, key_id: str) -> dict[str, Any]:
        return dict(self.kms[region].describe_key(KeyId=key_id)["KeyMetadata"])

    def rotations(self, region: str, key_id: str) -> list[dict[str, Any]]:
        return list(
            self.kms[region].list_key_rotations(
                KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
            )["Rotations"]
        )
