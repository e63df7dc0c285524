"""The CloudHSM side of the key-store tests: a cluster, its password and trust anchor."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


HSM_DELAY = timedelta(minutes=20)  # what kmsmock documents for CloudHSM key stores
CLUSTER = "cluster-jxhlf7644ne"
OTHER_CLUSTER = "cluster-kzmr3waq5ts"
PASSWORD = "kmsPswd"


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


def hsm_key(kms: KMSClient, store_id: str) -> dict[str, Any]:
    return dict(kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id)["KeyMetadata"])
