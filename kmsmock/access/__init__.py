"""Access control: key policies, identity policies and the decision AWS KMS makes on a request.

Pure and data-driven: nothing here imports the rest of kmsmock. ``policy`` parses and compiles
documents, ``conditions`` holds the Condition operators, ``values`` the wildcards and policy
variables, ``evaluate`` the decision and the AccessDeniedException texts.

The parser and its Condition operators are imported the first time a name of ``policy`` is read
from this package (``_FROM_POLICY``): a default activation, whose keys keep the default policy
and whose callers have no identity policies, never parses one (issue 12: the cold first call).
"""

from typing import TYPE_CHECKING, Any

from .evaluate import (
    IDENTITY_BASED,
    RESOURCE_BASED,
    Caller,
    Decision,
    Kind,
    Request,
    denial_message,
    evaluate,
)
from .identity import Identity

if TYPE_CHECKING:
    from .policy import INVALID_PRINCIPALS, MALFORMED, Policy, PolicyError, Statement, parse_policy

# What this package exports from ``policy``, imported on first use.
_FROM_POLICY = frozenset(
    {"INVALID_PRINCIPALS", "MALFORMED", "Policy", "PolicyError", "Statement", "parse_policy"}
)


def __getattr__(name: str) -> Any:
    if name in _FROM_POLICY:
        from . import policy

        value = globals()[name] = getattr(policy, name)  # read here from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IDENTITY_BASED",
    "INVALID_PRINCIPALS",
    "MALFORMED",
    "RESOURCE_BASED",
    "Caller",
    "Decision",
    "Identity",
    "Kind",
    "Policy",
    "PolicyError",
    "Request",
    "Statement",
    "denial_message",
    "evaluate",
    "parse_policy",
]
