"""A KMS key: metadata, versioned key material and the rotation schedule, advanced by the clock.

Nothing here reads the clock or raises AWS errors: callers pass ``now`` and the operations layer
decides what is allowed. ``advance(now)`` brings one key up to date — materialising every
automatic rotation that fell due, each with its scheduled date — at a cost proportional to the
rotations due, so a request pays only for the keys it touches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .specs import KeySpec

if TYPE_CHECKING:
    from ..crypto.families.base import PrivateMaterial
    from .grant import Grant
    from .store import MultiRegionSet, RegionStore

ENABLED = "Enabled"
DISABLED = "Disabled"
PENDING_DELETION = "PendingDeletion"
PENDING_IMPORT = "PendingImport"
# Multi-Region keys only: a primary scheduled for deletion while it still has replicas; the
# transient states of ReplicateKey and UpdatePrimaryRegion (shown in their responses only).
PENDING_REPLICA_DELETION = "PendingReplicaDeletion"
CREATING = "Creating"
UPDATING = "Updating"

DEFAULT_ROTATION_DAYS = 365
AWS_MANAGED_ROTATION_DAYS = 365


def after(when: datetime, period_days: int, periods: int = 1) -> datetime:
    """``periods`` rotation periods after ``when`` (before it, for a negative count).

    The default period, 365 days, is what AWS describes as "one year (approximately 365 days)
    ... and every year thereafter": calendar years, so a yearly rotation keeps its date across
    leap years (29 February falls back to the 28th). Any other period is counted in days, as
    RotationPeriodInDays defines it.
    """
    if period_days == DEFAULT_ROTATION_DAYS:
        year = when.year + periods
        try:
            return when.replace(year=year)
        except ValueError:  # 29 February in a year without one
            return when.replace(year=year, day=28)
    return when + timedelta(days=period_days * periods)


@dataclass(slots=True)
class Material:
    """One version of a key's material. ``rotation_type`` is None for the first version."""

    id: str  # KeyMaterialId: 64 lowercase hex
    secret: bytes = field(repr=False)  # never printed
    created: datetime
    rotation_type: str | None = None


@dataclass(slots=True)
class ImportedMaterial(Material):
    """Material a caller imported (Origin EXTERNAL). Deleted or expired material keeps its id
    (``imported`` False, secret dropped) so the same material can be imported again."""

    imported: bool = True
    expiration_model: str = "KEY_MATERIAL_DOES_NOT_EXPIRE"
    valid_to: datetime | None = None
    description: str | None = None


@dataclass(slots=True)
class Usage:
    """A key's last successful tracked operation, as GetKeyLastUsage reports it."""

    operation: str
    when: datetime
    request_id: str  # the x-amzn-RequestId the caller received
    event_id: str | None = None  # the CloudTrail event id, made when first read


def new_material(
    created: datetime, rotation_type: str | None, source: Callable[[int], bytes] = os.urandom
) -> Material:
    random = source(64)  # one call for the id and the secret
    return Material(random[:32].hex(), random[32:], created, rotation_type)


class Key:
    __slots__ = (
        "created",
        "custom_key_store_id",
        "deletion_date",
        "description",
        "grants",
        "key_id",
        "last_usage",
        "manager",
        "materials",
        "mr_set",
        "multi_region",
        "next_rotation",
        "on_demand_rotations",
        "origin",
        "pending_material",
        "pending_window",
        "policy",
        "private",
        "rotation_period",
        "seq",
        "spec",
        "state",
        "store",
        "tags",
        "usage",
    )

    def __init__(
        self,
        store: RegionStore,
        key_id: str,
        spec: KeySpec,
        usage: str,
        created: datetime,
        *,
        origin: str = "AWS_KMS",
        description: str = "",
        multi_region: bool = False,
        manager: str = "CUSTOMER",
        policy: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.key_id = key_id
        self.spec = spec
        self.usage = usage
        self.created = created
        self.origin = origin
        self.description = description
        self.multi_region = multi_region
        self.manager = manager
        self.policy = policy  # None: the default key policy, rendered on demand
        self.tags = tags  # None until tagged: most keys never are
        self.state = PENDING_IMPORT if origin == "EXTERNAL" else ENABLED
        self.deletion_date: datetime | None = None
        self.pending_window: int | None = None
        self.seq = 0
        # Symmetric keys carry versioned material; asymmetric and HMAC keys a private key or
        # secret generated on first use (``private``), so creating one costs nothing.
        self.materials: list[Material] = (
            [new_material(created, None, store.source)]
            if spec.symmetric and origin == "AWS_KMS"
            else []
        )
        self.private: PrivateMaterial | None = None
        self.rotation_period: int | None = None  # days; None while automatic rotation is off
        self.next_rotation: datetime | None = None
        self.on_demand_rotations = 0
        # (operation, time, request id, CloudTrail event id) of the last successful use
        self.last_usage: Usage | None = None
        # EXTERNAL symmetric keys: new material imported and waiting for RotateKeyOnDemand
        self.pending_material: ImportedMaterial | None = None
        self.grants: dict[str, Grant] | None = None  # grant id -> Grant, once a grant exists
        # Keys in a custom key store: its id (the store says whether the key is available)
        self.custom_key_store_id: str | None = None
        # Multi-Region keys, once replicated: the related keys (primary and replicas)
        self.mr_set: MultiRegionSet | None = None
        if manager == "AWS":
            self.rotation_period = AWS_MANAGED_ROTATION_DAYS
            self.next_rotation = after(created, AWS_MANAGED_ROTATION_DAYS)

    def __repr__(self) -> str:  # never shows key material
        return f"<Key {self.key_id} {self.spec.name} {self.state}>"

    # -- identity -------------------------------------------------------------------------

    @property
    def arn(self) -> str:
        return self.store.key_arn(self.key_id)

    @property
    def enabled(self) -> bool:
        return self.state == ENABLED

    @property
    def aws_managed(self) -> bool:
        return self.manager == "AWS"

    # -- material -------------------------------------------------------------------------

    @property
    def current(self) -> Material | None:
        return self.materials[-1] if self.materials else None

    def material(self, material_id: str) -> Material | None:
        for m in reversed(self.materials):
            if m.id == material_id:
                return m
        return None

    def rotate(
        self, when: datetime, rotation_type: str, staged: Material | None = None
    ) -> Material:
        """New current material as of ``when``: generated, or ``staged`` (imported for an
        on-demand rotation). The rotation is journaled with its date."""
        previous = self.current
        m = new_material(when, rotation_type, self.store.source) if staged is None else staged
        m.created, m.rotation_type = when, rotation_type
        self.materials.append(m)
        if self.store.journal is not None:
            self.store.journal.rotated(self, previous, m)
        return m

    # -- time -----------------------------------------------------------------------------

    def deletion_due(self, now: datetime) -> bool:
        return self.deletion_date is not None and now >= self.deletion_date

    def advance(self, now: datetime) -> None:
        """Materialise every automatic rotation due by ``now``, each at its scheduled date.

        Only an Enabled key rotates: while Disabled or PendingDeletion the schedule waits and
        ``resume_rotation`` decides what happens when the key is enabled again.
        """
        if self.origin == "EXTERNAL":
            self._expire_imported(now)
        related = self.mr_set
        if related is not None and related.primary is not self:
            related.primary.advance(now)  # a replica rotates with its primary's schedule
            return
        nxt = self.next_rotation
        if nxt is None or self.state != ENABLED or nxt > now or self.rotation_period is None:
            return
        while nxt <= now:
            self.rotate(nxt, "AUTOMATIC")
            nxt = after(nxt, self.rotation_period)
        self.next_rotation = nxt

    def _expire_imported(self, now: datetime) -> None:
        """Imported material past its ValidTo is deleted: the key waits for it again."""
        for m in self.materials:
            if isinstance(m, ImportedMaterial) and m.imported and m.valid_to and m.valid_to <= now:
                self.drop_imported(m)
                if self.store.journal is not None:
                    self.store.journal.expired(self, m, m.valid_to)

    def drop_imported(self, material: ImportedMaterial) -> None:
        """Delete imported material (expiry or DeleteImportedKeyMaterial); the id stays."""
        material.imported = False
        material.secret = b""
        if not self.spec.symmetric:
            self.private = None
        if self.state not in (PENDING_DELETION, PENDING_REPLICA_DELETION):
            self.state = PENDING_IMPORT

    @property
    def all_imported(self) -> bool:
        return bool(self.materials) and all(
            not isinstance(m, ImportedMaterial) or m.imported for m in self.materials
        )

    @property
    def rotation_enabled(self) -> bool:
        """What GetKeyRotationStatus reports: false while pending deletion (the setting is kept)."""
        return self.rotation_period is not None and self.state not in (
            PENDING_DELETION,
            PENDING_REPLICA_DELETION,
        )

    def enable_rotation(self, now: datetime, period_days: int | None) -> None:
        if self.rotation_period is None:
            self.rotation_period = period_days or DEFAULT_ROTATION_DAYS
            self.next_rotation = after(now, self.rotation_period)
        elif period_days is not None and period_days != self.rotation_period:
            # A new period counts from the start of the current schedule (the enable date or
            # the last automatic rotation); if that date is already past, the key rotates now.
            assert self.next_rotation is not None
            anchor = after(self.next_rotation, self.rotation_period, -1)
            self.rotation_period = period_days
            self.next_rotation = max(after(anchor, period_days), now)
            self.advance(now)

    def disable_rotation(self) -> None:
        self.rotation_period = None
        self.next_rotation = None

    def resume_rotation(self, now: datetime) -> None:
        """The key becomes Enabled again at ``now`` after a spell in which it could not rotate.

        AWS: if the material has not been rotated for a whole period, rotate immediately and
        every period thereafter; otherwise resume the prior schedule.
        """
        if self.rotation_period is None or self.next_rotation is None:
            return
        if self.next_rotation > now:
            return  # nothing was missed
        period = self.rotation_period
        current = self.current
        if current is not None and after(current.created, period) <= now:
            self.rotate(now, "AUTOMATIC")
            self.next_rotation = after(now, period)
        else:
            nxt = self.next_rotation
            while nxt <= now:
                nxt = after(nxt, period)
            self.next_rotation = nxt
