"""SYMMETRIC_DEFAULT: AES-256-GCM. Its material is versioned by the backend (``Key.materials``,
rotated on schedule or on demand) and sealed in kmsmock's ciphertext blob (``crypto.envelope``),
so this family only declares the spec and the material's size."""

from __future__ import annotations

from ...backend.specs import ENCRYPT_DECRYPT
from .base import Family

KEY_BYTES = 32  # imported material must be 256 bits too


class SymmetricFamily(Family[bytes]):
    symmetric = True

    def __init__(self) -> None:
        super().__init__("symmetric")
        self._declare("SYMMETRIC_DEFAULT", {ENCRYPT_DECRYPT: ["SYMMETRIC_DEFAULT"]})


SYMMETRIC = SymmetricFamily()
