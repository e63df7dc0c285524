"""KMS operations: one function per operation, validated request dict -> response dict.

Each family lives in its own module and registers with ``@operation``. Importing this package
imports them all, so ``OPERATIONS`` names everything kmsmock serves.
"""

from __future__ import annotations

# Register every family (imported for its side effect on OPERATIONS).
from . import (  # noqa: F401
    agreement,
    aliases,
    datakeypairs,
    encryption,
    grants,
    imports,
    keys,
    keystores,
    mac,
    multiregion,
    policies,
    rotation,
    signing,
    tags,
    usage,
)
from .dispatch import dispatch
from .encryption import ciphertext_key
from .registry import OPERATIONS, Context, Handler, Operation, operation

__all__ = [
    "OPERATIONS",
    "Context",
    "Handler",
    "Operation",
    "ciphertext_key",
    "dispatch",
    "operation",
]
