"""CreateCustomKeyStore's checks and DescribeCustomKeyStores."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.helpers import new_client, refusal
from tests.keystores.cloudhsm import CERT, CLUSTER, OTHER_CLUSTER, PASSWORD, hsm_store
from tests.keystores.stores import START, describe, only_for
from tests.keystores.xks import CREDENTIAL, ENDPOINT, PATH, VPC_SERVICE, xks_store

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

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
        # another password is another store: name taken
        assert refusal(
            kms.create_custom_key_store,
            CustomKeyStoreName="hsm",
            CloudHsmClusterId=CLUSTER,
            TrustAnchorCertificate=CERT,
            KeyStorePassword="another-password",
        ) == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name hsm is already in use in this account and Region.",
        )

    def test_names_are_unique_across_kinds(self, kms: KMSClient) -> None:
        hsm_store(kms, "shared")
        assert refusal(xks_store, kms, "shared") == (
            "CustomKeyStoreNameInUseException",
            "The custom key store name shared is already in use in this account and Region.",
        )

    def test_ten_stores_per_account_and_region(self, kms: KMSClient) -> None:
        for i in range(10):
            xks_store(kms, f"xks{i}", path=f"/p{i}/kms/xks/v1")
        assert refusal(hsm_store, kms) == (
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
        assert refusal(hsm_store, kms, cluster="cluster-1a23b4cdefg") == (
            "ValidationException",
            "1 validation error detected: Value 'cluster-1a23b4cdefg' at 'cloudHsmClusterId' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "cluster-[2-7a-zA-Z]{11,16}",
        )
        assert refusal(xks_store, kms, path="/kms/xks/v1/extra") == (
            "ValidationException",
            "1 validation error detected: Value '/kms/xks/v1/extra' at 'xksProxyUriPath' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: "
            r"^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$",
        )


class TestCreateParameters:
    @pytest.mark.parametrize(
        ("given", "missing", "store_type"),
        [
            (
                {
                    "CustomKeyStoreName": "hsm",
                    "CloudHsmClusterId": CLUSTER,
                    "KeyStorePassword": PASSWORD,
                },
                "TrustAnchorCertificate",
                "AWS_CLOUDHSM",
            ),
            (
                {
                    "CustomKeyStoreName": "xks",
                    "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
                    "XksProxyConnectivity": "PUBLIC_ENDPOINT",
                    "XksProxyUriEndpoint": ENDPOINT,
                    "XksProxyUriPath": PATH,
                },
                "XksProxyAuthenticationCredential",
                "EXTERNAL_KEY_STORE",
            ),
        ],
        ids=["cloudhsm", "external"],
    )
    def test_each_kind_of_store_needs_its_inputs(
        self, kms: KMSClient, given: dict[str, str], missing: str, store_type: str
    ) -> None:
        assert refusal(kms.create_custom_key_store, **given) == (
            "ValidationException",
            f"{missing} is required for custom key stores with a CustomKeyStoreType of "
            f"{store_type}.",
        )

    def test_inputs_of_the_other_kind_are_refused(self, kms: KMSClient) -> None:
        assert refusal(hsm_store, kms, XksProxyUriPath=PATH) == only_for(
            "XksProxyUriPath", "EXTERNAL_KEY_STORE"
        )
        assert refusal(xks_store, kms, KeyStorePassword=PASSWORD) == only_for(
            "KeyStorePassword", "AWS_CLOUDHSM"
        )

    def test_vpc_endpoint_service_name_goes_with_vpc_connectivity(self, kms: KMSClient) -> None:
        assert refusal(xks_store, kms, XksProxyConnectivity="VPC_ENDPOINT_SERVICE") == (
            "ValidationException",
            "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
            "VPC_ENDPOINT_SERVICE.",
        )
        assert refusal(xks_store, kms, XksProxyVpcEndpointServiceName=VPC_SERVICE) == (
            "ValidationException",
            "XksProxyVpcEndpointServiceName is valid only when XksProxyConnectivity is "
            "VPC_ENDPOINT_SERVICE.",
        )

    def test_vpc_endpoint_service_of_another_region_is_not_found(self, kms: KMSClient) -> None:
        service = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
        assert refusal(xks_store, kms, vpc_service=service) == (
            "XksProxyVpcEndpointServiceNotFoundException",
            f"KMS cannot find the VPC endpoint service {service} in us-east-1.",
        )


class TestDescribe:
    def test_filters(self, kms: KMSClient) -> None:
        hsm = hsm_store(kms)
        xks = xks_store(kms)
        by_name = kms.describe_custom_key_stores(CustomKeyStoreName="xks")["CustomKeyStores"]
        assert [s["CustomKeyStoreId"] for s in by_name] == [xks]
        by_id = kms.describe_custom_key_stores(CustomKeyStoreId=hsm)["CustomKeyStores"]
        assert [s["CustomKeyStoreName"] for s in by_id] == ["hsm"]
        assert refusal(
            kms.describe_custom_key_stores, CustomKeyStoreId=hsm, CustomKeyStoreName="hsm"
        ) == (
            "ValidationException",
            "You cannot specify both CustomKeyStoreId and CustomKeyStoreName.",
        )

    def test_unknown_store(self, kms: KMSClient) -> None:
        assert refusal(
            kms.describe_custom_key_stores, CustomKeyStoreId="cks-1234567890abcdef0"
        ) == (
            "CustomKeyStoreNotFoundException",
            "Custom key store cks-1234567890abcdef0 does not exist.",
        )
        assert refusal(kms.describe_custom_key_stores, CustomKeyStoreName="nope") == (
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
        assert (
            refusal(kms.describe_custom_key_stores, Marker="garbage")[0] == "InvalidMarkerException"
        )
