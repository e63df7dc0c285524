"""kmsmock: an exact, fast, in-process mock of AWS KMS for boto3/botocore tests."""

from typing import TYPE_CHECKING

from .backend import DEFAULT_ACCOUNT
from .mock import KmsMock, is_active, mock_kms
from .seeding import SeedError
from .snapshot import SnapshotError

if TYPE_CHECKING:
    from .principals import Principal, Role

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


def __getattr__(name: str) -> object:
    # Imported on first use: ``import kmsmock`` (every pytest run, via the plugin) stays cheap.
    if name in ("Principal", "Role"):
        from . import principals

        return getattr(principals, name)
    raise AttributeError(f"module 'kmsmock' has no attribute {name!r}")
