"""Custom key stores (CloudHSM and external), their connection state on the test's clock, and
the KMS keys that live in them: Unavailable while their store is not connected, never rotated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kmsmock import KmsMock, mock_kms
from kmsmock.backend.keystore import Cluster, CustomKeyStores, Proxy
from tests.helpers import error_of, new_client
from tests.timetravel import TOOLS, Clock, frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

START = utc(2024, 3, 1, 12)
HSM_DELAY = timedelta(minutes=20)  # what kmsmock documents for CloudHSM key stores
XKS_DELAY = timedelta(minutes=5)  # and for external key stores
CLUSTER = "cluster-jxhlf7644ne"
OTHER_CLUSTER = "cluster-kzmr3waq5ts"
PASSWORD = "kmsPswd"
ENDPOINT = "https://myproxy.xks.example.com"
PATH = "/example-prefix/kms/xks/v1"
CREDENTIAL = {
    "AccessKeyId": "ABCDEFGHIJKLMNOPQRST2345",
    "RawSecretAccessKey": "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=",
}
VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def _certificate(common_name: str) -> str:
    """A self-signed CA certificate in PEM, like a cluster's customerCA.crt."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2024, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2034, 1, 1, tzinfo=timezone.utc))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


CERT = _certificate("customerCA")
OTHER_CERT = _certificate("someone else")


@pytest.fixture
def clock() -> Iterator[Clock]:
    with frozen("time-machine", START) as c:
        yield c


@pytest.fixture
def world(kms_mock: KmsMock) -> CustomKeyStores:
    """The custom key stores of the default account in us-east-1, and their backing world."""
    return kms_mock.backend.store("123456789012", "us-east-1").custom_key_stores


def hsm_store(kms: KMSClient, name: str = "hsm", cluster: str = CLUSTER, **extra: Any) -> str:
    return str(
        kms.create_custom_key_store(
            CustomKeyStoreName=name,
            CloudHsmClusterId=cluster,
            TrustAnchorCertificate=CERT,
            KeyStorePassword=PASSWORD,
            **extra,
        )["CustomKeyStoreId"]
    )


def xks_store(
    kms: KMSClient,
    name: str = "xks",
    endpoint: str = ENDPOINT,
    path: str = PATH,
    vpc_service: str | None = None,
    **extra: Any,
) -> str:
    args: dict[str, Any] = {
        "CustomKeyStoreName": name,
        "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyConnectivity": "VPC_ENDPOINT_SERVICE" if vpc_service else "PUBLIC_ENDPOINT",
        "XksProxyUriEndpoint": endpoint,
        "XksProxyUriPath": path,
        "XksProxyAuthenticationCredential": CREDENTIAL,
        **extra,
    }
    if vpc_service:
        args["XksProxyVpcEndpointServiceName"] = vpc_service
    return str(kms.create_custom_key_store(**args)["CustomKeyStoreId"])


def describe(kms: KMSClient, store_id: str) -> dict[str, Any]:
    return dict(kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0])


def state(kms: KMSClient, store_id: str) -> str:
    return str(describe(kms, store_id)["ConnectionState"])


def connected(kms: KMSClient, clock: Clock, store_id: str) -> str:
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    clock.advance(HSM_DELAY)
    assert state(kms, store_id) == "CONNECTED"
    return store_id


def hsm_key(kms: KMSClient, store_id: str) -> dict[str, Any]:
    return dict(kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id)["KeyMetadata"])


def key_state(kms: KMSClient, key_id: str) -> str:
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])


# -- creating and describing --------------------------------------------------------------------


class TestCreate:
    def test_cloudhsm_store(self, kms: KMSClient) -> None:
        store_id = hsm_store(kms)
        assert re.fullmatch(r"cks-[0-9a-f]{17}", store_id)
        out = kms.describe_custom_key_stores()
        assert out["Truncated"] is False
        assert out["CustomKeyStores"] == [
            {
                "CustomKeyStoreId": store_id,
                "CustomKeyStoreName": "hsm",
                "CloudHsmClusterId": CLUSTER,
                "TrustAnchorCertificate": CERT,
                "ConnectionState": "DISCONNECTED",
                "CreationDate": START,
                "CustomKeyStoreType": "AWS_CLOUDHSM",
            }
        ]
        # the explicit default type is the same store kind
        other = hsm_store(kms, "hsm2", OTHER_CLUSTER, CustomKeyStoreType="AWS_CLOUDHSM")
        assert describe(kms, other)["CustomKeyStoreType"] == "AWS_CLOUDHSM"

    def test_external_store_public_endpoint(self, kms: KMSClient) -> None:
        store_id = xks_store(kms)
        assert describe(kms, store_id) == {
            "CustomKeyStoreId": store_id,
            "CustomKeyStoreName": "xks",
            "ConnectionState": "DISCONNECTED",
            "CreationDate": START,
            "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
            "XksProxyConfiguration": {  # the access key id, never the secret
                "Connectivity": "PUBLIC_ENDPOINT",
                "AccessKeyId": CREDENTIAL["AccessKeyId"],
                "UriEndpoint": ENDPOINT,
                "UriPath": PATH,
            },
        }

    def test_external_store_vpc_endpoint_service(self, kms: KMSClient) -> None:
        store_id = xks_store(
            kms, endpoint="https://private.xks.example.com", vpc_service=VPC_SERVICE
        )
        assert describe(kms, store_id)["XksProxyConfiguration"] == {
            "Connectivity": "VPC_ENDPOINT_SERVICE",
            "AccessKeyId": CREDENTIAL["AccessKeyId"],
            "UriEndpoint": "https://private.xks.example.com",
            "UriPath": PATH,
            "VpcEndpointServiceName": VPC_SERVICE,
            "VpcEndpointServiceOwner": "123456789012",  # the caller's account by default
        }
        owned = xks_store(
            kms,
            "xks2",
            endpoint="https://private2.xks.example.com",
            vpc_service=VPC_SERVICE + "1",
            XksProxyVpcEndpointServiceOwner="111122223333",
        )
        config = describe(kms, owned)["XksProxyConfiguration"]
        assert config["VpcEndpointServiceOwner"] == "111122223333"

    def test_a_retry_of_a_cloudhsm_store_returns_the_same_store(self, kms: KMSClient) -> None:
        # AWS: the same properties as an existing disconnected store are "the likely
        # consequence of a retry": no new store, no error.
        store_id = hsm_store(kms)
        assert hsm_store(kms) == store_id
        assert len(kms.describe_custom_key_stores()["CustomKeyStores"]) == 1
        with pytest.raises(ClientError) as exc:  # another password is another store: name taken
            kms.create_custom_key_store(
                CustomKeyStoreName="hsm",
                CloudHsmClusterId=CLUSTER,
                TrustAnchorCertificate=CERT,
                KeyStorePassword="another-password",
            )
        assert error_of(exc) == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name hsm is already in use in this account and Region.",
        )

    def test_names_are_unique_across_kinds(self, kms: KMSClient) -> None:
        hsm_store(kms, "shared")
        with pytest.raises(ClientError) as exc:
            xks_store(kms, "shared")
        assert error_of(exc) == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name shared is already in use in this account and Region.",
        )

    def test_ten_stores_per_account_and_region(self, kms: KMSClient) -> None:
        for i in range(10):
            xks_store(kms, f"xks{i}", path=f"/p{i}/kms/xks/v1")
        with pytest.raises(ClientError) as exc:
            hsm_store(kms)
        assert error_of(exc) == (
            "LimitExceededException",
            "Custom key stores quota for this account in this region is 10, current usage is 10.",
        )
        # another Region has its own quota and sees none of these stores
        west = new_client("us-west-2")
        assert west.describe_custom_key_stores()["CustomKeyStores"] == []
        hsm_store(west)

    def test_model_patterns_are_enforced(self, kms: KMSClient) -> None:
        # The cluster id in AWS's own documentation example does not match the model's pattern
        # (no 0, 1, 8 or 9 in a cluster id); the service rejects it.
        with pytest.raises(ClientError) as exc:
            hsm_store(kms, cluster="cluster-1a23b4cdefg")
        assert error_of(exc) == (
            "ValidationException",
            "1 validation error detected: Value 'cluster-1a23b4cdefg' at 'cloudHsmClusterId' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "cluster-[2-7a-zA-Z]{11,16}",
        )
        with pytest.raises(ClientError) as exc:
            xks_store(kms, path="/kms/xks/v1/extra")
        assert error_of(exc) == (
            "ValidationException",
            "1 validation error detected: Value '/kms/xks/v1/extra' at 'xksProxyUriPath' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: "
            r"^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$",
        )


class TestCreateParameters:
    def test_cloudhsm_store_needs_its_three_inputs(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            kms.create_custom_key_store(
                CustomKeyStoreName="hsm", CloudHsmClusterId=CLUSTER, KeyStorePassword=PASSWORD
            )
        assert error_of(exc) == (
            "ValidationException",
            "TrustAnchorCertificate is required for custom key stores with a CustomKeyStoreType "
            "of AWS_CLOUDHSM.",
        )

    def test_inputs_of_the_other_kind_are_refused(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            hsm_store(kms, XksProxyUriPath=PATH)
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyUriPath is valid only for custom key stores with a CustomKeyStoreType of "
            "EXTERNAL_KEY_STORE.",
        )
        with pytest.raises(ClientError) as exc:
            xks_store(kms, KeyStorePassword=PASSWORD)
        assert error_of(exc) == (
            "ValidationException",
            "KeyStorePassword is valid only for custom key stores with a CustomKeyStoreType of "
            "AWS_CLOUDHSM.",
        )

    def test_external_store_needs_its_proxy_settings(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            kms.create_custom_key_store(
                CustomKeyStoreName="xks",
                CustomKeyStoreType="EXTERNAL_KEY_STORE",
                XksProxyConnectivity="PUBLIC_ENDPOINT",
                XksProxyUriEndpoint=ENDPOINT,
                XksProxyUriPath=PATH,
            )
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyAuthenticationCredential is required for custom key stores with a "
            "CustomKeyStoreType of EXTERNAL_KEY_STORE.",
        )

    def test_vpc_endpoint_service_name_goes_with_vpc_connectivity(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            xks_store(kms, XksProxyConnectivity="VPC_ENDPOINT_SERVICE")
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
            "VPC_ENDPOINT_SERVICE.",
        )
        with pytest.raises(ClientError) as exc:
            xks_store(kms, XksProxyVpcEndpointServiceName=VPC_SERVICE)
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyVpcEndpointServiceName is valid only when XksProxyConnectivity is "
            "VPC_ENDPOINT_SERVICE.",
        )

    def test_vpc_endpoint_service_of_another_region_is_not_found(self, kms: KMSClient) -> None:
        service = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
        with pytest.raises(ClientError) as exc:
            xks_store(kms, vpc_service=service)
        assert error_of(exc) == (
            "XksProxyVpcEndpointServiceNotFoundException",
            f"KMS cannot find the VPC endpoint service {service} in us-east-1.",
        )


class TestCloudHsmClusters:
    def test_a_cluster_serves_one_store(self, kms: KMSClient) -> None:
        first = hsm_store(kms)
        with pytest.raises(ClientError) as exc:
            hsm_store(kms, "second")
        assert error_of(exc) == (
            "CloudHsmClusterInUseException",
            f"The CloudHSM cluster {CLUSTER} is already associated with custom key store {first}.",
        )

    def test_clusters_sharing_a_backup_history_count_as_one(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.clusters[CLUSTER] = Cluster(backup_family="prod")
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="prod")
        first = hsm_store(kms)
        with pytest.raises(ClientError) as exc:
            hsm_store(kms, "second", OTHER_CLUSTER)
        assert error_of(exc) == (
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
        with pytest.raises(ClientError) as exc:
            hsm_store(kms)
        assert error_of(exc) == (code, message)
        assert kms.describe_custom_key_stores()["CustomKeyStores"] == []

    def test_the_cluster_own_certificate_is_accepted(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.clusters[CLUSTER] = Cluster(trust_anchor=CERT.replace("\n", "\r\n"))
        assert hsm_store(kms)  # the same certificate, whatever its line endings

    def test_trust_anchor_must_be_a_certificate(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            kms.create_custom_key_store(
                CustomKeyStoreName="hsm",
                CloudHsmClusterId=CLUSTER,
                TrustAnchorCertificate="not a certificate",
                KeyStorePassword=PASSWORD,
            )
        assert error_of(exc) == (
            "IncorrectTrustAnchorException",
            "The trust anchor certificate is not a PEM-encoded X.509 certificate.",
        )


class TestExternalKeyStoreProxies:
    def test_uri_endpoint_and_path_together_are_unique(self, kms: KMSClient) -> None:
        first = xks_store(kms)
        with pytest.raises(ClientError) as exc:
            xks_store(kms, "again")
        assert error_of(exc) == (
            "XksProxyUriInUseException",
            f"The external key store proxy URI {ENDPOINT}{PATH} is already associated with "
            f"custom key store {first}.",
        )
        xks_store(kms, "other-path", path="/kms/xks/v1")  # same public endpoint, other path

    def test_a_vpc_endpoint_is_never_shared(self, kms: KMSClient) -> None:
        public = xks_store(kms)
        with pytest.raises(ClientError) as exc:
            xks_store(kms, "vpc", path="/kms/xks/v1", vpc_service=VPC_SERVICE)
        assert error_of(exc) == (
            "XksProxyUriEndpointInUseException",
            f"The XksProxyUriEndpoint {ENDPOINT} is already associated with custom key store "
            f"{public}.",
        )
        vpc = xks_store(kms, "vpc", endpoint="https://private.example.com", vpc_service=VPC_SERVICE)
        with pytest.raises(ClientError) as exc:
            xks_store(kms, "vpc2", endpoint="https://private2.example.com", vpc_service=VPC_SERVICE)
        assert error_of(exc) == (
            "XksProxyVpcEndpointServiceInUseException",
            f"The VPC endpoint service {VPC_SERVICE} is already associated with custom key "
            f"store {vpc}.",
        )

    def test_a_public_proxy_is_checked_on_creation(
        self, kms: KMSClient, world: CustomKeyStores
    ) -> None:
        world.proxies[ENDPOINT] = Proxy(reachable=False)
        with pytest.raises(ClientError) as exc:
            xks_store(kms)
        assert error_of(exc) == (
            "XksProxyUriUnreachableException",
            f"KMS cannot reach the external key store proxy at {ENDPOINT}{PATH}.",
        )
        world.proxies[ENDPOINT] = Proxy(credential=("ZYXWVUTSRQPONMLKJIHG2345", "x" * 43))
        with pytest.raises(ClientError) as exc:
            xks_store(kms)
        assert error_of(exc) == (
            "XksProxyIncorrectAuthenticationCredentialException",
            f"The external key store proxy at {ENDPOINT}{PATH} rejected the proxy "
            "authentication credential.",
        )
        world.proxies[ENDPOINT] = Proxy(connect_error="XKS_PROXY_INVALID_RESPONSE")
        with pytest.raises(ClientError) as exc:
            xks_store(kms)
        assert error_of(exc) == (
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


class TestDescribe:
    def test_filters(self, kms: KMSClient) -> None:
        hsm = hsm_store(kms)
        xks = xks_store(kms)
        by_name = kms.describe_custom_key_stores(CustomKeyStoreName="xks")["CustomKeyStores"]
        assert [s["CustomKeyStoreId"] for s in by_name] == [xks]
        by_id = kms.describe_custom_key_stores(CustomKeyStoreId=hsm)["CustomKeyStores"]
        assert [s["CustomKeyStoreName"] for s in by_id] == ["hsm"]
        with pytest.raises(ClientError) as exc:
            kms.describe_custom_key_stores(CustomKeyStoreId=hsm, CustomKeyStoreName="hsm")
        assert error_of(exc) == (
            "ValidationException",
            "You cannot specify both CustomKeyStoreId and CustomKeyStoreName.",
        )

    def test_unknown_store(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            kms.describe_custom_key_stores(CustomKeyStoreId="cks-1234567890abcdef0")
        assert error_of(exc) == (
            "CustomKeyStoreNotFoundException",
            "Custom key store cks-1234567890abcdef0 does not exist.",
        )
        with pytest.raises(ClientError) as exc:
            kms.describe_custom_key_stores(CustomKeyStoreName="nope")
        assert error_of(exc) == (
            "CustomKeyStoreNotFoundException",
            "Custom key store with name nope does not exist.",
        )

    def test_paging(self, kms: KMSClient) -> None:
        ids = [xks_store(kms, f"xks{i}", path=f"/p{i}/kms/xks/v1") for i in range(5)]
        first = kms.describe_custom_key_stores(Limit=2)
        assert first["Truncated"] is True
        assert [s["CustomKeyStoreId"] for s in first["CustomKeyStores"]] == ids[:2]
        rest = kms.describe_custom_key_stores(Limit=10, Marker=first["NextMarker"])
        assert rest["Truncated"] is False
        assert [s["CustomKeyStoreId"] for s in rest["CustomKeyStores"]] == ids[2:]
        pages = kms.get_paginator("describe_custom_key_stores").paginate(
            PaginationConfig={"PageSize": 2}
        )
        assert [[s["CustomKeyStoreId"] for s in p["CustomKeyStores"]] for p in pages] == [
            ids[:2],
            ids[2:4],
            ids[4:],
        ]
        with pytest.raises(ClientError) as exc:
            kms.describe_custom_key_stores(Marker="garbage")
        assert error_of(exc)[0] == "InvalidMarkerException"


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
        with pytest.raises(ClientError) as exc:
            kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc) == (
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
        with pytest.raises(ClientError) as exc:  # a FAILED store is disconnected first
            kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc) == (
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
        with pytest.raises(ClientError) as exc:
            kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc) == (
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
            with pytest.raises(ClientError) as exc:
                call(CustomKeyStoreId="cks-0000000000000000a")
            assert error_of(exc) == (
                "CustomKeyStoreNotFoundException",
                "Custom key store cks-0000000000000000a does not exist.",
            )


# -- updating and deleting ------------------------------------------------------------------------


class TestUpdate:
    def test_cloudhsm_store_name_changes_while_connected(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed")
        assert describe(kms, store_id)["CustomKeyStoreName"] == "renamed"
        for change in ({"KeyStorePassword": "new-password"}, {"CloudHsmClusterId": OTHER_CLUSTER}):
            with pytest.raises(ClientError) as exc:
                kms.update_custom_key_store(CustomKeyStoreId=store_id, **change)
            assert error_of(exc) == (
                "CustomKeyStoreInvalidStateException",
                f"Custom key store {store_id} must be DISCONNECTED to update {next(iter(change))}. "
                "Its connection state is CONNECTED.",
            )

    def test_no_update_while_connecting(self, kms: KMSClient) -> None:
        store_id = hsm_store(kms)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="x")
        assert error_of(exc) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} must be CONNECTED or DISCONNECTED to be updated. "
            "Its connection state is CONNECTING.",
        )

    def test_names_stay_unique(self, kms: KMSClient) -> None:
        hsm = hsm_store(kms)
        xks_store(kms)
        kms.update_custom_key_store(CustomKeyStoreId=hsm, NewCustomKeyStoreName="hsm")  # itself
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=hsm, NewCustomKeyStoreName="xks")
        assert error_of(exc) == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name xks is already in use in this account and Region.",
        )

    def test_cloudhsm_cluster_must_be_related(self, kms: KMSClient, world: CustomKeyStores) -> None:
        world.clusters[CLUSTER] = Cluster(backup_family="prod")
        store_id = hsm_store(kms)
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="test")
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=OTHER_CLUSTER)
        assert error_of(exc) == (
            "CloudHsmClusterNotRelatedException",
            f"The CloudHSM cluster {OTHER_CLUSTER} does not share a backup history with the "
            f"CloudHSM cluster {CLUSTER}.",
        )
        world.clusters[OTHER_CLUSTER] = Cluster(backup_family="prod")  # restored from a backup
        kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=OTHER_CLUSTER)
        assert describe(kms, store_id)["CloudHsmClusterId"] == OTHER_CLUSTER

    def test_parameters_of_the_other_kind(self, kms: KMSClient) -> None:
        hsm, xks = hsm_store(kms), xks_store(kms)
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=hsm, XksProxyUriPath="/kms/xks/v2")
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyUriPath is valid only for custom key stores with a CustomKeyStoreType of "
            "EXTERNAL_KEY_STORE.",
        )
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=xks, KeyStorePassword=PASSWORD)
        assert error_of(exc) == (
            "ValidationException",
            "KeyStorePassword is valid only for custom key stores with a CustomKeyStoreType of "
            "AWS_CLOUDHSM.",
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
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(
                CustomKeyStoreId=store_id, XksProxyUriEndpoint="https://elsewhere.example.com"
            )
        assert error_of(exc) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} must be DISCONNECTED to update XksProxyUriEndpoint. "
            "Its connection state is CONNECTED.",
        )

    def test_external_store_connectivity_change(self, kms: KMSClient) -> None:
        store_id = xks_store(kms)
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(
                CustomKeyStoreId=store_id,
                XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                XksProxyVpcEndpointServiceName=VPC_SERVICE,
            )
        assert error_of(exc) == (
            "ValidationException",
            "XksProxyUriEndpoint must be changed when XksProxyConnectivity changes to "
            "VPC_ENDPOINT_SERVICE.",
        )
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(
                CustomKeyStoreId=store_id,
                XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                XksProxyUriEndpoint="https://private.example.com",
            )
        assert error_of(exc) == (
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
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(CustomKeyStoreId=second, XksProxyUriPath=PATH)
        assert error_of(exc) == (
            "XksProxyUriInUseException",
            f"The external key store proxy URI {ENDPOINT}{PATH} is already associated with "
            f"custom key store {first}.",
        )
        world.proxies["https://down.example.com"] = Proxy(reachable=False)
        with pytest.raises(ClientError) as exc:
            kms.update_custom_key_store(
                CustomKeyStoreId=second, XksProxyUriEndpoint="https://down.example.com"
            )
        assert error_of(exc) == (
            "XksProxyUriUnreachableException",
            "KMS cannot reach the external key store proxy at https://down.example.com/kms/xks/v1.",
        )
        assert describe(kms, second)["XksProxyConfiguration"]["UriEndpoint"] == ENDPOINT


class TestDelete:
    def test_only_a_disconnected_store_without_keys(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        key = hsm_key(kms, store_id)
        with pytest.raises(ClientError) as exc:
            kms.delete_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} must be DISCONNECTED to be deleted. "
            "Its connection state is CONNECTED.",
        )
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        with pytest.raises(ClientError) as exc:  # a key pending deletion is still a key
            kms.delete_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc) == (
            "CustomKeyStoreHasCMKsException",
            f"Custom key store {store_id} contains KMS keys. Delete them (ScheduleKeyDeletion) "
            "before deleting the custom key store.",
        )
        clock.advance(timedelta(days=7))
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
        assert kms.describe_custom_key_stores()["CustomKeyStores"] == []
        with pytest.raises(ClientError) as exc:
            kms.delete_custom_key_store(CustomKeyStoreId=store_id)
        assert error_of(exc)[0] == "CustomKeyStoreNotFoundException"
        hsm_store(kms)  # the cluster and the name are free again


# -- KMS keys in custom key stores ----------------------------------------------------------------


class TestKeysInStores:
    def test_cloudhsm_key(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        assert re.fullmatch(r"[0-9a-f-]{36}", md["KeyId"])
        assert md == {
            "AWSAccountId": "123456789012",
            "KeyId": md["KeyId"],
            "Arn": f"arn:aws:kms:us-east-1:123456789012:key/{md['KeyId']}",
            "CreationDate": START + HSM_DELAY,
            "Enabled": True,
            "Description": "",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Enabled",
            "Origin": "AWS_CLOUDHSM",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
            "CustomKeyStoreId": store_id,
            "CloudHsmClusterId": CLUSTER,
        }  # no CurrentKeyMaterialId: only AWS_KMS and EXTERNAL keys name their material
        assert kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"] == md

    def test_external_key_store_key(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        md = kms.create_key(
            Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="bb8562717f809024"
        )["KeyMetadata"]
        assert (md["Origin"], md["CustomKeyStoreId"], md["XksKeyConfiguration"]) == (
            "EXTERNAL_KEY_STORE",
            store_id,
            {"Id": "bb8562717f809024"},
        )
        assert "CloudHsmClusterId" not in md
        assert "CurrentKeyMaterialId" not in md

    def test_keys_encrypt_and_decrypt(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext={"a": "b"})
        out = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "b"})
        assert (out["Plaintext"], out["KeyId"]) == (b"secret", blob["KeyId"])

    def test_the_store_must_be_connected(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        with pytest.raises(ClientError) as exc:
            hsm_key(kms, store_id)
        assert error_of(exc) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} is not connected. Its connection state is DISCONNECTED.",
        )
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        with pytest.raises(ClientError) as exc:
            hsm_key(kms, store_id)
        assert error_of(exc)[1].endswith("Its connection state is CONNECTING.")
        clock.advance(HSM_DELAY)
        assert hsm_key(kms, store_id)["KeyState"] == "Enabled"

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (
                {"Origin": "AWS_CLOUDHSM"},
                "ValidationException",
                "CustomKeyStoreId must be specified when Origin is AWS_CLOUDHSM.",
            ),
            (
                {"CustomKeyStoreId": "{hsm}"},
                "ValidationException",
                "Origin AWS_KMS is not valid with CustomKeyStoreId. Use AWS_CLOUDHSM for a "
                "CloudHSM key store or EXTERNAL_KEY_STORE for an external key store.",
            ),
            (
                {"XksKeyId": "abc"},
                "ValidationException",
                "XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.",
            ),
            (
                {"Origin": "EXTERNAL_KEY_STORE", "CustomKeyStoreId": "{xks}"},
                "ValidationException",
                "XksKeyId must be specified when Origin is EXTERNAL_KEY_STORE.",
            ),
            (
                {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "cks-1234567890abcdef0"},
                "CustomKeyStoreNotFoundException",
                "Custom key store cks-1234567890abcdef0 does not exist.",
            ),
            (
                {"Origin": "EXTERNAL_KEY_STORE", "CustomKeyStoreId": "{hsm}", "XksKeyId": "k1"},
                "UnsupportedOperationException",
                "Custom key store {hsm} is of type AWS_CLOUDHSM. Its KMS keys must have Origin "
                "AWS_CLOUDHSM.",
            ),
            (
                {
                    "Origin": "AWS_CLOUDHSM",
                    "CustomKeyStoreId": "{hsm}",
                    "KeySpec": "HMAC_256",
                    "KeyUsage": "GENERATE_VERIFY_MAC",
                },
                "UnsupportedOperationException",
                "KeySpec HMAC_256 is not supported in a custom key store. KMS keys in a custom "
                "key store must be symmetric encryption keys (SYMMETRIC_DEFAULT).",
            ),
            (
                {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "{hsm}", "MultiRegion": True},
                "UnsupportedOperationException",
                "Multi-Region keys cannot be created in a custom key store.",
            ),
        ],
    )
    def test_create_key_refusals(
        self, kms: KMSClient, clock: Clock, args: dict[str, Any], code: str, message: str
    ) -> None:
        ids = {"hsm": connected(kms, clock, hsm_store(kms)), "xks": xks_store(kms)}
        args = {k: v.format(**ids) if isinstance(v, str) else v for k, v in args.items()}
        with pytest.raises(ClientError) as exc:
            kms.create_key(**args)
        assert error_of(exc) == (code, message.format(**ids))
        assert kms.list_keys()["Keys"] == []

    def test_external_keys(self, kms: KMSClient, clock: Clock, world: CustomKeyStores) -> None:
        world.proxies[ENDPOINT] = Proxy(external_keys={"good": True, "other": True, "des": False})
        store_id = connected(kms, clock, xks_store(kms))

        def create(xks_key_id: str) -> Any:
            return kms.create_key(
                Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id
            )

        with pytest.raises(ClientError) as exc:
            create("missing")
        assert error_of(exc) == (
            "XksKeyNotFoundException",
            "The external key store proxy cannot find the external key missing.",
        )
        with pytest.raises(ClientError) as exc:
            create("des")
        assert error_of(exc) == (
            "XksKeyInvalidConfigurationException",
            "The external key des is not an enabled AES-256 symmetric key that encrypts and "
            "decrypts.",
        )
        first = create("good")["KeyMetadata"]
        with pytest.raises(ClientError) as exc:
            create("good")
        assert error_of(exc) == (
            "XksKeyAlreadyInUseException",
            f"The external key good is already associated with KMS key {first['Arn']} in "
            f"custom key store {store_id}.",
        )
        assert create("other")["KeyMetadata"]["XksKeyConfiguration"] == {"Id": "other"}
        # once its KMS key is deleted, the external key is free again
        kms.schedule_key_deletion(KeyId=first["KeyId"], PendingWindowInDays=7)
        clock.advance(timedelta(days=7))
        assert create("good")["KeyMetadata"]["XksKeyConfiguration"] == {"Id": "good"}

    def test_cloudhsm_key_needs_two_hsms(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        world.clusters[CLUSTER] = Cluster(hsms=1)
        with pytest.raises(ClientError) as exc:
            hsm_key(kms, store_id)
        assert error_of(exc)[0] == "CloudHsmClusterInvalidConfigurationException"


class TestUnavailable:
    def test_keys_of_a_disconnected_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        key_id, arn = md["KeyId"], md["Arn"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"kept")["CiphertextBlob"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        shown = kms.describe_key(KeyId=key_id)["KeyMetadata"]  # DescribeKey still works
        assert (shown["KeyState"], shown["Enabled"]) == ("Unavailable", False)
        calls = [
            lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"),
            lambda: kms.decrypt(CiphertextBlob=blob),
            lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"),
            lambda: kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16),
            lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key_id),
        ]
        for call in calls:
            with pytest.raises(ClientError) as exc:
                call()
            assert error_of(exc) == ("KMSInvalidStateException", f"{arn} is unavailable.")
        # connecting is not enough: only a CONNECTED store's keys are available
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "Unavailable"
        clock.advance(HSM_DELAY)
        assert key_state(kms, key_id) == "Enabled"
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"

    def test_enable_and_disable_take_effect_when_available(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        # key-state footnote 12: the operation succeeds, the state changes once available
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms.disable_key(KeyId=key_id)
        assert key_state(kms, key_id) == "Unavailable"
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Disabled"
        with pytest.raises(ClientError) as exc:
            kms.encrypt(KeyId=key_id, Plaintext=b"x")
        assert error_of(exc)[0] == "DisabledException"
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms.enable_key(KeyId=key_id)
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Enabled"

    def test_pending_deletion_shows_through(self, kms: KMSClient, clock: Clock) -> None:
        # key-state footnote 13: a key pending deletion stays PendingDeletion when unavailable
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "PendingDeletion"
        kms.cancel_key_deletion(KeyId=key_id)  # back to Disabled, which is not shown yet
        assert key_state(kms, key_id) == "Unavailable"
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Disabled"

    def test_external_key_store_keys_too(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        key_id = kms.create_key(
            Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="k1"
        )["KeyMetadata"]["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "Unavailable"


class TestNoRotation:
    @pytest.mark.parametrize("kind", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
    def test_rotation_operations_refuse(self, kms: KMSClient, clock: Clock, kind: str) -> None:
        if kind == "AWS_CLOUDHSM":
            md = hsm_key(kms, connected(kms, clock, hsm_store(kms)))
        else:
            store_id = connected(kms, clock, xks_store(kms))
            md = kms.create_key(Origin=kind, CustomKeyStoreId=store_id, XksKeyId="k1")[
                "KeyMetadata"
            ]
        refused = (
            "UnsupportedOperationException",
            f"{md['Arn']} origin is {kind} which is not valid for this operation.",
        )
        calls = [
            lambda: kms.enable_key_rotation(KeyId=md["KeyId"]),
            lambda: kms.disable_key_rotation(KeyId=md["KeyId"]),
            lambda: kms.get_key_rotation_status(KeyId=md["KeyId"]),
            lambda: kms.rotate_key_on_demand(KeyId=md["KeyId"]),
            lambda: kms.list_key_rotations(KeyId=md["KeyId"]),
        ]
        for call in calls:
            with pytest.raises(ClientError) as exc:
                call()
            assert error_of(exc) == refused
        kms.disable_key(KeyId=md["KeyId"])  # whatever the key's state
        with pytest.raises(ClientError) as exc:
            kms.rotate_key_on_demand(KeyId=md["KeyId"])
        assert error_of(exc) == refused


class TestGenerateRandom:
    def test_in_a_connected_cloudhsm_key_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        with pytest.raises(ClientError) as exc:
            kms.generate_random(NumberOfBytes=32, CustomKeyStoreId=store_id)
        assert error_of(exc) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} is not connected. Its connection state is DISCONNECTED.",
        )
        connected(kms, clock, store_id)
        assert (
            len(kms.generate_random(NumberOfBytes=32, CustomKeyStoreId=store_id)["Plaintext"]) == 32
        )

    def test_not_in_an_external_key_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        with pytest.raises(ClientError) as exc:
            kms.generate_random(NumberOfBytes=32, CustomKeyStoreId=store_id)
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"Custom key store {store_id} is an external key store. GenerateRandom supports "
            "only CloudHSM key stores.",
        )

    def test_unknown_store(self, kms: KMSClient) -> None:
        with pytest.raises(ClientError) as exc:
            kms.generate_random(NumberOfBytes=32, CustomKeyStoreId="cks-1234567890abcdef0")
        assert error_of(exc) == (
            "CustomKeyStoreNotFoundException",
            "Custom key store cks-1234567890abcdef0 does not exist.",
        )


class TestOtherOperationsOnStoreKeys:
    def test_grants_can_be_created_while_unavailable(self, kms: KMSClient, clock: Clock) -> None:
        # key-state table: CreateGrant succeeds on an Unavailable key
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        grant = kms.create_grant(
            KeyId=key_id,
            GranteePrincipal="arn:aws:iam::123456789012:role/app",
            Operations=["Decrypt"],
        )
        assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id)["Grants"]] == [grant["GrantId"]]

    @pytest.mark.parametrize(
        "op", ["generate_data_key_pair", "generate_data_key_pair_without_plaintext"]
    )
    def test_no_data_key_pairs_under_a_store_key(
        self, kms: KMSClient, clock: Clock, op: str
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        with pytest.raises(ClientError) as exc:
            getattr(kms, op)(KeyId=md["KeyId"], KeyPairSpec="ECC_NIST_P256")
        name = "".join(p.title() for p in op.split("_"))
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{md['Arn']} is in a custom key store, which is not valid for {name}.",
        )
