"""Who is calling: the principal a request is signed by, and the condition keys it carries.

Apart from the decision (``decision``) so that every request can name its caller without
loading the evaluator: a default activation decides nothing (issue 12, the cold first call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

ContextValue = object  # str | bool | int | float | datetime | bytes | list of those


class Kind(str, Enum):
    """Who is calling: the kinds of AWS principal kmsmock knows."""

    ROOT = "Account"
    USER = "User"
    SESSION = "AssumedRole"
    SERVICE = "Service"


@dataclass(frozen=True)
class Caller:
    """The principal a request is signed by."""

    arn: str  # for a service: its name, e.g. "logs.amazonaws.com"
    account: str
    kind: Kind
    role_arn: str | None = None  # the role of an assumed-role session
    user_id: str | None = None  # aws:userid
    tags: Mapping[str, str] = field(default_factory=dict)  # aws:PrincipalTag/*

    @classmethod
    def root(cls, account: str, partition: str = "aws") -> Caller:
        return cls(f"arn:{partition}:iam::{account}:root", account, Kind.ROOT, user_id=account)

    def keys(self) -> dict[str, ContextValue]:
        """The global condition keys the caller itself determines (IAM "AWS global condition
        context keys"): for a session aws:PrincipalArn is the role's ARN."""
        keys: dict[str, ContextValue] = {
            "aws:principalarn": self.role_arn or self.arn,
            "aws:principalaccount": self.account,
            "aws:principaltype": self.kind.value,
            "kms:calleraccount": self.account,
        }
        if self.kind is Kind.USER:
            keys["aws:username"] = self.arn.rsplit("/", 1)[-1]
        if self.user_id is not None:
            keys["aws:userid"] = self.user_id
        for name, value in self.tags.items():
            keys[f"aws:principaltag/{name.lower()}"] = value
        return keys
