"""Multi-Region keys: ReplicateKey and UpdatePrimaryRegion.

A primary (CreateKey with ``MultiRegion``) and its replicas form one ``MultiRegionSet``: the same
key id in different Regions of one account, sharing key material and one rotation schedule
(kept on the primary; a replica's ``Key.advance`` advances its primary). Policy, tags, aliases,
grants, description and key state are each key's own. Deletion of a primary with replicas is in
``keys.schedule_key_deletion`` and ``MultiRegionSet.detach``.

The transient states are shown, not held: ReplicateKey answers with the new replica
``Creating`` (no CurrentKeyMaterialId, ``Enabled`` false), and from the next request on the
replica is ``Enabled`` (``PendingImport`` for imported key material, which the replica does not
inherit). AWS takes "a few seconds" for either; a frozen test clock would otherwise keep the
replica unusable for ever. Likewise UpdatePrimaryRegion completes before it returns, so
``Updating`` is never observed.
"""

from __future__ import annotations

from .. import errors
from ..backend.key import CREATING, Key
from ..backend.store import MultiRegionSet, partition_for
from .lookup import find_key
from .metadata import key_metadata
from .policies import check_policy, policy_of
from .registry import Context, Request, Response, operation
from .states import require_not_pending_deletion, require_usable
from .tags import check_new_tags


def _require_primary(key: Key) -> MultiRegionSet | None:
    """The key's related keys (None while it has never been replicated); refuses a
    single-Region key and a replica alike."""
    related = key.mr_set
    if not key.multi_region or (related is not None and related.primary is not key):
        raise errors.NOT_A_PRIMARY(key_arn=key.arn)
    return related


@operation("ReplicateKey")
def replicate_key(ctx: Context, req: Request) -> Response:
    primary = find_key(ctx, req["KeyId"])
    related = _require_primary(primary)
    region = req["ReplicaRegion"]
    if region == ctx.region:
        raise errors.REPLICA_IN_PRIMARY_REGION(region=region, key_arn=primary.arn)
    if partition_for(region) != ctx.store.partition:
        raise errors.REPLICA_OTHER_PARTITION(
            region=region, partition=ctx.store.partition, key_arn=primary.arn
        )
    require_usable(primary)  # ReplicateKey row of the key-state table: Enabled only
    store = ctx.backend.store(ctx.account, region)
    existing = store.get(primary.key_id, ctx.now)  # a replica whose window ended is gone
    if existing is not None:
        raise errors.REPLICA_EXISTS(key_arn=existing.arn)
    policy = req.get("Policy")
    if policy is not None:
        check_policy(
            ctx,
            policy,
            store.key_arn(primary.key_id),
            key=primary,  # the replica shares its primary's properties
            bypass_lockout=req.get("BypassPolicyLockoutSafetyCheck", False),
        )
    tags = check_new_tags(req.get("Tags", []), existing=None)
    replica = Key(
        store,
        primary.key_id,
        primary.spec,
        primary.usage,
        ctx.now,
        origin=primary.origin,
        description=req.get("Description", ""),
        multi_region=True,
        policy=policy,
        tags=tags or None,
    )
    if primary.origin == "AWS_KMS":
        # The same material versions (one list) and the same private key, if made yet
        # (``common.private_key`` makes it once for all related keys).
        replica.materials = primary.materials
        replica.private = primary.private
    # Imported key material is not replicated: the replica waits (PendingImport) for the same
    # material to be imported into it.
    if related is None:
        related = primary.mr_set = MultiRegionSet(primary)
    related.replicas.append(replica)
    replica.mr_set = related
    store.add(replica)
    out: Response = {
        "ReplicaKeyMetadata": key_metadata(replica, state=CREATING),
        "ReplicaPolicy": policy_of(replica),
    }
    if req.get("Tags"):
        out["ReplicaTags"] = [{"TagKey": k, "TagValue": v} for k, v in tags.items()]
    return out


@operation("UpdatePrimaryRegion")
def update_primary_region(ctx: Context, req: Request) -> Response:
    old = find_key(ctx, req["KeyId"])
    related = _require_primary(old)
    require_usable(old)  # UpdatePrimaryRegion row: Enabled (or Updating) only
    region = req["PrimaryRegion"]
    if region == ctx.region:
        raise errors.ALREADY_PRIMARY_REGION(region=region, key_arn=old.arn)
    new = related.replica_in(region) if related is not None else None
    if new is not None:  # a replica whose window ended is gone
        new = new.store.get(new.key_id, ctx.now)
    if related is None or new is None:
        arn = ctx.backend.store(ctx.account, region).key_arn(old.key_id)
        # "There must be an existing replica key in this Region"
        raise errors.KEY_NOT_FOUND(key_arn=arn)
    require_not_pending_deletion(new)
    ctx.acting_on(new)  # "kms:UpdatePrimaryRegion on the current replica key" too (API Reference)
    # The roles swap; the rotation schedule (and the count of on-demand rotations) goes with
    # the primary role. ``find_key`` has brought the schedule up to now.
    related.replicas[related.replicas.index(new)] = old
    related.primary = new
    new.rotation_period, old.rotation_period = old.rotation_period, None
    new.next_rotation, old.next_rotation = old.next_rotation, None
    new.on_demand_rotations, old.on_demand_rotations = old.on_demand_rotations, 0
    return {}
