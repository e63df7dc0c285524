"""KMS operations: one function per operation, validated request dict -> response dict.

Each family lives in its own module and registers with ``@operation``. Importing this package
imports them all, so ``OPERATIONS`` names everything kmsmock serves.
"""

from __future__ import annotations

from .registry import OPERATIONS, Context, Handler, operation

# Register every family (imported for its side effect on OPERATIONS).
from . import aliases, keys, policies, tags  # noqa: E402, F401, I001

__all__ = ["OPERATIONS", "Context", "Handler", "operation"]
