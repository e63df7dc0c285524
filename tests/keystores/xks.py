"""The external side of the key-store tests: a proxy's endpoint, path and credential."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


XKS_DELAY = timedelta(minutes=5)  # what kmsmock documents for external key stores
ENDPOINT = "https://myproxy.xks.example.com"
PATH = "/example-prefix/kms/xks/v1"
CREDENTIAL = {
    "AccessKeyId": "ABCDEFGHIJKLMNOPQRST2345",
    "RawSecretAccessKey": "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=",
}
VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


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
