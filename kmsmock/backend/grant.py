"""A grant as KMS stores it: on its key, dying with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Grant:
    grant_id: str
    name: str | None
    created: datetime
    # (member, value): GranteePrincipal or GranteeServicePrincipal (the latter in newer models)
    grantee: tuple[str, str]
    retiring: tuple[str, str] | None
    operations: list[str]
    constraints: dict[str, Any] | None

    def same_request(self, other: Grant) -> bool:
        return (
            self.name,
            self.grantee,
            self.retiring,
            sorted(self.operations),
            self.constraints,
        ) == (
            other.name,
            other.grantee,
            other.retiring,
            sorted(other.operations),
            other.constraints,
        )
