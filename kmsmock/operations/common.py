"""What many operations share: finding a key from any of its identifiers, the key-state rules,
list paging markers and the KeyMetadata structure."""

from __future__ import annotations

import base64
import re
from typing import Any

from .. import errors
from ..backend.key import (
    CREATING,
    DISABLED,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    ImportedMaterial,
    Key,
)
from ..backend.specs import ALGORITHM_FIELD, SPECS
from ..backend.store import Alias, RegionStore
from .registry import Context

origin_not_valid = errors.origin_not_valid

# Well-formed key ids; upper-case hex is well-formed too (and then simply not found).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MRK = re.compile(r"mrk-[0-9a-fA-F]{32}")
_ARN = re.compile(r"arn:([a-z-]+):kms:([a-z0-9-]*):([0-9]*):(key|alias)/(.+)")

# Services whose predefined ``alias/aws/<service>`` alias creates an AWS managed key on first use.
AWS_MANAGED_SERVICES = frozenset(
    {
        "acm",
        "acm-pca",
        "appflow",
        "backup",
        "cloud9",
        "codeartifact",
        "codecommit",
        "codeguru-reviewer",
        "connect",
        "dms",
        "dynamodb",
        "ebs",
        "ecr",
        "efs",
        "elasticfilesystem",
        "es",
        "fsx",
        "glue",
        "kafka",
        "kinesis",
        "kinesisvideo",
        "lambda",
        "lightsail",
        "mq",
        "rds",
        "redshift",
        "s3",
        "secretsmanager",
        "ses",
        "sns",
        "sqs",
        "ssm",
        "timestream",
        "workspaces",
        "xray",
    }
)


# How AWS names what each service's managed key protects (real DescribeKey outputs).
_MANAGED_NOUNS = {
    "s3": "S3 objects",
    "ebs": "EBS volumes",
    "rds": "RDS database volumes",
    "ssm": "SSM parameters",
    "lambda": "Lambda functions",
    "dynamodb": "DynamoDB data",
    "elasticfilesystem": "EFS filesystems",
    "backup": "Backup data",
    "acm": "ACM private keys",
    "glue": "Glue data",
    "secretsmanager": "Secrets Manager secrets",
}


def is_key_id(value: str) -> bool:
    return _UUID.fullmatch(value) is not None or _MRK.fullmatch(value) is not None


def find_key(ctx: Context, ident: str, *, aliases: bool = False) -> Key:
    """The key ``ident`` names, as of now, with AWS's errors for every way it can be wrong.

    ``aliases``: whether the parameter accepts alias names and alias ARNs (kms-facts §6.1).
    """
    store = ctx.store
    if ident.startswith("arn:"):
        match = _ARN.fullmatch(ident)
        if match is None:
            raise errors.NotFoundException(f"Invalid arn {ident}")
        _partition, region, account, kind, rest = match.groups()
        if kind == "alias" and not aliases:
            raise _aliases_not_supported()
        if region != ctx.region:
            raise errors.NotFoundException(f"Invalid arn {region}")
        store = ctx.backend.store(account, region)
        if kind == "alias":
            return _by_alias(ctx, store, f"alias/{rest}")
        if not is_key_id(rest):
            raise errors.NotFoundException(f"Invalid keyId {rest}")  # unquoted, as AWS words it
        return _by_id(ctx, store, rest)
    if ident.startswith("alias/"):
        if not aliases:
            raise _aliases_not_supported()
        return _by_alias(ctx, store, ident)
    if not is_key_id(ident):
        raise errors.invalid_key_id(ident)
    return _by_id(ctx, store, ident)


def _aliases_not_supported() -> errors.InvalidArnException:
    # Checked before any lookup: the alias need not exist.
    return errors.InvalidArnException("Key Aliases are not supported for this operation.")


def _by_id(ctx: Context, store: RegionStore, key_id: str) -> Key:
    key = store.get(key_id, ctx.now)
    if key is None:
        raise errors.key_not_found(store.key_arn(key_id))
    return key


def _by_alias(ctx: Context, store: RegionStore, name: str) -> Key:
    alias = store.aliases.get(name)
    if alias is not None:
        key = store.get(alias.target, ctx.now)
        if key is not None:
            return key
    elif name.startswith("alias/aws/") and name[len("alias/aws/") :] in AWS_MANAGED_SERVICES:
        return create_aws_managed_key(ctx, store, name)
    raise errors.alias_not_found(store.alias_arn(name))


def create_aws_managed_key(ctx: Context, store: RegionStore, alias_name: str) -> Key:
    """AWS creates a service's managed key the first time its predefined alias is used."""
    service = alias_name.rsplit("/", 1)[1]
    key = store.add(
        Key(
            store,
            store.new_key_id(False),
            SPECS["SYMMETRIC_DEFAULT"],
            "ENCRYPT_DECRYPT",
            ctx.now,
            manager="AWS",
            description=f"Default key that protects my {_MANAGED_NOUNS.get(service, service)} "
            "when no other key is defined",
        )
    )
    store.aliases[alias_name] = Alias(alias_name, key.key_id, ctx.now, ctx.now)
    return key


# -- key states (kms-facts §2.1; footnote numbers in brackets) ---------------------------------


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


# -- paging ---------------------------------------------------------------------------------

_MARKER_PREFIX = "kmsmock:"


def encode_marker(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_MARKER_PREFIX}{position}".encode()).decode()


def decode_marker(marker: str | None) -> int:
    if marker is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
        if text.startswith(_MARKER_PREFIX):
            return int(text[len(_MARKER_PREFIX) :])
    except ValueError:
        pass
    raise errors.InvalidMarkerException("Invalid marker")


def page(
    items: list[Any], request: dict[str, Any], default_limit: int, max_limit: int
) -> tuple[list[Any], dict[str, Any]]:
    """Slice a fully-built listing by Marker/Limit; returns the page and the paging fields."""
    start = decode_marker(request.get("Marker"))
    limit = min(request.get("Limit", default_limit), max_limit)
    chunk = items[start : start + limit]
    end = start + len(chunk)
    if end < len(items):
        return chunk, {"NextMarker": encode_marker(end), "Truncated": True}
    return chunk, {"Truncated": False}


# -- KeyMetadata ------------------------------------------------------------------------------


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


# -- shared request rules ---------------------------------------------------------------------


def private_key(key: Key) -> Any:
    """An asymmetric or HMAC key's material, generated the first time it is needed (once for
    all related multi-Region keys, which share it)."""
    if key.private is None:
        if key.origin == "EXTERNAL":  # imported material is never made up
            raise is_pending_import(key)
        from ..crypto import asymmetric

        related = key.mr_set
        members = [related.primary, *related.replicas] if related is not None else [key]
        private = asymmetric.generate(key.spec.name)
        for member in members:
            member.private = private
    return key.private


def require_usage(key: Key, usage: str, operation: str) -> None:
    if key.usage != usage:
        raise errors.invalid_usage(key.arn, key.usage, operation)


def dry_run(req: dict[str, Any]) -> None:
    """Called once every check has passed: a DryRun request stops here, as on AWS."""
    if req.get("DryRun"):
        raise errors.DryRunOperationException()
