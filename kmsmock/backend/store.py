"""All state of one activation: accounts x regions, each with its keys and aliases.

Pure Python objects, no botocore. One re-entrant lock guards every request (``Backend.lock``);
the operations layer takes it, so objects here assume they are called under it.
"""

from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..calls import CallLog
from ..faults import Faults
from . import DEFAULT_ACCOUNT as DEFAULT_ACCOUNT
from .import_parameters import ImportParameters
from .key import PENDING_DELETION, PENDING_REPLICA_DELETION, Key
from .keystore import CustomKeyStores

_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def random_uuid() -> str:
    """A random (version 4) UUID string: ``str(uuid.uuid4())`` at half the cost."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


# Region name prefixes of the partitions other than "aws" (longest prefixes first).
_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
)


def partition_for(region: str) -> str:
    return next((name for prefix, name in _PARTITIONS if region.startswith(prefix)), "aws")


@dataclass(slots=True)
class Alias:
    name: str  # "alias/..."
    target: str  # key id
    created: datetime
    updated: datetime


class RegionStore:
    """The keys and aliases of one account in one Region."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.partition = partition_for(region)
        self.arn_prefix = f"arn:{self.partition}:kms:{region}:{account}:"
        self.keys: dict[str, Key] = {}
        self.aliases: dict[str, Alias] = {}
        # Ids of deleted keys: a ciphertext naming one gets "does not exist", while a blob
        # naming a key that never existed is simply not a valid ciphertext.
        self.deleted: set[str] = set()
        # GetParametersForImport's outstanding wrapping keys, by import-token id
        self.import_parameters: dict[str, ImportParameters] = {}
        # Custom key stores (CloudHSM and external) by id, and the backing world they lean on
        self.custom_key_stores = CustomKeyStores()
        # Keys in creation order for ListKeys paging: a marker is a sequence number, found by
        # bisection, so every page costs its own size. Deleted keys leave holes until compacted.
        self._order: list[Key] = []
        self._seqs: list[int] = []
        self._next_seq = 1
        self._holes = 0

    def key_arn(self, key_id: str) -> str:
        return f"{self.arn_prefix}key/{key_id}"

    def alias_arn(self, alias_name: str) -> str:
        return f"{self.arn_prefix}{alias_name}"

    # -- keys -----------------------------------------------------------------------------

    def new_key_id(self, multi_region: bool) -> str:
        key_id = random_uuid()
        return f"mrk-{key_id.replace('-', '')}" if multi_region else key_id

    def add(self, key: Key) -> Key:
        key.seq = self._next_seq
        self._next_seq += 1
        self.keys[key.key_id] = key
        self.deleted.discard(key.key_id)  # a replica may come back where one was deleted
        self._order.append(key)
        self._seqs.append(key.seq)
        return key

    def get(self, key_id: str, now: datetime) -> Key | None:
        """The key as of ``now``: deleted if its deletion date passed, rotations caught up."""
        key = self.keys.get(key_id)
        if key is None or not self._exists(key, now):
            return None
        key.advance(now)
        if key.custom_key_store_id is not None:  # settle its store: the key's state follows it
            cks = self.custom_key_stores.get(key.custom_key_store_id)
            if cks is not None:
                cks.advance(now)
        return key

    def _exists(self, key: Key, now: datetime) -> bool:
        """Whether ``key`` (held here) still exists as of ``now``; deleted here if not.

        A multi-Region key first settles its related keys: replicas whose window ended are
        deleted in their own Regions, which may start its primary's own deletion window.
        """
        if key.mr_set is not None:
            key.mr_set.settle(now)
            if self.keys.get(key.key_id) is not key:
                return False
        if key.state == PENDING_DELETION and key.deletion_due(now):
            self.delete(key)
            return False
        return True

    def delete(self, key: Key) -> None:
        """The end of a deletion window: the key, its material and its aliases are gone."""
        del self.keys[key.key_id]
        self.deleted.add(key.key_id)
        if key.mr_set is not None:
            key.mr_set.detach(key)
        for name in [a.name for a in self.aliases.values() if a.target == key.key_id]:
            del self.aliases[name]
        self._holes += 1
        if self._holes > 64 and self._holes * 2 > len(self._order):
            self._order = [k for k in self._order if self.keys.get(k.key_id) is k]
            self._seqs = [k.seq for k in self._order]
            self._holes = 0

    def page(self, after_seq: int, limit: int, now: datetime) -> tuple[list[Key], int | None]:
        """Up to ``limit`` live keys created after ``after_seq``, and the marker for the rest."""
        out: list[Key] = []
        order = self._order
        end = len(order)
        i = bisect.bisect_right(self._seqs, after_seq)
        live = self._live
        while i < end and len(out) < limit:
            key = order[i]
            i += 1
            if live(key, now):
                out.append(key)
        while i < end and not live(order[i], now):
            i += 1  # skip holes so a marker is only returned when a key really follows
        return out, (out[-1].seq if out and i < end else None)

    def _live(self, key: Key, now: datetime) -> bool:
        """Whether ``key`` still exists as of ``now`` (deleted here if its window has ended).

        Rotations are not caught up: a listing shows no material, and the next request that
        touches the key (through ``get``) materialises them with their scheduled dates.
        """
        return self.keys.get(key.key_id) is key and self._exists(key, now)

    def sweep(self, now: datetime) -> None:
        """Delete every key whose deletion date has passed (for listings that show them all)."""
        for key in [
            k
            for k in self.keys.values()
            if k.state in (PENDING_DELETION, PENDING_REPLICA_DELETION) or k.mr_set is not None
        ]:
            if self.keys.get(key.key_id) is key:
                self._exists(key, now)


class MultiRegionSet:
    """Related multi-Region keys: one primary and its replicas, each in its own Region of one
    account, all with the same key id.

    They share their key material (symmetric keys: the same list of versions, so a ciphertext
    from any Region opens in every other; asymmetric and HMAC keys: the same private key) and
    one rotation schedule, kept on whichever key is primary (``Key.advance`` of a replica
    advances its primary). Everything else — policy, tags, aliases, description, key state — is
    each key's own.
    """

    __slots__ = ("last_replica_deleted", "primary", "replicas")

    def __init__(self, primary: Key) -> None:
        self.primary = primary
        self.replicas: list[Key] = []  # in replication order
        # When the last replica (so far) reached the end of its deletion window
        self.last_replica_deleted: datetime | None = None

    def replica_in(self, region: str) -> Key | None:
        for replica in self.replicas:
            if replica.store.region == region:
                return replica
        return None

    def settle(self, now: datetime) -> None:
        """Delete every replica whose deletion window ended by ``now``, in its own Region."""
        for replica in [r for r in self.replicas if r.state == PENDING_DELETION]:
            if replica.deletion_due(now):
                replica.store.delete(replica)  # calls ``detach``

    def detach(self, key: Key) -> None:
        """``key`` was deleted. When a primary pending replica deletion loses its last replica,
        its own waiting period (PendingWindowInDays) begins at that moment."""
        if key is self.primary or key not in self.replicas:
            return
        self.replicas.remove(key)
        if key.deletion_date is not None and (
            self.last_replica_deleted is None or key.deletion_date > self.last_replica_deleted
        ):
            self.last_replica_deleted = key.deletion_date
        primary = self.primary
        if self.replicas or primary.state != PENDING_REPLICA_DELETION:
            return
        assert primary.pending_window is not None
        assert self.last_replica_deleted is not None
        primary.state = PENDING_DELETION
        primary.deletion_date = self.last_replica_deleted + timedelta(days=primary.pending_window)


class Backend:
    """Everything one activation knows. Create one per outermost ``mock_kms`` activation."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT) -> None:
        self.default_account = account_id
        self.lock = threading.RLock()
        # Added to the clock's reading for this backend's requests. Zero unless the local
        # endpoint's clock control moved it: that moves this backend's time only.
        self.clock_offset = timedelta(0)
        self._stores: dict[tuple[str, str], RegionStore] = {}
        # What the test sees of and does to the requests (leaves, recorded by protocol.handle)
        self.calls = CallLog()
        self.faults = Faults()

    def store(self, account: str, region: str) -> RegionStore:
        found = self._stores.get((account, region))
        if found is None:
            found = self._stores[(account, region)] = RegionStore(account, region)
        return found

    def peek(self, account: str, region: str) -> RegionStore:
        """The store, or an empty one that is not kept: for lookups naming another account,
        which must find nothing there without leaving a store behind for every name tried."""
        return self._stores.get((account, region)) or RegionStore(account, region)

    def stores(self) -> list[RegionStore]:
        return list(self._stores.values())
