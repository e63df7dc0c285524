"""Who a request is signed by, as the front doors find it: an access key names an identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .caller import Caller

if TYPE_CHECKING:
    from .policy import Policy


@dataclass(frozen=True)
class Identity:
    """A declared principal as its requests see it: the caller, its identity (IAM) policies
    (None: IAM allows it everything, like a principal with AdministratorAccess), and the
    condition keys its requests carry that kmsmock cannot observe (``aws:SourceIp``,
    ``aws:SourceVpc``, ...)."""

    caller: Caller
    policies: tuple[Policy, ...] | None = None
    keys: Mapping[str, object] = field(default_factory=dict)
