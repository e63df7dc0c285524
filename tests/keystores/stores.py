"""The backing world the custom-key-store tests share: clusters, proxies, certificates, and
short ways to create, connect and describe stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.timetravel import Clock, utc

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
