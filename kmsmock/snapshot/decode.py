"""A snapshot document back into a new ``Backend``, checked member by member.

Everything is read into a fresh backend, never into the running one: the first member that is
missing, of the wrong type or inconsistent raises ``SnapshotError`` naming it, and the caller
swaps the new state in only once the whole document has been read.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta, timezone
from typing import Any

from ..backend.grant import Grant
from ..backend.import_parameters import ImportParameters
from ..backend.key import ImportedMaterial, Key, Material, Usage
from ..backend.keystore import CustomKeyStore, CustomKeyStores, XksProxyConfig
from ..backend.outside import Cluster, Proxy
from ..backend.store import Alias, Backend, MultiRegionSet, RegionStore
from ..crypto import families
from ..crypto.families import InvalidMaterial
from . import FORMAT, VERSION, SnapshotError


class Reader:
    """One member of the document and where it is (for the error message)."""

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, why: str) -> SnapshotError:
        return SnapshotError(f"kmsmock snapshot: {self.path or 'document'}: {why}")

    def __getitem__(self, name: str) -> Reader:
        if not isinstance(self.value, dict):
            raise self.fail("expected an object")
        if name not in self.value:
            raise self.fail(f"missing member {name!r}")
        return Reader(self.value[name], f"{self.path}.{name}" if self.path else name)

    def opt(self, name: str) -> Reader | None:
        found = self[name]
        return None if found.value is None else found

    def items(self) -> list[Reader]:
        if not isinstance(self.value, list):
            raise self.fail("expected a list")
        return [Reader(v, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def typed(self, kind: type | tuple[type, ...], what: str) -> Any:
        if not isinstance(self.value, kind) or (kind is int and isinstance(self.value, bool)):
            raise self.fail(f"expected {what}, got {self.value!r:.60}")
        return self.value

    def text(self) -> str:
        return str(self.typed(str, "a string"))

    def int(self) -> int:
        return int(self.typed(int, "an integer"))

    def bool(self) -> bool:
        return bool(self.typed(bool, "true or false"))

    def number(self) -> float:
        return float(self.typed((int, float), "a number"))

    def mapping(self) -> dict[str, Any]:
        return dict(self.typed(dict, "an object"))

    def bytes(self) -> bytes:
        try:
            return base64.b64decode(self.text(), validate=True)
        except binascii.Error:
            raise self.fail("not base64") from None

    def time(self) -> datetime:
        try:
            moment = datetime.fromisoformat(self.text())
        except ValueError:
            raise self.fail(f"not an ISO 8601 time: {self.value!r:.60}") from None
        if moment.tzinfo is None:
            raise self.fail("a time without a UTC offset")
        return moment.astimezone(timezone.utc)


def _opt_str(r: Reader, name: str) -> str | None:
    found = r.opt(name)
    return None if found is None else found.text()


def _opt_int(r: Reader, name: str) -> int | None:
    found = r.opt(name)
    return None if found is None else found.int()


def _opt_time(r: Reader, name: str) -> datetime | None:
    found = r.opt(name)
    return None if found is None else found.time()


def check_header(doc: Any) -> Reader:
    root = Reader(doc, "")
    if not isinstance(doc, dict) or FORMAT not in doc:
        raise SnapshotError(
            f"kmsmock snapshot: not a kmsmock snapshot (no {FORMAT!r} member); make one with "
            "KmsMock.snapshot() or KmsMock.save(path)"
        )
    if doc[FORMAT] != VERSION:
        raise SnapshotError(
            f"kmsmock snapshot: format version {doc[FORMAT]!r}; this kmsmock reads version "
            f"{VERSION}"
        )
    return root


def backend(doc: Any, account_id: str) -> Backend:
    """A new backend holding the state ``doc`` describes, served as ``account_id``."""
    try:
        return _backend(doc, account_id)
    except SnapshotError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        raise SnapshotError(f"kmsmock snapshot: corrupt document: {exc!r:.200}") from None


def _backend(doc: Any, account_id: str) -> Backend:
    root = check_header(doc)
    found = root["account_id"].text()
    if found != account_id:
        raise root["account_id"].fail(
            f"the snapshot was made in account {found!r}, this activation serves "
            f"{account_id!r}: restore it under mock_kms(account_id={found!r})"
        )
    random = root["random"]
    new = Backend(account_id, seed=_opt_int(random, "seed"))
    new.clock_offset = timedelta(seconds=root["clock_offset_seconds"].number())
    for r in root["stores"].items():
        _store(r, new)
    for r in root["multi_region_sets"].items():
        _multi_region_set(r, new)
    # Last: building the keys above drew from the generator
    state = random["state"].value
    if state is not None:
        try:
            new.source.set_state(state)
        except (TypeError, ValueError):
            raise random["state"].fail("not a generator state") from None
    new.source.key_ids.extend(r.text() for r in root["expected_key_ids"].items())
    return new


def _store(r: Reader, backend: Backend) -> None:
    store = backend.store(r["account"].text(), r["region"].text())
    if store.keys or store.aliases:
        raise r.fail(f"a second record of account {store.account} in {store.region}")
    last = 0
    for k in r["keys"].items():
        key = _key(k, store)
        if key.key_id in store.keys:
            raise k["key_id"].fail(f"a second key {key.key_id!r}")
        seq = key.seq
        if seq <= last:
            raise k["seq"].fail("keys are listed in creation order, each seq above the last")
        store.add(key)
        key.seq = store._seqs[-1] = last = seq  # keep the listing order the snapshot had
    store._next_seq = max(r["next_seq"].int(), last + 1)
    for a in r["aliases"].items():
        name, target = a["name"].text(), a["target"].text()
        if target not in store.keys:
            raise a["target"].fail(f"alias {name!r} names a key that is not in its store")
        store.aliases[name] = Alias(name, target, a["created"].time(), a["updated"].time())
    store.deleted.update(d.text() for d in r["deleted_key_ids"].items())
    for p in r["import_parameters"].items():
        store.import_parameters[p["token_id"].text()] = ImportParameters(
            p["key_id"].text(),
            _private(p["wrapping_key"], p["wrapping_spec"].text()),
            p["algorithm"].text(),
            p["valid_to"].time(),
        )
    _custom_key_stores(r["custom_key_stores"], store.custom_key_stores)


def _spec(r: Reader, name: str | None = None) -> Any:
    """The key spec ``r`` holds (or that ``name``, read beside it, names)."""
    name = r.text() if name is None else name
    spec = families.spec(name)
    if spec is None:
        raise r.fail(f"unknown key spec {name!r}")
    return spec


def _private(r: Reader, spec_name: str) -> Any:
    spec = _spec(r, spec_name)
    try:
        return spec.family.load(spec, r.bytes())
    except InvalidMaterial:
        raise r.fail(f"not a private key of spec {spec_name}") from None


def _key(r: Reader, store: RegionStore) -> Key:
    spec = _spec(r["spec"])
    usage = r["usage"].text()
    if usage not in spec.usages:
        raise r["usage"].fail(f"{spec.name} keys do not {usage}")
    key = Key(
        store,
        r["key_id"].text(),
        spec,
        usage,
        r["created"].time(),
        origin=r["origin"].text(),
        description=r["description"].text(),
        multi_region=r["multi_region"].bool(),
        manager=r["manager"].text(),
        policy=_opt_str(r, "policy"),
        tags=None if r.opt("tags") is None else r["tags"].mapping(),
    )
    key.seq = r["seq"].int()
    key.state = r["state"].text()
    key.deletion_date = _opt_time(r, "deletion_date")
    key.pending_window = _opt_int(r, "pending_window")
    key.materials = [material(m) for m in r["materials"].items()]
    pending = r.opt("pending_material")
    if pending is not None:
        staged = material(pending)
        if not isinstance(staged, ImportedMaterial):
            raise pending.fail("staged material is imported material")
        key.pending_material = staged
    held = r.opt("private")
    if held is not None:
        key.private = _private(held, spec.name)
    key.rotation_period = _opt_int(r, "rotation_period")
    key.next_rotation = _opt_time(r, "next_rotation")
    key.on_demand_rotations = r["on_demand_rotations"].int()
    used = r.opt("last_usage")
    if used is not None:
        key.last_usage = Usage(
            used["operation"].text(),
            used["when"].time(),
            used["request_id"].text(),
            _opt_str(used, "event_id"),
        )
    grants = [_grant(g) for g in r["grants"].items()]
    key.grants = {g.grant_id: g for g in grants} or None
    key.custom_key_store_id = _opt_str(r, "custom_key_store_id")
    return key


def material(r: Reader) -> Material:
    args = (r["id"].text(), r["secret"].bytes(), r["created"].time(), _opt_str(r, "rotation_type"))
    imported = r.opt("imported") if "imported" in r.mapping() else None
    if imported is None:
        if len(args[1]) != 32:
            raise r["secret"].fail("symmetric key material is 32 bytes")
        return Material(*args)
    return ImportedMaterial(
        *args,
        imported=imported["present"].bool(),
        expiration_model=imported["expiration_model"].text(),
        valid_to=_opt_time(imported, "valid_to"),
        description=_opt_str(imported, "description"),
    )


def _pair(r: Reader) -> tuple[str, str]:
    items = r.items()
    if len(items) != 2:
        raise r.fail("expected [member, value]")
    return items[0].text(), items[1].text()


def _grant(r: Reader) -> Grant:
    retiring = r.opt("retiring")
    constraints = r.opt("constraints")
    return Grant(
        r["grant_id"].text(),
        _opt_str(r, "name"),
        r["created"].time(),
        _pair(r["grantee"]),
        None if retiring is None else _pair(retiring),
        [o.text() for o in r["operations"].items()],
        None if constraints is None else constraints.mapping(),
    )


def _custom_key_stores(r: Reader, stores: CustomKeyStores) -> None:
    for s in r["stores"].items():
        xks = s.opt("xks")
        cks = CustomKeyStore(
            s["id"].text(),
            s["name"].text(),
            s["type"].text(),
            s["created"].time(),
            cluster_id=_opt_str(s, "cluster_id"),
            trust_anchor=_opt_str(s, "trust_anchor"),
            password=_opt_str(s, "password"),
            xks=None if xks is None else _build(xks, XksProxyConfig),
            connection=s["connection"].text(),
            due=_opt_time(s, "due"),
            outcome=_opt_str(s, "outcome"),
            error_code=_opt_str(s, "error_code"),
            keys=s["keys"].mapping(),
        )
        stores[cks.id] = cks
    stores.clusters = {k: _build(v, Cluster) for k, v in _members(r["clusters"])}
    stores.proxies = {k: _proxy(v) for k, v in _members(r["proxies"])}
    delays = r["connect_delay_seconds"]
    stores.connect_delay = {k: timedelta(seconds=v.number()) for k, v in _members(delays)}


def _members(r: Reader) -> list[tuple[str, Reader]]:
    return [(name, r[name]) for name in r.mapping()]


def _build(r: Reader, cls: Any) -> Any:
    try:
        return cls(**r.mapping())
    except TypeError as exc:
        raise r.fail(f"not a {cls.__name__}: {exc}") from None


def _proxy(r: Reader) -> Proxy:
    proxy: Proxy = _build(r, Proxy)
    if proxy.credential is not None:
        proxy.credential = _pair(r["credential"])
    return proxy


def _multi_region_set(r: Reader, backend: Backend) -> None:
    account, key_id = r["account"].text(), r["key_id"].text()

    def member(region: Reader) -> Key:
        key = backend.peek(account, region.text()).keys.get(key_id)
        if key is None:
            raise region.fail(f"no key {key_id!r} in {account} {region.value}")
        return key

    primary = member(r["primary_region"])
    related = MultiRegionSet(primary)
    related.replicas = [member(region) for region in r["replica_regions"].items()]
    related.last_replica_deleted = _opt_time(r, "last_replica_deleted")
    for key in [primary, *related.replicas]:
        key.mr_set = related
        if key is not primary and key.origin == "AWS_KMS":
            key.materials = primary.materials  # one list of versions, as ReplicateKey made it
            key.private = primary.private
