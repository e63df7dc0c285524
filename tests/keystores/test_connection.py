"""Connecting and disconnecting, on the test's clock."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from kmsmock import mock_kms
from kmsmock.backend.keystore import Cluster, CustomKeyStores, Proxy
from tests.helpers import new_client, refusal
from tests.keystores.cloudhsm import CLUSTER, HSM_DELAY, hsm_store
from tests.keystores.stores import START, connected, describe, state
from tests.keystores.xks import ENDPOINT, XKS_DELAY, xks_store
from tests.timetravel import TOOLS, Clock, frozen

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

# -- connection state on the clock ----------------------------------------------------------------


@pytest.mark.parametrize("tool", TOOLS)
def test_connecting_takes_time_on_the_test_clock(tool: str) -> None:
    with frozen(tool, START) as clock, mock_kms():
        kms = new_client()
        hsm, xks = hsm_store(kms), xks_store(kms)
        assert (state(kms, hsm), state(kms, xks)) == ("DISCONNECTED", "DISCONNECTED")
        kms.connect_custom_key_store(CustomKeyStoreId=hsm)
        kms.connect_custom_key_store(CustomKeyStoreId=xks)
        assert (state(kms, hsm), state(kms, xks)) == ("CONNECTING", "CONNECTING")
        clock.advance(XKS_DELAY - timedelta(seconds=1))
        assert (state(kms, hsm), state(kms, xks)) == ("CONNECTING", "CONNECTING")
        clock.advance(timedelta(seconds=1))
        assert (state(kms, hsm), state(kms, xks)) == ("CONNECTING", "CONNECTED")
        clock.advance(HSM_DELAY - XKS_DELAY - timedelta(seconds=1))
        assert state(kms, hsm) == "CONNECTING"
        clock.advance(timedelta(seconds=1))
        assert state(kms, hsm) == "CONNECTED"
        kms.disconnect_custom_key_store(CustomKeyStoreId=hsm)
        assert state(kms, hsm) == "DISCONNECTED"  # at once


class TestConnection:
    def test_connecting_again_changes_nothing(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        clock.advance(HSM_DELAY - timedelta(minutes=1))
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)  # the attempt is not restarted
        clock.advance(timedelta(minutes=1))
        assert state(kms, store_id) == "CONNECTED"
        assert kms.connect_custom_key_store(CustomKeyStoreId=store_id)["ResponseMetadata"]
        assert state(kms, store_id) == "CONNECTED"

    def test_disconnecting_a_disconnected_store(self, kms: KMSClient) -> None:
        store_id = hsm_store(kms)
        assert refusal(kms.disconnect_custom_key_store, CustomKeyStoreId=store_id) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} is already disconnected.",
        )

    def test_a_disconnect_cancels_a_connection_attempt(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        clock.advance(HSM_DELAY)
        assert state(kms, store_id) == "DISCONNECTED"

    def test_a_failed_connection(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores
    ) -> None:
        world.clusters[CLUSTER] = Cluster(kmsuser_password="rotated-elsewhere")
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert "ConnectionErrorCode" not in describe(kms, store_id)  # only once FAILED
        clock.advance(HSM_DELAY)
        entry = describe(kms, store_id)
        assert (entry["ConnectionState"], entry["ConnectionErrorCode"]) == (
            "FAILED",
            "INVALID_CREDENTIALS",
        )
        # a FAILED store is disconnected first
        assert refusal(kms.connect_custom_key_store, CustomKeyStoreId=store_id) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} cannot be connected while its connection state is "
            "FAILED. Disconnect it first.",
        )
        # The documented repair: disconnect, tell KMS the current password, connect again.
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert "ConnectionErrorCode" not in describe(kms, store_id)
        kms.update_custom_key_store(CustomKeyStoreId=store_id, KeyStorePassword="rotated-elsewhere")
        connected(kms, clock, store_id)

    @pytest.mark.parametrize(
        ("cluster", "code"),
        [
            (Cluster(exists=False), "CLUSTER_NOT_FOUND"),
            (Cluster(hsms=0), "INSUFFICIENT_CLOUDHSM_HSMS"),
            (Cluster(connect_error="USER_LOCKED_OUT"), "USER_LOCKED_OUT"),
        ],
    )
    def test_connection_error_codes_of_cloudhsm_stores(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores, cluster: Cluster, code: str
    ) -> None:
        store_id = hsm_store(kms)
        world.clusters[CLUSTER] = cluster  # the cluster changed after the store was created
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        clock.advance(HSM_DELAY)
        assert describe(kms, store_id)["ConnectionErrorCode"] == code

    def test_connecting_needs_an_active_cluster(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        store_id = hsm_store(kms)
        world.clusters[CLUSTER] = Cluster(active=False)
        assert refusal(kms.connect_custom_key_store, CustomKeyStoreId=store_id) == (
            "CloudHsmClusterNotActiveException",
            f"The CloudHSM cluster {CLUSTER} is not active.",
        )
        assert state(kms, store_id) == "DISCONNECTED"

    def test_external_store_rejected_credential(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores
    ) -> None:
        store_id = xks_store(kms)
        world.proxies[ENDPOINT] = Proxy(credential=("ZYXWVUTSRQPONMLKJIHG2345", "y" * 43))
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        clock.advance(XKS_DELAY)
        assert describe(kms, store_id)["ConnectionErrorCode"] == "INVALID_CREDENTIALS"

    def test_the_delay_is_configurable(self, kms: KMSClient, world: CustomKeyStores) -> None:
        world.connect_delay["AWS_CLOUDHSM"] = timedelta(0)
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert state(kms, store_id) == "CONNECTED"

    def test_unknown_store(self, kms: KMSClient) -> None:
        for call in (kms.connect_custom_key_store, kms.disconnect_custom_key_store):
            assert refusal(call, CustomKeyStoreId="cks-0000000000000000a") == (
                "CustomKeyStoreNotFoundException",
                "Custom key store cks-0000000000000000a does not exist.",
            )
