"""Principals and key policies for the access-control scenarios (issue 13)."""

from __future__ import annotations

import json
from typing import Any

REGION, ACCOUNT, OTHER = "us-east-1", "123456789012", "222233334444"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
CIPHERTEXT_REFUSED = (
    "AccessDeniedException",
    "The ciphertext refers to a customer master key that does not exist, does not exist in "
    "this region, or you are not allowed to access.",
)


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def key_policy(*statements: dict[str, Any]) -> str:
    return json.dumps(document(*statements))


def allow(action: Any, principal: Any = None, **extra: Any) -> dict[str, Any]:
    """An Allow statement on ``*``: with ``principal`` for a key policy, without for IAM."""
    statement = {"Effect": "Allow", "Action": action, "Resource": "*", **extra}
    if principal is not None:
        statement["Principal"] = principal
    return statement


def deny(action: Any, principal: Any = None, **extra: Any) -> dict[str, Any]:
    return {**allow(action, principal, **extra), "Effect": "Deny"}


def not_authorized(caller: str, action: str, resource: str, policy: str) -> tuple[str, str]:
    return (
        "AccessDeniedException",
        f"User: {caller} is not authorized to perform: {action} on resource: {resource} "
        f"because no {policy} policy allows the {action} action",
    )


def explicitly_denied(caller: str, action: str, resource: str, policy: str) -> tuple[str, str]:
    article = "an" if policy == "identity-based" else "a"
    return (
        "AccessDeniedException",
        f"User: {caller} is not authorized to perform: {action} on resource: {resource} "
        f"with an explicit deny in {article} {policy} policy",
    )
