"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies; the default and AWS managed key
policies; the checks CreateKey and PutKeyPolicy share (size, syntax, principals, lockout).

Policies are stored and returned verbatim; evaluating them on each request is a later
capability. The policies AWS writes itself are rendered the way AWS prints them (Jackson's
pretty printer: two-space indent, ``" : "`` separators, arrays inline), kms-facts.md §5.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from .. import errors
from ..backend.key import Key
from .lookup import find_key
from .registry import Context, Request, Response, operation
from .states import require_customer_managed

POLICY_NAME = "default"
RAM_POLICY_NAME = "AWS_RAM"
MAX_POLICY_BYTES = 32768  # kms-facts §4: the documented limit, below the model's 131072

# An AWS principal in a key policy: "*", an account id, or an IAM/STS ARN.
_AWS_PRINCIPAL = re.compile(r"\*|[0-9]{12}|arn:aws[a-z-]*:(iam|sts)::([0-9]{12}|aws):.+")


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


def default_policy(key: Key) -> str:
    """The policy AWS attaches to a key created without one (kms-facts §5)."""
    return render(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": _root(key)},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


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


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE) is not None


def _aws_principals(statement: dict[str, Any]) -> list[Any] | None:
    """The statement's AWS principals, ``["*"]`` for ``"Principal": "*"``, None if it has none."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict) and "AWS" in principal:
        return _as_list(principal["AWS"])
    return None


def _grants_put_key_policy(statement: dict[str, Any], account: str) -> bool:
    """Whether an Allow statement lets a principal of ``account`` call PutKeyPolicy.

    The caller is not identified yet, so any principal of the caller's account counts; resource
    and conditions are not evaluated (key policies name the key itself as ``*``).
    """
    if statement.get("Effect") != "Allow":
        return False
    principals = _aws_principals(statement)
    if principals is None or not any(
        p == "*" or p == account or (isinstance(p, str) and f"::{account}:" in p)
        for p in principals
    ):
        return False
    action = "kms:PutKeyPolicy"
    if "Action" in statement:
        return any(
            isinstance(a, str) and _wildcard(a, action) for a in _as_list(statement["Action"])
        )
    if "NotAction" in statement:
        return not any(
            isinstance(a, str) and _wildcard(a, action) for a in _as_list(statement["NotAction"])
        )
    return False


def check_policy(policy: str, account: str, *, bypass_lockout: bool = False) -> None:
    """What KMS checks before it accepts a key policy (CreateKey, PutKeyPolicy)."""
    if len(policy.encode("utf-8")) > MAX_POLICY_BYTES:
        raise errors.POLICY_TOO_LARGE(limit=MAX_POLICY_BYTES)
    try:
        document = json.loads(policy)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        raise errors.POLICY_NOT_JSON() from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if not statements or not all(isinstance(s, dict) for s in _as_list(statements)):
        raise errors.POLICY_WITHOUT_STATEMENTS()
    statements = _as_list(statements)
    for statement in statements:
        for principal in _aws_principals(statement) or []:
            if not isinstance(principal, str) or not _AWS_PRINCIPAL.fullmatch(principal):
                raise errors.POLICY_INVALID_PRINCIPALS()
    if not bypass_lockout and not any(_grants_put_key_policy(s, account) for s in statements):
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
        req["Policy"], ctx.account, bypass_lockout=req.get("BypassPolicyLockoutSafetyCheck", False)
    )
    key.policy = req["Policy"]
    return {}


@operation("ListKeyPolicies")
def list_key_policies(ctx: Context, req: Request) -> Response:
    find_key(ctx, req["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
