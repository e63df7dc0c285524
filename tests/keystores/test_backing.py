"""What stores find behind them: CloudHSM clusters and external key store proxies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kmsmock.backend.keystore import Cluster, CustomKeyStores, Proxy
from tests.helpers import refusal
from tests.keystores.cloudhsm import CERT, CLUSTER, OTHER_CERT, OTHER_CLUSTER, PASSWORD, hsm_store
from tests.keystores.stores import describe
from tests.keystores.xks import ENDPOINT, PATH, VPC_SERVICE, XKS_DELAY, xks_store
from tests.timetravel import Clock

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class TestCloudHsmClusters:
    def test_a_cluster_serves_one_store(self, kms: KMSClient) -> None:
        first = hsm_store(kms)
        assert refusal(hsm_store, kms, "second") == (
            "CloudHsmClusterInUseException",
            f"The CloudHSM cluster {CLUSTER} is already associated with custom key store {first}.",
        )

    def test_clusters_sharing_a_backup_history_count_as_one(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.clusters[CLUSTER] = Cluster(backup_family="prod")
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="prod")
        first = hsm_store(kms)
        assert refusal(hsm_store, kms, "second", OTHER_CLUSTER) == (
            "CloudHsmClusterInUseException",
            f"The CloudHSM cluster {OTHER_CLUSTER} is already associated with custom key store "
            f"{first}.",
        )

    @pytest.mark.parametrize(
        ("cluster", "code", "message"),
        [
            (
                Cluster(exists=False),
                "CloudHsmClusterNotFoundException",
                f"KMS cannot find the CloudHSM cluster {CLUSTER}.",
            ),
            (
                Cluster(active=False),
                "CloudHsmClusterNotActiveException",
                f"The CloudHSM cluster {CLUSTER} is not active.",
            ),
            (
                Cluster(hsms=1),
                "CloudHsmClusterInvalidConfigurationException",
                f"The CloudHSM cluster {CLUSTER} must contain at least two active HSMs, each in "
                "a different Availability Zone.",
            ),
            (
                Cluster(trust_anchor=OTHER_CERT),
                "IncorrectTrustAnchorException",
                "The trust anchor certificate is not the trust anchor certificate of the "
                f"CloudHSM cluster {CLUSTER}.",
            ),
        ],
    )
    def test_what_kms_finds_in_the_cluster(
        self, kms: KMSClient, world: CustomKeyStores, cluster: Cluster, code: str, message: str
    ) -> None:
        world.clusters[CLUSTER] = cluster
        assert refusal(hsm_store, kms) == (code, message)
        assert kms.describe_custom_key_stores()["CustomKeyStores"] == []

    def test_the_cluster_own_certificate_is_accepted(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.clusters[CLUSTER] = Cluster(trust_anchor=CERT.replace("\n", "\r\n"))
        assert hsm_store(kms)  # the same certificate, whatever its line endings

    def test_trust_anchor_must_be_a_certificate(self, kms: KMSClient) -> None:
        assert refusal(
            kms.create_custom_key_store,
            CustomKeyStoreName="hsm",
            CloudHsmClusterId=CLUSTER,
            TrustAnchorCertificate="not a certificate",
            KeyStorePassword=PASSWORD,
        ) == (
            "IncorrectTrustAnchorException",
            "The trust anchor certificate is not a PEM-encoded X.509 certificate.",
        )


class TestExternalKeyStoreProxies:
    def test_uri_endpoint_and_path_together_are_unique(self, kms: KMSClient) -> None:
        first = xks_store(kms)
        assert refusal(xks_store, kms, "again") == (
            "XksProxyUriInUseException",
            f"The external key store proxy URI {ENDPOINT}{PATH} is already associated with "
            f"custom key store {first}.",
        )
        xks_store(kms, "other-path", path="/kms/xks/v1")  # same public endpoint, other path

    def test_a_vpc_endpoint_is_never_shared(self, kms: KMSClient) -> None:
        public = xks_store(kms)
        assert refusal(xks_store, kms, "vpc", path="/kms/xks/v1", vpc_service=VPC_SERVICE) == (
            "XksProxyUriEndpointInUseException",
            f"The XksProxyUriEndpoint {ENDPOINT} is already associated with custom key store "
            f"{public}.",
        )
        vpc = xks_store(kms, "vpc", endpoint="https://private.example.com", vpc_service=VPC_SERVICE)
        assert refusal(
            xks_store, kms, "vpc2", endpoint="https://private2.example.com", vpc_service=VPC_SERVICE
        ) == (
            "XksProxyVpcEndpointServiceInUseException",
            f"The VPC endpoint service {VPC_SERVICE} is already associated with custom key "
            f"store {vpc}.",
        )

    def test_a_public_proxy_is_checked_on_creation(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.proxies[ENDPOINT] = Proxy(reachable=False)
        assert refusal(xks_store, kms) == (
            "XksProxyUriUnreachableException",
            f"KMS cannot reach the external key store proxy at {ENDPOINT}{PATH}.",
        )
        world.proxies[ENDPOINT] = Proxy(credential=("ZYXWVUTSRQPONMLKJIHG2345", "x" * 43))
        assert refusal(xks_store, kms) == (
            "XksProxyIncorrectAuthenticationCredentialException",
            f"The external key store proxy at {ENDPOINT}{PATH} rejected the proxy "
            "authentication credential.",
        )
        world.proxies[ENDPOINT] = Proxy(connect_error="XKS_PROXY_INVALID_RESPONSE")
        assert refusal(xks_store, kms) == (
            "XksProxyInvalidResponseException",
            f"The external key store proxy at {ENDPOINT}{PATH} answered with "
            "XKS_PROXY_INVALID_RESPONSE.",
        )

    def test_a_vpc_proxy_is_first_reached_on_connect(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores
    ) -> None:
        endpoint = "https://private.xks.example.com"
        world.proxies[endpoint] = Proxy(reachable=False)
        store_id = xks_store(kms, endpoint=endpoint, vpc_service=VPC_SERVICE)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        clock.advance(XKS_DELAY)
        entry = describe(kms, store_id)
        assert (entry["ConnectionState"], entry["ConnectionErrorCode"]) == (
            "FAILED",
            "XKS_PROXY_NOT_REACHABLE",
        )
