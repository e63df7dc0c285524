"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies; the default and AWS managed key
policies; the checks CreateKey and PutKeyPolicy share (size, syntax, principals, lockout).

Policies are stored and returned verbatim; a new one is judged by the evaluator (``access``),
which also decides the lockout safety check against the caller. The policies AWS writes itself
are rendered the way AWS prints them (Jackson's pretty printer: two-space indent, ``" : "``
separators, arrays inline), kms-facts.md §5.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from .. import errors
from ..access import INVALID_PRINCIPALS, Policy, PolicyError, evaluate, parse_policy
from ..backend.key import Key
from .identity import asking
from .lookup import find_key
from .registry import Context, Request, Response, operation
from .states import require_customer_managed

POLICY_NAME = "default"
RAM_POLICY_NAME = "AWS_RAM"
MAX_POLICY_BYTES = 32768  # kms-facts §4: the documented limit, below the model's 131072


# -- rendering ---------------------------------------------------------------------------------


def render(value: Any, indent: int = 0) -> str:
    """JSON as AWS's policy printer writes it (Jackson ``DefaultPrettyPrinter``)."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = "  " * (indent + 1)
        items = ",\n".join(
            f"{pad}{json.dumps(k)} : {render(v, indent + 1)}" for k, v in value.items()
        )
        return "{\n" + items + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(render(v, indent) for v in value) + " ]"
    return json.dumps(value)


def _root(key: Key) -> str:
    return f"arn:{key.store.partition}:iam::{key.store.account}:root"


def default_document(partition: str, account: str) -> dict[str, Any]:
    """The policy AWS attaches to a key created without one (kms-facts §5): what GetKeyPolicy
    returns and what access control evaluates."""
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


def default_policy(key: Key) -> str:
    return render(default_document(key.store.partition, key.store.account))


def _managed_service(key: Key) -> str:
    prefix = "alias/aws/"
    for alias in key.store.aliases.values():
        if alias.target == key.key_id and alias.name.startswith(prefix):
            return alias.name[len(prefix) :]
    return "kms"  # pragma: no cover - an AWS managed key is always created through its alias


class _Managed(NamedTuple):
    """How one service's managed key policy differs from the common shape."""

    policy_id: str
    sid_name: str  # "Allow access through <sid_name> for all principals ..."
    use_name: str  # "... that are authorized to use <use_name>"
    via: str  # the kms:ViaService host prefix
    service_actions: tuple[str, ...] = ()  # inserted before kms:DescribeKey
    account_actions: tuple[str, ...] = ()  # appended to Describe*/Get*/List*
    via_first: bool = False  # order of the two StringEquals conditions


_CREATE_GRANT = ("kms:CreateGrant",)
_REVOKE_GRANT = ("kms:RevokeGrant",)

# Recorded from real accounts (FogSecurity/aws-managed-kms-keys reference_key_policies/*.json).
# Other services get the common shape with their name upper-cased.
_MANAGED = {
    "s3": _Managed("auto-s3-2", "S3", "S3", "s3"),
    "ebs": _Managed("auto-ebs-2", "EBS", "EBS", "ec2", _CREATE_GRANT, _REVOKE_GRANT, True),
    "rds": _Managed(
        "auto-rds-2",
        "RDS",
        "RDS",
        "rds",
        ("kms:CreateGrant", "kms:ListGrants"),
        _REVOKE_GRANT,
        True,
    ),
    "ssm": _Managed("auto-ssm-1", "SSM", "SSM", "ssm", via_first=True),
    "lambda": _Managed(
        "auto-awslambda", "AWS Lambda", "AWS Lambda", "lambda", _CREATE_GRANT, _REVOKE_GRANT
    ),
    "sqs": _Managed(
        "auto-sqs-1",
        "Simple Queue Service (SQS)",
        "SQS",
        "sqs",
        _CREATE_GRANT,
        _REVOKE_GRANT,
        True,
    ),
}


def managed_policy(key: Key) -> str:
    """An AWS managed key's policy: principals of the account may use the key through the
    service, and the account may only read it (Describe*, Get*, List*): every change to an AWS
    managed key is denied (``states.require_customer_managed``)."""
    service = _managed_service(key)
    shape = _MANAGED.get(service) or _Managed(
        f"auto-{service}-2", service.upper(), service.upper(), service
    )
    dns = "amazonaws.com.cn" if key.store.partition == "aws-cn" else "amazonaws.com"
    caller = ("kms:CallerAccount", key.store.account)
    via = ("kms:ViaService", f"{shape.via}.{key.store.region}.{dns}")
    conditions = dict([via, caller] if shape.via_first else [caller, via])
    return render(
        {
            "Version": "2012-10-17",
            "Id": shape.policy_id,
            "Statement": [
                {
                    "Sid": f"Allow access through {shape.sid_name} for all principals in the "
                    f"account that are authorized to use {shape.use_name}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        *shape.service_actions,
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": conditions},
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": _root(key)},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", *shape.account_actions],
                    "Resource": "*",
                },
            ],
        }
    )


def policy_of(key: Key) -> str:
    if key.policy is not None:
        return key.policy
    return managed_policy(key) if key.aws_managed else default_policy(key)


# -- checks ------------------------------------------------------------------------------------


def check_document(policy: str) -> Policy:
    """What KMS checks in any key policy document, in AWS's order: size, syntax, principals.
    The grammar is the evaluator's (``access.parse_policy``): what it cannot evaluate is
    refused, with AWS's text for a bad principal. AWS also refuses principals that do not exist;
    kmsmock cannot know which exist in real accounts (nor which roles a test means to declare
    later), so it judges their form."""
    if len(policy.encode("utf-8")) > MAX_POLICY_BYTES:
        raise errors.POLICY_TOO_LARGE(limit=MAX_POLICY_BYTES)
    try:
        document = json.loads(policy)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        raise errors.POLICY_NOT_JSON() from None
    if not isinstance(document, dict) or not document.get("Statement"):
        raise errors.POLICY_WITHOUT_STATEMENTS()
    try:
        parsed = parse_policy(policy)
    except PolicyError as refused:
        if refused.message == INVALID_PRINCIPALS:
            raise errors.POLICY_INVALID_PRINCIPALS() from None
        raise errors.POLICY_GRAMMAR() from None
    except RecursionError:  # a Condition nested deeper than Python compiles
        raise errors.POLICY_GRAMMAR() from None
    return parsed


def check_policy(
    ctx: Context,
    policy: str,
    key_arn: str,
    *,
    key: Key | None = None,
    key_facts: Mapping[str, Any] | None = None,
    bypass_lockout: bool = False,
) -> None:
    """What KMS checks before it accepts a key policy for the key ``key_arn`` (CreateKey,
    ReplicateKey, PutKeyPolicy): the document (``check_document``), then the lockout check:
    the policy must allow the caller (``ctx.caller``) a later kms:PutKeyPolicy on
    the key, decided by the evaluator with the request's condition keys (``key`` for an
    existing key, else ``key_facts``: CreateKey's request, whose KeySpec, Origin, ... the new
    key takes) and the caller's identity policies (none declared: IAM allows everything).
    """
    parsed = check_document(policy)
    if bypass_lockout:
        return
    # A later PutKeyPolicy, without the bypass flag: what the lockout check imagines.
    facts = {k: v for k, v in (key_facts or {}).items() if k != "BypassPolicyLockoutSafetyCheck"}
    later = asking(ctx, "kms:PutKeyPolicy", key_arn, key_arn.split(":")[4], facts, key)
    if not evaluate(later, parsed, ctx.policies).allowed:
        raise errors.POLICY_LOCKOUT()


# -- operations --------------------------------------------------------------------------------


@operation("GetKeyPolicy")
def get_key_policy(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    name = req.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        # Only keys shared through RAM have an AWS_RAM policy; kmsmock shares none.
        raise errors.POLICY_NOT_FOUND(policy_name=name, key_arn=key.arn)
    return {"Policy": policy_of(key), "PolicyName": POLICY_NAME}


@operation("PutKeyPolicy")
def put_key_policy(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    name = req.get("PolicyName", POLICY_NAME)
    if name == RAM_POLICY_NAME:
        raise errors.RAM_POLICY()
    if name != POLICY_NAME:
        raise errors.POLICY_NAME_INVALID(policy_name=name, valid_name=POLICY_NAME)
    require_customer_managed(ctx, key)
    check_policy(
        ctx,
        req["Policy"],
        key.arn,
        key=key,
        bypass_lockout=req.get("BypassPolicyLockoutSafetyCheck", False),
    )
    key.policy = req["Policy"]
    return {}


@operation("ListKeyPolicies")
def list_key_policies(ctx: Context, req: Request) -> Response:
    find_key(ctx, req["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
