"""What every key-store test does: describe a store, wait for it to connect, read key states."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.keystores.cloudhsm import HSM_DELAY
from tests.timetravel import Clock, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


START = utc(2024, 3, 1, 12)


def describe(kms: KMSClient, store_id: str) -> dict[str, Any]:
    return dict(kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0])


def state(kms: KMSClient, store_id: str) -> str:
    return str(describe(kms, store_id)["ConnectionState"])


def connected(kms: KMSClient, clock: Clock, store_id: str) -> str:
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    clock.advance(HSM_DELAY)
    assert state(kms, store_id) == "CONNECTED"
    return store_id


def key_state(kms: KMSClient, key_id: str) -> str:
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])


def must_be(store_id: str, condition: str, state: str = "CONNECTED") -> tuple[str, str]:
    """The refusal of a change that the store's connection state does not allow."""
    return (
        "CustomKeyStoreInvalidStateException",
        f"Custom key store {store_id} must be {condition}. Its connection state is {state}.",
    )


def only_for(parameter: str, store_type: str) -> tuple[str, str]:
    """The refusal of a parameter that belongs to the other kind of custom key store."""
    return (
        "ValidationException",
        f"{parameter} is valid only for custom key stores with a CustomKeyStoreType of "
        f"{store_type}.",
    )
