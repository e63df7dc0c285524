"""All state of one activation: accounts x regions, each with its keys and aliases.

Pure Python objects, no botocore. One re-entrant lock guards every request (``Backend.lock``);
the operations layer takes it, so objects here assume they are called under it.
"""

from __future__ import annotations

import bisect
import functools
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..calls import CallLog
from ..faults import Faults
from . import DEFAULT_ACCOUNT as DEFAULT_ACCOUNT
from .journal import Journal
from .key import PENDING_DELETION, PENDING_REPLICA_DELETION, Key
from .source import Source, uuid_from

if TYPE_CHECKING:
    from ..access import Identity
    from .import_parameters import ImportParameters
    from .keystore import CustomKeyStores


def random_uuid() -> str:
    """A random (version 4) UUID string: ``str(uuid.uuid4())`` at half the cost."""
    return uuid_from(os.urandom(16))


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

    def __init__(
        self,
        account: str,
        region: str,
        journal: Journal | None = None,
        source: Source | None = None,
    ) -> None:
        self.source = source or Source()  # the activation's ids and material (``Backend``)
        self.account = account
        self.region = region
        # Where this store's service events are recorded (None: a throwaway store of ``peek``)
        self.journal = journal
        self.partition = partition_for(region)
        self.arn_prefix = f"arn:{self.partition}:kms:{region}:{account}:"
        self.keys: dict[str, Key] = {}
        self.aliases: dict[str, Alias] = {}
        # Ids of deleted keys: a ciphertext naming one gets "does not exist", while a blob
        # naming a key that never existed is simply not a valid ciphertext.
        self.deleted: set[str] = set()
        # GetParametersForImport's outstanding wrapping keys, by import-token id
        self.import_parameters: dict[str, ImportParameters] = {}
        # Key ids in creation order for ListKeys paging: a marker is a sequence number, found by
        # bisection, so every page costs its own size. Deleted keys leave holes until compacted.
        # Ids, not keys: a restored snapshot copies a key only when it is first read.
        self._order: list[str] = []
        self._seqs: list[int] = []
        self._next_seq = 1
        self._holes = 0

    @functools.cached_property
    def custom_key_stores(self) -> CustomKeyStores:
        """Custom key stores (CloudHSM and external) by id, and the backing world they lean on;
        made when first touched, so a test without any never imports their module (issue 12)."""
        from .keystore import CustomKeyStores

        return CustomKeyStores(self.source)

    def key_arn(self, key_id: str) -> str:
        return f"{self.arn_prefix}key/{key_id}"

    def alias_arn(self, alias_name: str) -> str:
        return f"{self.arn_prefix}{alias_name}"

    # -- keys -----------------------------------------------------------------------------

    def new_key_id(self, multi_region: bool) -> str:
        return self.source.next_key_id(multi_region, self._taken)

    def _taken(self, key_id: str) -> bool:
        return key_id in self.keys or key_id in self.deleted

    def add(self, key: Key) -> Key:
        self._compact()
        key.seq = self._next_seq
        self._next_seq += 1
        self.keys[key.key_id] = key
        self.deleted.discard(key.key_id)  # a replica may come back where one was deleted
        self._order.append(key.key_id)
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
        if self.journal is not None and key.deletion_date is not None:
            self.journal.deleted(key, key.deletion_date)  # on the day the window ended
        self.deleted.add(key.key_id)
        if key.mr_set is not None:
            key.mr_set.detach(key)
        for name in [a.name for a in self.aliases.values() if a.target == key.key_id]:
            del self.aliases[name]
        self._holes += 1  # compacted by the next listing: a listing may be what deleted it

    def _compact(self) -> None:
        """Drop the creation order's entries of deleted keys once they are most of it."""
        if self._holes > 64 and self._holes * 2 > len(self._order):
            keys = self.keys  # read with ``dict.get``: no copy of a key shared with a snapshot
            pairs = zip(self._order, self._seqs, strict=True)
            live = [(i, s) for i, s in pairs if _seq(dict.get(keys, i)) == s]
            self._order = [i for i, _ in live]
            self._seqs = [s for _, s in live]
            self._holes = 0

    def page(self, after_seq: int, limit: int, now: datetime) -> tuple[list[Key], int | None]:
        """Up to ``limit`` live keys created after ``after_seq``, and the marker for the rest.
        Keys whose deletion window ended are deleted as the listing meets them, so the order is
        compacted before it is walked, never while."""
        self._compact()
        out: list[Key] = []
        end = len(self._order)
        i = bisect.bisect_right(self._seqs, after_seq)
        keys, order, seqs, exists = self.keys, self._order, self._seqs, self._exists
        while i < end and len(out) < limit:  # ``_live``, inlined: a page walks 100 keys
            key = keys.get(order[i])
            if key is not None and key.seq == seqs[i] and exists(key, now):
                out.append(key)
            i += 1
        live = self._live
        while i < end and live(i, now) is None:
            i += 1  # skip holes so a marker is only returned when a key really follows
        return out, (out[-1].seq if out and i < end else None)

    def _live(self, i: int, now: datetime) -> Key | None:
        """The ``i``-th key created here if it still exists as of ``now`` (deleted here if its
        window has ended), else None.

        Rotations are not caught up: a listing shows no material, and the next request that
        touches the key (through ``get``) materialises them with their scheduled dates.
        """
        key = self.keys.get(self._order[i])
        if key is None or key.seq != self._seqs[i] or not self._exists(key, now):
            return None
        return key

    def sweep(self, now: datetime) -> None:
        """Delete every key whose deletion date has passed (for listings that show them all)."""
        for key_id in [  # read with ``dict.values``: only the keys that may go are copied
            k.key_id
            for k in dict.values(self.keys)
            if k.state in (PENDING_DELETION, PENDING_REPLICA_DELETION) or k.mr_set is not None
        ]:
            key = self.keys.get(key_id)
            if key is not None:
                self._exists(key, now)


def _seq(key: Key | None) -> int:
    return -1 if key is None else key.seq


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

    def __init__(self, account_id: str = DEFAULT_ACCOUNT, *, seed: int | None = None) -> None:
        self.default_account = account_id
        self.lock = threading.RLock()
        # Ids and material: random, or reproducible from ``seed`` (deterministic mode)
        self.source = Source(seed)
        # Added to the clock's reading for this backend's requests. Zero unless the local
        # endpoint's clock control moved it: that moves this backend's time only.
        self.clock_offset = timedelta(0)
        self._stores: dict[tuple[str, str], RegionStore] = {}
        # API calls and service events, for ``kmsmock.events`` (CloudTrail and EventBridge)
        self.journal = Journal()
        # Declared principals by access key (kmsmock.principals). Empty: every request is the
        # default account's root, whatever it is signed with.
        self.identities: dict[str, Identity] = {}
        # Condition keys every request carries that kmsmock cannot observe (aws:SourceIp, ...)
        self.condition_keys: dict[str, object] = {}
        # What the test sees of and does to the requests (leaves, recorded by protocol.handle)
        self.calls = CallLog()
        self.faults = Faults()

    def store(self, account: str, region: str) -> RegionStore:
        found = self._stores.get((account, region))
        if found is None:
            found = self._stores[(account, region)] = RegionStore(
                account, region, self.journal, self.source
            )
        return found

    def peek(self, account: str, region: str) -> RegionStore:
        """The store, or an empty one that is not kept: for lookups naming another account,
        which must find nothing there without leaving a store behind for every name tried."""
        return self._stores.get((account, region)) or RegionStore(
            account, region, source=self.source
        )

    def stores(self) -> list[RegionStore]:
        return list(self._stores.values())

    def take_state(self, other: Backend) -> None:
        """Serve ``other``'s state from now on (a restored snapshot, built completely before
        this swap, so a failed restore leaves the running state as it was)."""
        with self.lock:
            self._stores = other._stores
            self.clock_offset = other.clock_offset
            self.source = other.source  # its stores hold the same source
            for store in self._stores.values():  # what happens from now on is this one's story
                store.journal = self.journal
