"""Custom key stores: CloudHSM key stores and external key stores (XKS) of one account in one
Region, and their connection state on the clock.

A store leans on a world outside KMS — a CloudHSM cluster or an external key store proxy —
which a test describes in ``CustomKeyStores.clusters`` and ``CustomKeyStores.proxies`` (see
``outside`` for every knob: ``Cluster`` and ``Proxy``, importable from here too). What a valid
store of each type is, and which error each check gives, is in ``keystore_rules``.

Connecting takes time, as on AWS: ConnectCustomKeyStore leaves the store CONNECTING, and it
becomes CONNECTED (or FAILED, with a ConnectionErrorCode) once ``connect_delay`` has passed on
the test's clock. Nothing here reads the clock: ``advance(now)`` settles a store when it is next
touched, so a waiting store costs nothing, and no key is visited when a store changes state —
a key only names its store, and its ``Unavailable`` state is derived from the store's.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from .outside import Cluster, Proxy
from .source import Source

__all__ = ["Cluster", "CustomKeyStore", "CustomKeyStores", "Proxy", "XksProxyConfig"]

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


@dataclass(slots=True, eq=False, repr=False)
class CustomKeyStore:
    id: str
    name: str
    type: str
    created: datetime
    _: KW_ONLY
    cluster_id: str | None = None
    trust_anchor: str | None = None
    password: str | None = None
    xks: XksProxyConfig | None = None
    connection: str = DISCONNECTED  # new custom key stores are not connected
    due: datetime | None = None  # when a CONNECTING store settles
    outcome: str | None = None  # the ConnectionErrorCode a connection attempt ends in
    error_code: str | None = None  # shown while FAILED
    # Ids of the KMS keys created in this store -> their XksKeyId (None in CloudHSM stores).
    # Keys deleted since are pruned when it matters (``RegionStore.get`` decides).
    keys: dict[str, str | None] = field(default_factory=dict)

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

    __slots__ = ("clusters", "connect_delay", "proxies", "source")

    def __init__(self, source: Source | None = None) -> None:
        super().__init__()
        self.source = source or Source()
        self.clusters: dict[str, Cluster] = {}
        self.proxies: dict[str, Proxy] = {}
        self.connect_delay: dict[str, timedelta] = dict(CONNECT_DELAY)

    def new_id(self) -> str:
        return "cks-" + self.source(9).hex()[:17]

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
            return self.cluster(cks.cluster_id).connect_outcome(cks.password)
        assert cks.xks is not None
        proxy = self.proxy(cks.xks.uri_endpoint)
        return proxy.connect_outcome(cks.xks.access_key_id, cks.xks.secret)
