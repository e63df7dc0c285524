"""KeyMetadata, as DescribeKey, CreateKey and ReplicateKey return it."""

from __future__ import annotations

from typing import Any

from ..backend.key import (
    CREATING,
    ENABLED,
    PENDING_REPLICA_DELETION,
    ImportedMaterial,
    Key,
)
from ..backend.specs import ALGORITHM_FIELD
from .states import key_state


def key_metadata(key: Key, *, state: str | None = None) -> dict[str, Any]:
    """``state``: show the key in a transient state instead of its own (ReplicateKey's answer
    shows the new replica ``Creating``, before it has any key material)."""
    state = state or key_state(key)
    md: dict[str, Any] = {
        "AWSAccountId": key.store.account,
        "KeyId": key.key_id,
        "Arn": key.arn,
        "CreationDate": key.created,
        "Enabled": state == ENABLED,
        "Description": key.description,
        "KeyUsage": key.usage,
        "KeyState": state,
        "Origin": key.origin,
        "KeyManager": key.manager,
        "CustomerMasterKeySpec": key.spec.name,
        "KeySpec": key.spec.name,
        "MultiRegion": key.multi_region,
    }
    if key.deletion_date is not None:
        md["DeletionDate"] = key.deletion_date
    md[ALGORITHM_FIELD[key.usage]] = list(key.spec.usages[key.usage])
    if state == PENDING_REPLICA_DELETION:
        md["PendingDeletionWindowInDays"] = key.pending_window
    if key.multi_region:
        related = key.mr_set
        primary = related.primary if related is not None else key
        md["MultiRegionConfiguration"] = {
            "MultiRegionKeyType": "PRIMARY" if primary is key else "REPLICA",
            "PrimaryKey": {"Arn": primary.arn, "Region": primary.store.region},
            # every replica, this key included when it is one
            "ReplicaKeys": [
                {"Arn": r.arn, "Region": r.store.region}
                for r in (related.replicas if related is not None else [])
            ],
        }
    if key.custom_key_store_id is not None:
        _custom_key_store_fields(key, md)
    current = key.current
    # Only AWS_KMS and EXTERNAL keys name their material (custom key stores' keys never rotate)
    if (
        key.spec.symmetric
        and current is not None
        and state != CREATING
        and key.custom_key_store_id is None
    ):
        md["CurrentKeyMaterialId"] = current.id
    if isinstance(current, ImportedMaterial) and current.imported:
        md["ExpirationModel"] = current.expiration_model
        if current.valid_to is not None:
            md["ValidTo"] = current.valid_to
    return md


def _custom_key_store_fields(key: Key, md: dict[str, Any]) -> None:
    assert key.custom_key_store_id is not None
    md["CustomKeyStoreId"] = key.custom_key_store_id
    cks = key.store.custom_key_stores.get(key.custom_key_store_id)
    if cks is None:  # pragma: no cover - a store with keys cannot be deleted
        return
    if cks.cluster_id is not None:
        md["CloudHsmClusterId"] = cks.cluster_id
    elif cks.keys.get(key.key_id) is not None:
        md["XksKeyConfiguration"] = {"Id": cks.keys[key.key_id]}
