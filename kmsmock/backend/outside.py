"""The world outside KMS that custom key stores lean on: CloudHSM clusters and external key
store proxies (with the external key manager behind each), and what KMS finds when it asks them.

KMS cannot be shown a real cluster or proxy here, so this world is described, not reached: a
cluster or proxy nobody described is healthy (it exists, is active, trusts the certificate and
credential KMS was given, and every external key id names a usable AES-256 key). A test
describes a sick one in ``CustomKeyStores.clusters`` (by cluster id) or
``CustomKeyStores.proxies`` (by proxy URI endpoint), and the operations answer accordingly:
``kms_mock.backend.store("123456789012", "us-east-1").custom_key_stores.clusters[cluster_id] =
Cluster(exists=False)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import errors


@dataclass(slots=True)
class Cluster:
    """A CloudHSM cluster as KMS would find it; the defaults describe a healthy one."""

    exists: bool = True
    active: bool = True  # False: initialised but not activated (CloudHsmClusterNotActive)
    hsms: int = 2  # active HSMs in different Availability Zones (KMS wants two; one to connect)
    trust_anchor: str | None = None  # the cluster's customerCA.crt; None: whatever KMS is told
    kmsuser_password: str | None = field(default=None, repr=False)  # None: any is right
    backup_family: str | None = None  # clusters sharing a backup history; None: related to all
    connect_error: str | None = None  # a ConnectionErrorCode connecting ends in, if any

    def check_usable(self, cluster_id: str) -> None:
        """What creating or updating a CloudHSM key store, and CreateKey in one, need."""
        if not self.exists:
            raise errors.CLUSTER_NOT_FOUND(cluster_id=cluster_id)
        if not self.active:
            raise errors.CLUSTER_NOT_ACTIVE(cluster_id=cluster_id)
        if self.hsms < 2:
            raise errors.CLUSTER_TOO_FEW_HSMS(cluster_id=cluster_id)

    def check_connectable(self, cluster_id: str) -> None:
        """ConnectCustomKeyStore refuses an inactive cluster at once; the rest shows later, as
        the ConnectionErrorCode of a FAILED store."""
        if self.exists and not self.active:
            raise errors.CLUSTER_NOT_ACTIVE(cluster_id=cluster_id)

    def check_trust_anchor(self, cluster_id: str, certificate: str) -> None:
        """The certificate KMS is given must be the cluster's own (line breaks aside)."""
        if self.trust_anchor is not None and "".join(self.trust_anchor.split()) != "".join(
            certificate.split()
        ):
            raise errors.TRUST_ANCHOR_NOT_THE_CLUSTERS(cluster_id=cluster_id)

    def connect_outcome(self, password: str | None) -> str | None:
        """The ConnectionErrorCode connecting a store on this cluster ends in, or None."""
        if self.connect_error:
            return self.connect_error
        if not self.exists:
            return "CLUSTER_NOT_FOUND"
        if self.hsms < 1:
            return "INSUFFICIENT_CLOUDHSM_HSMS"
        if self.kmsuser_password is not None and self.kmsuser_password != password:
            return "INVALID_CREDENTIALS"
        return None


def check_backup_history(cluster_id: str, cluster: Cluster, new_id: str, new: Cluster) -> None:
    """UpdateCustomKeyStore may move a store only to a cluster related to its own."""
    ours, theirs = cluster.backup_family, new.backup_family
    if ours is not None and theirs is not None and ours != theirs:
        raise errors.CLUSTER_NOT_RELATED(new_cluster_id=new_id, cluster_id=cluster_id)


@dataclass(slots=True)
class Proxy:
    """An external key store proxy (and its external key manager) as KMS would find it."""

    reachable: bool = True
    # (AccessKeyId, secret) the proxy accepts; None: whatever KMS was told
    credential: tuple[str, str] | None = field(default=None, repr=False)
    # External key ids the key manager holds -> whether each is an enabled AES-256 key that
    # encrypts and decrypts. None: every id names such a key.
    external_keys: dict[str, bool] | None = None
    connect_error: str | None = None  # a ConnectionErrorCode connecting ends in, if any

    def _rejects(self, access_key_id: str, secret: str) -> bool:
        return self.credential is not None and self.credential != (access_key_id, secret)

    def check_health(self, uri: str, access_key_id: str, secret: str) -> None:
        """KMS asks a public proxy for its health (signed with the credential) before creating
        or updating the store; a failure fails the request."""
        code = self.connect_error
        if not self.reachable:
            code = "XKS_PROXY_NOT_REACHABLE"
        elif self._rejects(access_key_id, secret):
            code = "INVALID_CREDENTIALS"
        if code in ("XKS_PROXY_NOT_REACHABLE", "XKS_PROXY_TIMED_OUT"):
            raise errors.XKS_PROXY_UNREACHABLE(uri=uri)
        if code in ("INVALID_CREDENTIALS", "XKS_PROXY_ACCESS_DENIED"):
            raise errors.XKS_PROXY_CREDENTIAL_REJECTED(uri=uri)
        if code == "XKS_PROXY_INVALID_RESPONSE":
            raise errors.XKS_PROXY_INVALID_RESPONSE(uri=uri, answer=code)
        if code == "XKS_PROXY_INVALID_CONFIGURATION":
            raise errors.XKS_PROXY_INVALID_CONFIGURATION(uri=uri, answer=code)

    def connect_outcome(self, access_key_id: str, secret: str) -> str | None:
        """The ConnectionErrorCode connecting a store on this proxy ends in, or None."""
        if self.connect_error:
            return self.connect_error
        if not self.reachable:
            return "XKS_PROXY_NOT_REACHABLE"
        if self._rejects(access_key_id, secret):
            return "INVALID_CREDENTIALS"
        return None

    def check_external_key(self, xks_key_id: str) -> None:
        """CreateKey in an external key store: the external key must exist and be usable."""
        known = self.external_keys
        if known is not None and xks_key_id not in known:
            raise errors.XKS_KEY_NOT_FOUND(xks_key_id=xks_key_id)
        if known is not None and not known[xks_key_id]:
            raise errors.XKS_KEY_INVALID(xks_key_id=xks_key_id)


def check_vpc_endpoint_service(service_name: str, region: str) -> None:
    """A VPC endpoint service KMS connects through must be in the store's Region (its name,
    ``com.amazonaws.vpce.<region>.vpce-svc-...``, says which)."""
    if service_name.split(".")[3] != region:
        raise errors.XKS_VPC_SERVICE_NOT_FOUND(service_name=service_name, region=region)
