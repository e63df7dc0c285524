"""Finding a key from any of its identifiers (key id, key ARN, alias name, alias ARN), with
AWS's error for every way an identifier can be wrong, and AWS managed keys created on first use
of their alias."""

from __future__ import annotations

import re

from .. import errors
from ..backend.key import (
    Key,
)
from ..backend.store import Alias, RegionStore
from ..crypto import families
from .registry import Context
from .states import require_customer_managed

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
    """The key ``ident`` names, as of now, with AWS's errors for every way it can be wrong;
    the request is recorded as acting on it.

    ``aliases``: whether the parameter accepts alias names and alias ARNs (kms-facts §6.1).
    """
    return ctx.acting_on(_find(ctx, ident, aliases))


def key_to_change(ctx: Context, ident: str) -> Key:
    """The key ``ident`` names, for an operation that changes it: AWS managed keys' policies
    refuse every change (``states.require_customer_managed``)."""
    key = find_key(ctx, ident)
    require_customer_managed(ctx, key)
    return key


def _find(ctx: Context, ident: str, aliases: bool) -> Key:
    store = ctx.store
    if ident.startswith("arn:"):
        match = _ARN.fullmatch(ident)
        if match is None:
            raise errors.MALFORMED_ARN(arn=ident)
        _partition, region, account, kind, rest = match.groups()
        if kind == "alias" and not aliases:
            raise errors.ALIASES_NOT_SUPPORTED()
        if region != ctx.region:
            raise errors.ARN_OTHER_REGION(region=region)
        store = ctx.backend.peek(account, region)
        if kind == "alias":
            return _by_alias(ctx, store, f"alias/{rest}")
        if not is_key_id(rest):
            raise errors.INVALID_KEY_ID_IN_ARN(key_id=rest)
        return _by_id(ctx, store, rest)
    if ident.startswith("alias/"):
        if not aliases:
            raise errors.ALIASES_NOT_SUPPORTED()  # checked first: the alias need not exist
        return _by_alias(ctx, store, ident)
    if not is_key_id(ident):
        raise errors.INVALID_KEY_ID(key_id=ident)
    return _by_id(ctx, store, ident)


def _by_id(ctx: Context, store: RegionStore, key_id: str) -> Key:
    key = store.get(key_id, ctx.now)
    if key is None:
        raise errors.KEY_NOT_FOUND(key_arn=store.key_arn(key_id))
    return key


def _by_alias(ctx: Context, store: RegionStore, name: str) -> Key:
    alias = store.aliases.get(name)
    if alias is not None:
        key = store.get(alias.target, ctx.now)
        if key is not None:
            return key
    elif (
        store is ctx.store  # AWS managed keys are never used across accounts
        and name.startswith("alias/aws/")
        and name[len("alias/aws/") :] in AWS_MANAGED_SERVICES
    ):
        return create_aws_managed_key(ctx, store, name)
    raise errors.ALIAS_NOT_FOUND(alias_arn=store.alias_arn(name))


def create_aws_managed_key(ctx: Context, store: RegionStore, alias_name: str) -> Key:
    """AWS creates a service's managed key the first time its predefined alias is used."""
    service = alias_name.rsplit("/", 1)[1]
    key = store.add(
        Key(
            store,
            store.new_key_id(False),
            families.known("SYMMETRIC_DEFAULT"),
            "ENCRYPT_DECRYPT",
            ctx.now,
            manager="AWS",
            description=f"Default key that protects my {_MANAGED_NOUNS.get(service, service)} "
            "when no other key is defined",
        )
    )
    store.aliases[alias_name] = Alias(alias_name, key.key_id, ctx.now, ctx.now)
    return key
