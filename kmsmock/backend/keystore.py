"""Custom key stores: CloudHSM key stores and external key stores (XKS) of one account in one
Region, their connection state on the clock, and the world outside KMS they lean on.

KMS cannot be shown a real CloudHSM cluster or external key store proxy here, so the backing
world is described, not reached: a cluster or proxy nobody described is healthy (it exists, is
active, trusts the certificate and credential KMS was given, and every external key id names a
usable AES-256 key). A test describes a sick one in ``CustomKeyStores.clusters`` (by cluster id)
or ``CustomKeyStores.proxies`` (by proxy URI endpoint), and the operations answer accordingly:
``kms_mock.backend.store("123456789012", "us-east-1").custom_key_stores.clusters[cluster_id] =
Cluster(exists=False)``.

Connecting takes time, as on AWS: ConnectCustomKeyStore leaves the store CONNECTING, and it
becomes CONNECTED (or FAILED, with a ConnectionErrorCode) once ``connect_delay`` has passed on
the test's clock. Nothing here reads the clock: ``advance(now)`` settles a store when it is next
touched, so a waiting store costs nothing, and no key is visited when a store changes state —
a key only names its store, and its ``Unavailable`` state is derived from the store's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

CLOUDHSM = "AWS_CLOUDHSM"
EXTERNAL = "EXTERNAL_KEY_STORE"
PUBLIC_ENDPOINT = "PUBLIC_ENDPOINT"
VPC_ENDPOINT_SERVICE = "VPC_ENDPOINT_SERVICE"

CONNECTED = "CONNECTED"
CONNECTING = "CONNECTING"
DISCONNECTED = "DISCONNECTED"
DISCONNECTING = "DISCONNECTING"
FAILED = "FAILED"

# How long a ConnectCustomKeyStore takes before the store is CONNECTED (or FAILED). AWS: a
# CloudHSM key store "can take an extended amount of time to complete; up to 20 minutes"; an
# external key store "takes about five minutes" (Developer Guide, Connect an external key store).
CONNECT_DELAY: MappingProxyType[str, timedelta] = MappingProxyType(
    {CLOUDHSM: timedelta(minutes=20), EXTERNAL: timedelta(minutes=5)}
)
MAX_STORES = 10  # custom key stores per account and Region (both kinds together)


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


@dataclass(slots=True)
class XksProxyConfig:
    connectivity: str
    uri_endpoint: str
    uri_path: str
    access_key_id: str
    secret: str = field(repr=False)
    vpc_endpoint_service_name: str | None = None
    vpc_endpoint_service_owner: str | None = None

    @property
    def uri(self) -> str:
        return self.uri_endpoint + self.uri_path


class CustomKeyStore:
    __slots__ = (
        "cluster_id",
        "connection",
        "created",
        "due",
        "error_code",
        "id",
        "keys",
        "name",
        "outcome",
        "password",
        "trust_anchor",
        "type",
        "xks",
    )

    def __init__(
        self,
        store_id: str,
        name: str,
        store_type: str,
        created: datetime,
        *,
        cluster_id: str | None = None,
        trust_anchor: str | None = None,
        password: str | None = None,
        xks: XksProxyConfig | None = None,
    ) -> None:
        self.id = store_id
        self.name = name
        self.type = store_type
        self.created = created
        self.cluster_id = cluster_id
        self.trust_anchor = trust_anchor
        self.password = password
        self.xks = xks
        self.connection = DISCONNECTED  # new custom key stores are not connected
        self.due: datetime | None = None  # when a CONNECTING store settles
        self.outcome: str | None = None  # the ConnectionErrorCode a connection attempt ends in
        self.error_code: str | None = None  # shown while FAILED
        # Ids of the KMS keys created in this store -> their XksKeyId (None in CloudHSM stores).
        # Keys deleted since are pruned when it matters (``RegionStore.get`` decides).
        self.keys: dict[str, str | None] = {}

    def __repr__(self) -> str:  # never shows the kmsuser password or the proxy secret
        return f"<CustomKeyStore {self.id} {self.type} {self.connection}>"

    @property
    def connected(self) -> bool:
        return self.connection == CONNECTED

    def advance(self, now: datetime) -> None:
        """Settle a connection attempt whose time has come."""
        if self.connection == CONNECTING and self.due is not None and self.due <= now:
            self.connection = FAILED if self.outcome else CONNECTED
            self.error_code = self.outcome
            self.due = None
            self.outcome = None

    def connect(self, now: datetime, delay: timedelta, outcome: str | None) -> None:
        """Start connecting (a no-op while CONNECTING or CONNECTED)."""
        if self.connection == DISCONNECTED:
            self.connection = CONNECTING
            self.due = now + delay
            self.outcome = outcome
            self.advance(now)  # a zero delay connects at once

    def disconnect(self) -> None:
        self.connection = DISCONNECTED
        self.due = None
        self.outcome = None
        self.error_code = None


class CustomKeyStores(dict[str, CustomKeyStore]):
    """The custom key stores of one account and Region by id, in creation order, and the
    backing world a test describes (see the module docstring)."""

    __slots__ = ("clusters", "connect_delay", "proxies")

    def __init__(self) -> None:
        super().__init__()
        self.clusters: dict[str, Cluster] = {}
        self.proxies: dict[str, Proxy] = {}
        self.connect_delay: dict[str, timedelta] = dict(CONNECT_DELAY)

    @staticmethod
    def new_id() -> str:
        return "cks-" + os.urandom(9).hex()[:17]

    def named(self, name: str) -> CustomKeyStore | None:
        for cks in self.values():
            if cks.name == name:
                return cks
        return None

    def cluster(self, cluster_id: str) -> Cluster:
        return self.clusters.get(cluster_id) or Cluster()

    def proxy(self, uri_endpoint: str) -> Proxy:
        return self.proxies.get(uri_endpoint) or Proxy()

    def connect_outcome(self, cks: CustomKeyStore) -> str | None:
        """The ConnectionErrorCode a connection attempt of ``cks`` would end in, or None."""
        if cks.type == CLOUDHSM:
            assert cks.cluster_id is not None
            cluster = self.cluster(cks.cluster_id)
            if cluster.connect_error:
                return cluster.connect_error
            if not cluster.exists:
                return "CLUSTER_NOT_FOUND"
            if cluster.hsms < 1:
                return "INSUFFICIENT_CLOUDHSM_HSMS"
            if cluster.kmsuser_password is not None and cluster.kmsuser_password != cks.password:
                return "INVALID_CREDENTIALS"
            return None
        assert cks.xks is not None
        proxy = self.proxy(cks.xks.uri_endpoint)
        if proxy.connect_error:
            return proxy.connect_error
        if not proxy.reachable:
            return "XKS_PROXY_NOT_REACHABLE"
        if proxy.credential is not None and proxy.credential != (
            cks.xks.access_key_id,
            cks.xks.secret,
        ):
            return "INVALID_CREDENTIALS"
        return None
