"""kmsmock: an exact, fast, in-process mock of AWS KMS for boto3/botocore tests."""

import importlib
from typing import TYPE_CHECKING

from .backend import DEFAULT_ACCOUNT
from .mock import KmsMock, is_active, mock_kms
from .snapshot import SnapshotError

if TYPE_CHECKING:
    from .principals import Principal, Role
    from .seeding import SeedError

__all__ = [
    "DEFAULT_ACCOUNT",
    "KmsMock",
    "Principal",
    "Role",
    "SeedError",
    "SnapshotError",
    "is_active",
    "mock_kms",
]
__version__ = "0.1.0"


# The module of this package each name is imported from on first use: ``import kmsmock``
# (every pytest run, via the plugin) stays cheap.
_LAZY = {"Principal": "principals", "Role": "principals", "SeedError": "seeding"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is not None:
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module 'kmsmock' has no attribute {name!r}")
