"""kmsmock: an exact, fast, in-process mock of AWS KMS for boto3/botocore tests."""

from .backend import DEFAULT_ACCOUNT
from .mock import KmsMock, is_active, mock_kms
from .seeding import SeedError
from .snapshot import SnapshotError

__all__ = ["DEFAULT_ACCOUNT", "KmsMock", "SeedError", "SnapshotError", "is_active", "mock_kms"]
__version__ = "0.1.0"
