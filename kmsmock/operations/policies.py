"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, and the default key policy.

Policies are stored and returned; evaluating them on each request is a later capability.
"""

from __future__ import annotations

import json

from .. import errors
from ..backend.key import Key
from .common import find_key, require_customer_managed
from .registry import Context, Request, Response, operation

POLICY_NAME = "default"
MAX_POLICY_BYTES = 32768  # kms-facts §4: the documented limit, below the model's 131072


def default_policy(key: Key) -> str:
    """The policy AWS attaches to a key created without one, in AWS's own formatting."""
    root = f"arn:{key.store.partition}:iam::{key.store.account}:root"
    return (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
        f'    "Principal" : {{\n      "AWS" : "{root}"\n    }},\n'
        '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    )


def policy_of(key: Key) -> str:
    return key.policy if key.policy is not None else default_policy(key)


def check_policy(policy: str) -> None:
    if len(policy.encode("utf-8")) > MAX_POLICY_BYTES:
        raise errors.LimitExceededException(
            f"Policy document exceeds the maximum size of {MAX_POLICY_BYTES} bytes."
        )
    try:
        document = json.loads(policy)
    except ValueError:
        raise errors.MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future."
        ) from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise errors.MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future."
        )


def _check_name(ctx: Context, req: Request) -> None:
    name = req.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise errors.NotFoundException("Policy not found")


@operation("GetKeyPolicy")
def get_key_policy(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    _check_name(ctx, req)
    return {"Policy": policy_of(key), "PolicyName": POLICY_NAME}


@operation("PutKeyPolicy")
def put_key_policy(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    require_customer_managed(ctx, key)
    _check_name(ctx, req)
    check_policy(req["Policy"])
    key.policy = req["Policy"]
    return {}


@operation("ListKeyPolicies")
def list_key_policies(ctx: Context, req: Request) -> Response:
    find_key(ctx, req["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
