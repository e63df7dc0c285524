"""UpdateCustomKeyStore and DeleteCustomKeyStore."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from kmsmock.backend.keystore import Cluster, CustomKeyStores, Proxy
from tests.helpers import refusal
from tests.keystores.cloudhsm import CLUSTER, OTHER_CLUSTER, PASSWORD, hsm_key, hsm_store
from tests.keystores.stores import connected, describe, must_be, only_for
from tests.keystores.xks import CREDENTIAL, ENDPOINT, PATH, VPC_SERVICE, xks_store
from tests.timetravel import Clock

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

# -- updating and deleting ------------------------------------------------------------------------


def update_refusal(kms: KMSClient, store_id: str, **change: Any) -> tuple[str, str]:
    """The refusal of UpdateCustomKeyStore making ``change`` to the store."""
    return refusal(kms.update_custom_key_store, CustomKeyStoreId=store_id, **change)


class TestUpdate:
    def test_cloudhsm_store_name_changes_while_connected(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed")
        assert describe(kms, store_id)["CustomKeyStoreName"] == "renamed"
        for change in ({"KeyStorePassword": "new-password"}, {"CloudHsmClusterId": OTHER_CLUSTER}):
            assert update_refusal(kms, store_id, **change) == must_be(
                store_id, f"DISCONNECTED to update {next(iter(change))}"
            )

    def test_no_update_while_connecting(self, kms: KMSClient) -> None:
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert update_refusal(kms, store_id, NewCustomKeyStoreName="x") == must_be(
            store_id, "CONNECTED or DISCONNECTED to be updated", "CONNECTING"
        )

    def test_names_stay_unique(self, kms: KMSClient) -> None:
        hsm = hsm_store(kms)
        xks_store(kms)
        kms.update_custom_key_store(CustomKeyStoreId=hsm, NewCustomKeyStoreName="hsm")  # itself
        assert update_refusal(kms, hsm, NewCustomKeyStoreName="xks") == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name xks is already in use in this account and Region.",
        )

    def test_cloudhsm_cluster_must_be_related(self, kms: KMSClient, world: CustomKeyStores) -> None:
        world.clusters[CLUSTER] = Cluster(backup_family="prod")
        store_id = hsm_store(kms)
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="test")
        assert update_refusal(kms, store_id, CloudHsmClusterId=OTHER_CLUSTER) == (
            "CloudHsmClusterNotRelatedException",
            f"The CloudHSM cluster {OTHER_CLUSTER} does not share a backup history with the "
            f"CloudHSM cluster {CLUSTER}.",
        )
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="prod")  # restored from a backup
        kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=OTHER_CLUSTER)
        assert describe(kms, store_id)["CloudHsmClusterId"] == OTHER_CLUSTER

    def test_parameters_of_the_other_kind(self, kms: KMSClient) -> None:
        hsm, xks = hsm_store(kms), xks_store(kms)
        assert update_refusal(kms, hsm, XksProxyUriPath="/kms/xks/v2") == only_for(
            "XksProxyUriPath", "EXTERNAL_KEY_STORE"
        )
        assert update_refusal(kms, xks, KeyStorePassword=PASSWORD) == only_for(
            "KeyStorePassword", "AWS_CLOUDHSM"
        )

    def test_external_store_path_and_credential_change_while_connected(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        new_credential = {"AccessKeyId": "NEWKEYIDNEWKEYIDNEWKEY", "RawSecretAccessKey": "z" * 43}
        kms.update_custom_key_store(
            CustomKeyStoreId=store_id,
            XksProxyUriPath="/kms/xks/v2",
            XksProxyAuthenticationCredential=new_credential,
        )
        config = describe(kms, store_id)["XksProxyConfiguration"]
        assert (config["UriPath"], config["AccessKeyId"]) == (
            "/kms/xks/v2",
            "NEWKEYIDNEWKEYIDNEWKEY",
        )
        assert update_refusal(
            kms,
            store_id,
            XksProxyUriEndpoint="https://elsewhere.example.com",
        ) == must_be(store_id, "DISCONNECTED to update XksProxyUriEndpoint")

    def test_external_store_connectivity_change(self, kms: KMSClient) -> None:
        store_id = xks_store(kms)
        assert update_refusal(
            kms,
            store_id,
            XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
            XksProxyVpcEndpointServiceName=VPC_SERVICE,
        ) == (
            "ValidationException",
            "XksProxyUriEndpoint must be changed when XksProxyConnectivity changes to "
            "VPC_ENDPOINT_SERVICE.",
        )
        assert update_refusal(
            kms,
            store_id,
            XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
            XksProxyUriEndpoint="https://private.example.com",
        ) == (
            "ValidationException",
            "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
            "VPC_ENDPOINT_SERVICE.",
        )
        kms.update_custom_key_store(
            CustomKeyStoreId=store_id,
            XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
            XksProxyUriEndpoint="https://private.example.com",
            XksProxyVpcEndpointServiceName=VPC_SERVICE,
        )
        assert describe(kms, store_id)["XksProxyConfiguration"] == {
            "Connectivity": "VPC_ENDPOINT_SERVICE",
            "AccessKeyId": CREDENTIAL["AccessKeyId"],
            "UriEndpoint": "https://private.example.com",
            "UriPath": PATH,
            "VpcEndpointServiceName": VPC_SERVICE,
            "VpcEndpointServiceOwner": "123456789012",
        }
        kms.update_custom_key_store(
            CustomKeyStoreId=store_id,
            XksProxyConnectivity="PUBLIC_ENDPOINT",
            XksProxyUriEndpoint=ENDPOINT,
        )
        assert "VpcEndpointServiceName" not in describe(kms, store_id)["XksProxyConfiguration"]

    def test_external_store_update_keeps_uris_unique_and_checks_the_proxy(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        first = xks_store(kms)
        second = xks_store(kms, "second", path="/kms/xks/v1")
        assert update_refusal(kms, second, XksProxyUriPath=PATH) == (
            "XksProxyUriInUseException",
            f"The external key store proxy URI {ENDPOINT}{PATH} is already associated with "
            f"custom key store {first}.",
        )
        world.proxies["https://down.example.com"] = Proxy(reachable=False)
        assert update_refusal(
            kms,
            second,
            XksProxyUriEndpoint="https://down.example.com",
        ) == (
            "XksProxyUriUnreachableException",
            "KMS cannot reach the external key store proxy at https://down.example.com/kms/xks/v1.",
        )
        assert describe(kms, second)["XksProxyConfiguration"]["UriEndpoint"] == ENDPOINT


class TestDelete:
    def test_only_a_disconnected_store_without_keys(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        key = hsm_key(kms, store_id)
        assert refusal(kms.delete_custom_key_store, CustomKeyStoreId=store_id) == must_be(
            store_id, "DISCONNECTED to be deleted"
        )
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        # a key pending deletion is still a key
        assert refusal(kms.delete_custom_key_store, CustomKeyStoreId=store_id) == (
            "CustomKeyStoreHasCMKsException",
            f"Custom key store {store_id} contains KMS keys. Delete them (ScheduleKeyDeletion) "
            "before deleting the custom key store.",
        )
        clock.advance(timedelta(days=7))
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
        assert kms.describe_custom_key_stores()["CustomKeyStores"] == []
        assert (
            refusal(kms.delete_custom_key_store, CustomKeyStoreId=store_id)[0]
            == "CustomKeyStoreNotFoundException"
        )
        hsm_store(kms)  # the cluster and the name are free again
