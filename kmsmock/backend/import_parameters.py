"""What GetParametersForImport handed out: a wrapping key for one KMS key, valid until a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from ..crypto.sm2 import SM2PrivateKey


@dataclass(slots=True)
class ImportParameters:
    key_id: str
    wrapping_key: RSAPrivateKey | SM2PrivateKey = field(repr=False)  # never printed
    algorithm: str
    valid_to: datetime
