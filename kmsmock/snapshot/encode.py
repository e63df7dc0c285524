"""A ``Backend`` as a snapshot document: plain JSON types only (bytes in base64, times in
ISO 8601 UTC), every material version and private key included (PKCS#8 DER; HMAC: the raw
secret), so a restored key decrypts, verifies and rotates as the original would have."""

from __future__ import annotations

import base64
from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..backend.clone import multi_region_sets
from ..backend.grant import Grant
from ..backend.import_parameters import ImportParameters
from ..backend.key import ImportedMaterial, Key, Material
from ..backend.keystore import CustomKeyStores
from ..backend.store import Backend, RegionStore
from ..crypto.families import PrivateMaterial
from ..crypto.sm2 import SM2PrivateKey
from . import FORMAT, VERSION

Doc = dict[str, Any]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def document(backend: Backend) -> Doc:
    with backend.lock:
        return {
            FORMAT: VERSION,
            "account_id": backend.default_account,
            "clock_offset_seconds": backend.clock_offset.total_seconds(),
            "random": {"seed": backend.source.seed, "state": backend.source.state()},
            "expected_key_ids": list(backend.source.key_ids),
            "stores": [_store(s) for s in backend.stores()],
            "multi_region_sets": [
                {
                    "account": related.primary.store.account,
                    "key_id": related.primary.key_id,
                    "primary_region": related.primary.store.region,
                    "replica_regions": [r.store.region for r in related.replicas],
                    "last_replica_deleted": when(related.last_replica_deleted),
                }
                for related in multi_region_sets(backend)
            ],
        }


def _store(store: RegionStore) -> Doc:
    keys = sorted(dict.values(store.keys), key=lambda k: k.seq)  # read without copying
    return {
        "account": store.account,
        "region": store.region,
        "next_seq": store._next_seq,
        "keys": [_key(k) for k in keys],
        "aliases": [
            {
                "name": a.name,
                "target": a.target,
                "created": when(a.created),
                "updated": when(a.updated),
            }
            for a in dict.values(store.aliases)
        ],
        "deleted_key_ids": sorted(store.deleted),
        "import_parameters": [
            _import_parameters(token, p) for token, p in store.import_parameters.items()
        ],
        "custom_key_stores": _custom_key_stores(store.custom_key_stores),
    }


def _key(key: Key) -> Doc:
    usage = key.last_usage
    return {
        "key_id": key.key_id,
        "seq": key.seq,
        "spec": key.spec.name,
        "usage": key.usage,
        "created": when(key.created),
        "origin": key.origin,
        "description": key.description,
        "multi_region": key.multi_region,
        "manager": key.manager,
        "policy": key.policy,
        "tags": key.tags,
        "state": key.state,
        "deletion_date": when(key.deletion_date),
        "pending_window": key.pending_window,
        "materials": [material(m) for m in key.materials],
        "pending_material": None
        if key.pending_material is None
        else material(key.pending_material),
        "private": None if key.private is None else private(key, key.private),
        "rotation_period": key.rotation_period,
        "next_rotation": when(key.next_rotation),
        "on_demand_rotations": key.on_demand_rotations,
        "last_usage": None
        if usage is None
        else {
            "operation": usage.operation,
            "when": when(usage.when),
            "request_id": usage.request_id,
            "event_id": usage.event_id,
        },
        "grants": [_grant(g) for g in (key.grants or {}).values()],
        "custom_key_store_id": key.custom_key_store_id,
    }


def material(m: Material) -> Doc:
    out: Doc = {
        "id": m.id,
        "secret": b64(m.secret),
        "created": when(m.created),
        "rotation_type": m.rotation_type,
    }
    if isinstance(m, ImportedMaterial):
        out["imported"] = {
            "present": m.imported,
            "expiration_model": m.expiration_model,
            "valid_to": when(m.valid_to),
            "description": m.description,
        }
    return out


def private(key: Key, held: PrivateMaterial) -> str:
    if isinstance(held, bytes):
        return b64(held)  # an HMAC key's secret
    return b64(key.spec.family.private_der(held))


def _grant(grant: Grant) -> Doc:
    return {
        "grant_id": grant.grant_id,
        "name": grant.name,
        "created": when(grant.created),
        "grantee": list(grant.grantee),
        "retiring": None if grant.retiring is None else list(grant.retiring),
        "operations": grant.operations,
        "constraints": grant.constraints,
    }


def _import_parameters(token_id: str, params: ImportParameters) -> Doc:
    wrapping = params.wrapping_key
    spec = "SM2" if isinstance(wrapping, SM2PrivateKey) else f"RSA_{wrapping.key_size}"
    from ..crypto import families

    return {
        "token_id": token_id,
        "key_id": params.key_id,
        "wrapping_spec": spec,
        "wrapping_key": b64(families.known(spec).family.private_der(wrapping)),
        "algorithm": params.algorithm,
        "valid_to": when(params.valid_to),
    }


def _custom_key_stores(stores: CustomKeyStores) -> Doc:
    out = []
    for cks in stores.values():
        record = {
            name: getattr(cks, name)
            for name in ("id", "name", "type", "cluster_id", "trust_anchor", "password")
        }
        record.update(
            created=when(cks.created),
            xks=None if cks.xks is None else asdict(cks.xks),
            connection=cks.connection,
            due=when(cks.due),
            outcome=cks.outcome,
            error_code=cks.error_code,
            keys=cks.keys,
        )
        out.append(record)
    return {
        "stores": out,
        "clusters": {k: asdict(c) for k, c in stores.clusters.items()},
        "proxies": {
            k: {**asdict(p), "credential": None if p.credential is None else list(p.credential)}
            for k, p in stores.proxies.items()
        },
        "connect_delay_seconds": {k: d.total_seconds() for k, d in stores.connect_delay.items()},
    }
