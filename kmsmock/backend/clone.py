"""Copies of a whole ``Backend``: a frozen one for a snapshot held in memory, and a restored
one that copies each key from it only when the key is first read (copy on read).

``Frozen.of(backend)`` copies every record now, so the live state can go on changing.
``frozen.thaw()`` makes a new ``Backend`` whose dictionaries of keys and aliases share the
frozen records until a read copies one: restoring costs the same for 10 keys or 10,000, and
each test pays only for the keys it touches. What is immutable — material versions that were
not imported, private keys, key specs, policies (strings) — is shared, never copied.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from .key import ImportedMaterial, Key, Material
from .keystore import CustomKeyStores
from .store import Alias, Backend, MultiRegionSet, RegionStore

V = TypeVar("V")


class CopyOnRead(dict[str, V]):
    """A dict whose values are a frozen template's own objects until read: every way of reading
    a value (``[]``, ``get``, ``values``, ``items``, ``pop``) first replaces a shared one by a
    copy of its own, so nothing reached through it is ever the template's."""

    __slots__ = ("_copy", "_template")

    def __init__(self, template: dict[str, V], copy_value: Callable[[V], V]) -> None:
        super().__init__(template)
        self._template = template
        self._copy = copy_value

    def _own(self, name: str, value: V) -> V:
        if self._template.get(name) is value:
            value = self._copy(value)
            dict.__setitem__(self, name, value)
        return value

    def __getitem__(self, name: str) -> V:
        return self._own(name, dict.__getitem__(self, name))

    def get(self, name: str, default: Any = None) -> Any:
        value = dict.get(self, name)
        return default if value is None else self._own(name, value)

    def values(self) -> list[V]:  # type: ignore[override]
        return [self._own(name, value) for name, value in list(dict.items(self))]

    def items(self) -> list[tuple[str, V]]:  # type: ignore[override]
        return [(name, self._own(name, value)) for name, value in list(dict.items(self))]

    def pop(self, name: str, *default: Any) -> Any:
        self.get(name)
        return dict.pop(self, name, *default)

    def popitem(self) -> tuple[str, V]:
        name = next(reversed(list(dict.keys(self))))
        return name, self.pop(name)

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name in self:
            return self[name]
        dict.__setitem__(self, name, default)
        return default

    def copy(self) -> dict[str, V]:
        return dict(self.items())

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self)


def copy_key(key: Key, store: RegionStore) -> Key:
    """A key of ``store`` with ``key``'s state; its mutable records are its own."""
    new = Key.__new__(Key)
    for name in Key.__slots__:
        setattr(new, name, getattr(key, name))
    new.store = store
    new.materials = [_material(m) for m in key.materials]
    if key.pending_material is not None:
        new.pending_material = replace(key.pending_material)
    if key.tags is not None:
        new.tags = dict(key.tags)
    if key.grants is not None:
        new.grants = dict(key.grants)  # grants are never changed, only added and removed
    if key.last_usage is not None:
        new.last_usage = replace(key.last_usage)
    return new


def _material(m: Material) -> Material:
    # Only imported material changes (deleted or expired); other versions are immutable.
    return replace(m) if isinstance(m, ImportedMaterial) else m


def _alias(alias: Alias) -> Alias:
    return Alias(alias.name, alias.target, alias.created, alias.updated)


def _copy_custom_key_stores(src: CustomKeyStores, dst: CustomKeyStores) -> None:
    for cks_id, cks in src.items():
        new = copy.copy(cks)
        new.keys = dict(cks.keys)
        new.xks = copy.copy(cks.xks)
        dst[cks_id] = new
    dst.clusters = {k: copy.copy(c) for k, c in src.clusters.items()}
    dst.proxies = {k: copy.deepcopy(p) for k, p in src.proxies.items()}
    dst.connect_delay = dict(src.connect_delay)


def _copy_store(src: RegionStore, dst: RegionStore, lazy: bool) -> None:
    if lazy:
        dst.keys = CopyOnRead(src.keys, lambda key: copy_key(key, dst))
        dst.aliases = CopyOnRead(src.aliases, _alias)
    else:
        dst.keys = {kid: copy_key(k, dst) for kid, k in dict.items(src.keys)}
        dst.aliases = {name: _alias(a) for name, a in dict.items(src.aliases)}
    dst.deleted = set(src.deleted)
    dst.import_parameters = dict(src.import_parameters)  # never changed, only added/removed
    _copy_custom_key_stores(src.custom_key_stores, dst.custom_key_stores)
    dst._order = list(src._order)
    dst._seqs = list(src._seqs)
    dst._next_seq = src._next_seq
    dst._holes = src._holes


def _copy_sets(sets: list[MultiRegionSet], backend: Backend) -> None:
    """Related multi-Region keys are copied together, now: they refer to each other (and the
    replicas of a primary made in AWS share its list of material versions)."""
    for old in sets:
        members = [old.primary, *old.replicas]
        copies = []
        for member in members:
            store = backend.store(member.store.account, member.store.region)
            new = copy_key(member, store)
            dict.__setitem__(store.keys, new.key_id, new)
            copies.append(new)
        related = MultiRegionSet(copies[0])
        related.replicas = copies[1:]
        related.last_replica_deleted = old.last_replica_deleted
        for member, new in zip(members, copies, strict=True):
            new.mr_set = related
            if member is not old.primary and member.materials is old.primary.materials:
                new.materials = copies[0].materials


def multi_region_sets(backend: Backend) -> list[MultiRegionSet]:
    """Every set of related multi-Region keys, once each."""
    found: dict[int, MultiRegionSet] = {}
    for store in backend.stores():
        for key in dict.values(store.keys):
            if key.mr_set is not None:
                found.setdefault(id(key.mr_set), key.mr_set)
    return list(found.values())


def copy_backend(src: Backend, *, lazy: bool, sets: list[MultiRegionSet] | None = None) -> Backend:
    new = Backend(src.default_account)
    new.clock_offset = src.clock_offset
    new.source = src.source.copy()
    for store in src.stores():
        _copy_store(store, new.store(store.account, store.region), lazy)
    _copy_sets(multi_region_sets(src) if sets is None else sets, new)
    return new


class Frozen:
    """A snapshot held in memory: ``KmsMock.freeze()``; restored by ``KmsMock.restore``.

    Immutable once made, so one may be shared by every test of a session (and restored in
    any number of activations, one after another)."""

    __slots__ = ("_backend", "_sets")

    def __init__(self, backend: Backend) -> None:
        self._backend = backend  # never served: only copied from
        self._sets = multi_region_sets(backend)

    @classmethod
    def of(cls, backend: Backend) -> Frozen:
        with backend.lock:
            return cls(copy_backend(backend, lazy=False))

    @property
    def account_id(self) -> str:
        return self._backend.default_account

    def thaw(self) -> Backend:
        """A new backend with this state, copying each key when first read."""
        return copy_backend(self._backend, lazy=True, sets=self._sets)

    def __repr__(self) -> str:
        count = sum(len(s.keys) for s in self._backend.stores())
        return f"<kmsmock.Frozen {count} keys, account {self.account_id}>"
