"""Seeding: keys declared up front — fixed ids, aliases, tags, policies, specs, rotation
settings and material — so ciphertexts committed with a test suite decrypt in every run.

``KmsMock.seed(declarations)`` or ``mock_kms(seed_keys=declarations)``, where
``declarations`` is a mapping ``{"keys": [...]}`` (or the list itself) or the path of a JSON
file holding one (YAML too, with the ``yaml`` extra: ``pip install kmsmock[yaml]``). Each key:

    id             its key id (a UUID; ``mrk-`` + 32 hex for a multi-Region key); default new
    region         default "us-east-1" (or ``seed(..., region=)``); account: the activation's
    spec, usage    default SYMMETRIC_DEFAULT / the spec's first usage (ENCRYPT_DECRYPT ...)
    description, tags ({"Name": "Value"}), policy (a JSON string or an object),
    aliases        ["alias/app", ...]
    multi_region   false;  enabled: true (false: Disabled);  created: ISO 8601, default now
    rotation_period_days   turns automatic rotation on; next_rotation: when it next rotates
    material       symmetric keys: the material versions, oldest first, each 32 bytes as
                   base64, or {"hex": ...} / {"base64": ...} with optional "id", "created"
    private_key    asymmetric keys: PKCS#8 DER as base64 (HMAC keys: the raw secret)
    material_seed  any string instead: the material (one version, or ``versions`` of them)
                   or the private key is derived from it, the same in every run

Every declaration is checked before any key is created; ``SeedError`` names the first one that
kmsmock cannot honour.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from . import clock

if TYPE_CHECKING:  # imported where used: ``import kmsmock`` should not load the backend
    from .backend.key import Key, Material
    from .backend.store import Backend, RegionStore

SeedSource: TypeAlias = "Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | os.PathLike[str]"

_KEY_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MRK_ID = re.compile(r"^mrk-[0-9a-f]{32}$")
_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]{1,250}$")
_FIELDS = {
    "id", "region", "spec", "usage", "description", "tags", "policy", "aliases", "multi_region",
    "enabled", "created", "rotation_period_days", "next_rotation", "material", "private_key",
    "material_seed", "versions",
}  # fmt: skip


class SeedError(ValueError):
    """A key declaration kmsmock cannot honour; nothing was created."""


def check_key_id(key_id: str) -> None:
    if not (_KEY_ID.match(key_id) or _MRK_ID.match(key_id)):
        raise SeedError(f"key id {key_id!r} is neither a lowercase UUID nor mrk- and 32 hex digits")


def load(source: SeedSource) -> list[Mapping[str, Any]]:
    """The key declarations ``source`` holds."""
    if isinstance(source, (str, os.PathLike)):
        source = _read_file(Path(source))
    if isinstance(source, Mapping):
        source = source.get("keys", None)
    if not isinstance(source, Sequence) or isinstance(source, (str, bytes)):
        raise SeedError('seed keys: expected {"keys": [...]} or a list of key declarations')
    for i, decl in enumerate(source):
        if not isinstance(decl, Mapping):
            raise SeedError(f"seed keys[{i}]: expected an object, got {decl!r:.60}")
    return list(source)


def _read_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"seed keys: cannot read {path}: {exc.strerror}") from None
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise SeedError(
                f"seed keys: {path} is YAML, which needs PyYAML: pip install kmsmock[yaml]"
            ) from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SeedError(f"seed keys: {path}: not YAML ({exc})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SeedError(f"seed keys: {path}: not JSON ({exc})") from None


@dataclass
class _Plan:
    """One declared key, checked and ready to create."""

    store: RegionStore
    key: Key
    aliases: list[str]
    private: Any


def seed(backend: Backend, source: SeedSource, *, region: str) -> list[str]:
    from .backend.store import Alias

    declarations = load(source)
    now = clock.now() + backend.clock_offset
    with backend.lock:
        plans: list[_Plan] = []
        for i, decl in enumerate(declarations):
            try:
                plans.append(_plan(backend, decl, region, now, plans))
            except SeedError as exc:
                raise SeedError(f"seed keys[{i}] ({decl.get('id', 'no id')}): {exc}") from None
        for plan in plans:
            plan.store.add(plan.key)
            if plan.private is not None:
                plan.key.private = plan.private
            for name in plan.aliases:
                plan.store.aliases[name] = Alias(name, plan.key.key_id, now, now)
        return [plan.key.key_id for plan in plans]


def _plan(
    backend: Backend, decl: Mapping[str, Any], region: str, now: datetime, earlier: list[_Plan]
) -> _Plan:
    from .backend.key import Key
    from .crypto import families

    unknown = sorted(set(decl) - _FIELDS)
    if unknown:
        raise SeedError(f"unknown fields {unknown}; known: {sorted(_FIELDS)}")
    store = backend.store(backend.default_account, str(decl.get("region", region)))
    spec_name = decl.get("spec", "SYMMETRIC_DEFAULT")
    spec = families.spec(spec_name)
    if spec is None:
        raise SeedError(f"unknown key spec {spec_name!r}")
    usage = decl.get("usage", next(iter(spec.usages)))
    if usage not in spec.usages:
        raise SeedError(f"{spec_name} keys take usage {' or '.join(spec.usages)}, not {usage!r}")
    multi_region = bool(decl.get("multi_region", False))
    taken = {p.key.key_id for p in earlier if p.store is store}
    key_id = decl.get("id")
    if key_id is None:
        key_id = store.new_key_id(multi_region)
    else:
        check_key_id(key_id)
        if key_id.startswith("mrk-") != multi_region:
            raise SeedError("a multi-Region key's id starts with mrk- (and only such a key's)")
        if key_id in store.keys or key_id in store.deleted or key_id in taken:
            raise SeedError(f"a key {key_id} already exists in {store.region}")
    created = _time(decl.get("created")) or now
    policy = decl.get("policy")
    if isinstance(policy, Mapping):
        policy = json.dumps(policy)
    tags = decl.get("tags")
    if tags is not None and not (
        isinstance(tags, Mapping) and all(isinstance(v, str) for v in tags.values())
    ):
        raise SeedError('tags are an object of strings: {"TagKey": "TagValue"}')
    _check_as_create_key(policy, tags)
    key = Key(
        store,
        key_id,
        spec,
        usage,
        created,
        description=str(decl.get("description", "")),
        multi_region=multi_region,
        policy=policy,
        tags=dict(tags) if tags else None,
    )
    if decl.get("enabled", True) is False:
        key.state = "Disabled"
    private = _material(key, decl)
    period = decl.get("rotation_period_days")
    if period is not None:
        if not spec.symmetric:
            raise SeedError(f"{spec_name} keys do not rotate automatically")
        if not isinstance(period, int) or not 90 <= period <= 2560:
            raise SeedError("rotation_period_days is a whole number from 90 to 2560")
        # The schedule counts from the newest version, unless the declaration says when
        key.enable_rotation(key.current.created if key.current else created, period)
        key.next_rotation = _time(decl.get("next_rotation")) or key.next_rotation
    aliases = list(decl.get("aliases", []))
    claimed = {a for p in earlier if p.store is store for a in p.aliases}
    for name in aliases:
        if not isinstance(name, str) or not _ALIAS.match(name) or name.startswith("alias/aws/"):
            raise SeedError(f"{name!r} is not an alias name a key can have (alias/...)")
        if name in store.aliases or name in claimed:
            raise SeedError(f"alias {name} already exists in {store.region}")
    return _Plan(store, key, aliases, private)


def _check_as_create_key(policy: Any, tags: Mapping[str, str] | None) -> None:
    """What CreateKey would refuse in a policy or tags (a seeded policy may lock the account
    out: the test asked for it, as with BypassPolicyLockoutSafetyCheck)."""
    from .errors import KMSError
    from .operations.policies import check_document
    from .operations.tags import check_new_tags

    try:
        if policy is not None:
            check_document(str(policy))
        check_new_tags([{"TagKey": k, "TagValue": v} for k, v in (tags or {}).items()], None)
    except KMSError as exc:
        raise SeedError(f"CreateKey would refuse it: {exc.code}: {exc.message}") from None


def _material(key: Key, decl: Mapping[str, Any]) -> Any:
    """Sets a symmetric key's declared versions; an asymmetric key's private key, returned."""
    from .backend.source import stream
    from .crypto.families import InvalidMaterial, generate

    seed_text = decl.get("material_seed")
    declared = decl.get("material")
    private = decl.get("private_key")
    if key.spec.symmetric:
        if private is not None:
            raise SeedError("a symmetric key has material versions, not a private_key")
        if seed_text is not None:
            count = int(decl.get("versions", 1))
            declared = [_derived(str(seed_text), n) for n in range(count)]
        if declared is not None:
            versions = [_version(v, key.created) for v in declared]
            if not versions:
                raise SeedError("material lists no versions")
            for m, later in itertools.pairwise(versions):
                later.rotation_type = later.rotation_type or "ON_DEMAND"
                if later.created < m.created:
                    later.created = m.created
            key.materials = versions
        return None
    if declared is not None:
        raise SeedError(f"{key.spec.name} keys hold a private_key, not material versions")
    if seed_text is not None:
        return generate(key.spec, stream(f"kmsmock seed key/{seed_text}".encode()))
    if private is None:
        return None  # made on first use, as for any key
    try:
        return key.spec.family.load(key.spec, _bytes(private))
    except InvalidMaterial:
        raise SeedError(f"private_key is not a {key.spec.name} private key (PKCS#8 DER)") from None


def _derived(seed_text: str, n: int) -> dict[str, str]:
    secret = hashlib.shake_256(f"kmsmock seed material/{seed_text}/{n}".encode()).digest(32)
    return {"hex": secret.hex()}


def _version(value: Any, created: datetime) -> Material:
    from .backend.key import Material

    entry = value if isinstance(value, Mapping) else {"base64": value}
    if "hex" in entry:
        try:
            secret = bytes.fromhex(str(entry["hex"]))
        except ValueError:
            raise SeedError("material hex is not hexadecimal") from None
    else:
        secret = _bytes(entry.get("base64"))
    if len(secret) != 32:
        raise SeedError(f"symmetric key material is 32 bytes, got {len(secret)}")
    material_id = entry.get("id") or hashlib.sha256(b"kmsmock material/" + secret).hexdigest()
    if not re.fullmatch(r"[0-9a-f]{64}", str(material_id)):
        raise SeedError("a material id is 64 lowercase hex digits")
    return Material(str(material_id), secret, _time(entry.get("created")) or created)


def _bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except binascii.Error:
        raise SeedError(f"not base64: {str(value)[:40]!r}") from None


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise SeedError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
