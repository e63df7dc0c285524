"""Access control: key policies, identity policies and the decision AWS KMS makes on a request.

Pure and data-driven: nothing here imports the rest of kmsmock. ``policy`` parses and compiles
documents, ``conditions`` holds the Condition operators, ``values`` the wildcards and policy
variables, ``evaluate`` the decision and the AccessDeniedException texts.
"""

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
from .policy import INVALID_PRINCIPALS, MALFORMED, Policy, PolicyError, Statement, parse_policy

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
