"""Access control: key policies, identity policies and the decision AWS KMS makes on a request.

Pure and data-driven: nothing here imports the rest of kmsmock. ``caller`` says who is
calling, ``policy`` parses and compiles documents, ``conditions`` holds the Condition
operators, ``values`` the wildcards and policy variables, ``decision`` the decision
(``evaluate``) and the AccessDeniedException texts.

Everything but ``caller`` is imported the first time one of its names is read from this
package (``_LAZY``): a default activation, whose keys keep the default policy and which
declares no principals, never parses a policy nor decides (issue 12: the cold first call).
"""

import importlib
from typing import TYPE_CHECKING, Any

from .caller import Caller, Kind

if TYPE_CHECKING:
    from .decision import (
        IDENTITY_BASED,
        RESOURCE_BASED,
        Decision,
        Request,
        denial_message,
        evaluate,
    )
    from .identity import Identity
    from .policy import INVALID_PRINCIPALS, MALFORMED, Policy, PolicyError, Statement, parse_policy

# The module of this package each of the other names it exports is imported from on first use.
_LAZY = {
    "IDENTITY_BASED": "decision",
    "RESOURCE_BASED": "decision",
    "Decision": "decision",
    "Request": "decision",
    "denial_message": "decision",
    "evaluate": "decision",
    "INVALID_PRINCIPALS": "policy",
    "MALFORMED": "policy",
    "Policy": "policy",
    "PolicyError": "policy",
    "Statement": "policy",
    "parse_policy": "policy",
    "Identity": "identity",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        found = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = found  # read here from now on
        return found
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
