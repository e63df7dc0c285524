"""The key-state rules (kms-facts §2.1; footnote numbers in brackets) and the other checks most
operations make before acting: key usage, AWS managed keys, multi-Region roles, DryRun, and
asymmetric material generated on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors
from ..backend.key import (
    DISABLED,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    Key,
)
from .registry import Context

if TYPE_CHECKING:
    from ..crypto.families.base import PrivateMaterial


def is_disabled(key: Key) -> errors.DisabledException:
    return errors.DisabledException(f"{key.arn} is disabled.")  # [1]


# A multi-Region key's deletion texts name both deletion states, as the key-state table words
# them (footnotes 2, 3, 4); a single-Region key's say "pending deletion" only (recorded).
def _or_replica(key: Key) -> str:
    return " (or pending replica deletion)" if key.multi_region else ""


def is_pending_deletion(key: Key) -> errors.KMSInvalidStateException:
    return errors.KMSInvalidStateException(
        f"{key.arn} is pending deletion{_or_replica(key)}."
    )  # [3]


def is_not_pending_deletion(key: Key) -> errors.KMSInvalidStateException:
    return errors.KMSInvalidStateException(
        f"{key.arn} is not pending deletion{_or_replica(key)}."
    )  # [4]


def pending_deletion(key: Key) -> bool:
    """PendingDeletion, or PendingReplicaDeletion (a multi-Region primary waiting for its
    replicas to be deleted): the key-state table treats them alike."""
    return key.state == PENDING_DELETION or key.state == PENDING_REPLICA_DELETION


def is_pending_import(key: Key) -> errors.KMSInvalidStateException:
    return errors.KMSInvalidStateException(f"{key.arn} is pending import.")  # [5]


UNAVAILABLE = "Unavailable"


def key_state(key: Key) -> str:
    """The key state AWS shows: a key in a custom key store that is not connected is
    Unavailable (unless pending deletion [13]); its own state returns when the store connects.
    Derived here, never stored, so (dis)connecting a store touches none of its keys."""
    if key.custom_key_store_id is None or pending_deletion(key):
        return key.state
    cks = key.store.custom_key_stores.get(key.custom_key_store_id)
    return key.state if cks is not None and cks.connected else UNAVAILABLE


def require_usable(key: Key) -> None:
    """Cryptographic use (Encrypt, Sign, GenerateDataKey, ...): only an Enabled key."""
    if key.custom_key_store_id is not None and key_state(key) == UNAVAILABLE:
        raise errors.KMSInvalidStateException(f"{key.arn} is unavailable.")  # [11]
    if key.state == ENABLED:
        return
    if key.state == DISABLED:
        raise is_disabled(key)
    if pending_deletion(key):
        raise is_pending_deletion(key)
    if key.state == PENDING_IMPORT:
        raise is_pending_import(key)
    raise errors.KMSInvalidStateException(f"{key.arn} is {key.state.lower()}.")  # [14] [15]


def require_not_pending_deletion(key: Key) -> None:
    """Management operations that a key pending deletion refuses (CreateAlias, TagResource...)."""
    if pending_deletion(key):
        raise is_pending_deletion(key)


def primary_of(key: Key) -> Key:
    """The key whose rotation schedule ``key`` follows: its primary for a multi-Region replica."""
    related = key.mr_set
    return related.primary if related is not None else key


def require_primary(key: Key) -> None:
    """Operations only a multi-Region primary accepts refuse its replicas with the text AWS
    gives ReplicateKey on a replica (kms-facts §3.3)."""
    if primary_of(key) is not key:
        raise not_a_primary(key)


def not_a_primary(key: Key) -> errors.UnsupportedOperationException:
    return errors.UnsupportedOperationException(f"{key.arn} is not a multi-region primary key.")


def require_customer_managed(ctx: Context, key: Key) -> None:
    """AWS managed keys' policies let the account only read them (Describe*, Get*, List*):
    every change is refused by the key policy, whoever asks."""
    if key.aws_managed:
        action = f"kms:{ctx.operation}"
        raise errors.AccessDeniedException(
            f"User: arn:{key.store.partition}:iam::{ctx.account}:root is not authorized to "
            f"perform: {action} on resource: {key.arn} because no resource-based policy "
            f"allows the {action} action"
        )


def private_key(key: Key) -> PrivateMaterial:
    """An asymmetric or HMAC key's material, generated the first time it is needed (once for
    all related multi-Region keys, which share it)."""
    private = key.private
    if private is None:
        if key.origin == "EXTERNAL":  # imported material is never made up
            raise is_pending_import(key)
        from ..crypto import families

        related = key.mr_set
        members = [related.primary, *related.replicas] if related is not None else [key]
        private = families.generate(key.spec)
        for member in members:
            member.private = private
    return private


def require_usage(key: Key, usage: str, operation: str) -> None:
    if key.usage != usage:
        raise errors.invalid_usage(key.arn, key.usage, operation)


def dry_run(req: dict[str, Any]) -> None:
    """Called once every check has passed: a DryRun request stops here, as on AWS."""
    if req.get("DryRun"):
        raise errors.DryRunOperationException()
