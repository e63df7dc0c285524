"""HMAC_224, HMAC_256, HMAC_384, HMAC_512: RFC 2104 HMAC with the spec's SHA-2 hash. A key's
material is its secret bytes."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from ...backend.specs import GENERATE_VERIFY_MAC, KeySpec
from .base import Family, MaterialSize


class HmacFamily(Family[bytes]):
    hmac = True

    def __init__(self, *digest_bits: int) -> None:
        super().__init__("HMAC")
        self._hash = {f"HMAC_{n}": f"sha{n}" for n in digest_bits}
        for name, hash_name in self._hash.items():
            self._declare(name, {GENERATE_VERIFY_MAC: [f"HMAC_SHA_{hash_name[3:]}"]})

    def key_bytes(self, spec: KeySpec) -> tuple[int, int]:
        """The secret lengths allowed: at least the hash's size, at most its block size
        (Developer Guide, "Requirements for imported key material")."""
        h = hashlib.new(self._hash[spec.name])
        return h.digest_size, h.block_size

    def generate(self, spec: KeySpec) -> bytes:
        return os.urandom(self.key_bytes(spec)[0])

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> bytes:
        return seed(self.key_bytes(spec)[0])

    def load(self, spec: KeySpec, material: bytes) -> bytes:
        low, high = self.key_bytes(spec)
        if not low <= len(material) <= high:
            raise MaterialSize(low, high)
        return bytes(material)

    def mac(self, private: bytes, algorithm: str, message: bytes) -> bytes:
        """``HMAC_SHA_256`` -> HMAC with SHA-256 (the spec has already matched the algorithm)."""
        return hmac.new(private, message, "sha" + algorithm.rsplit("_", 1)[1]).digest()

    def verify_mac(self, private: bytes, algorithm: str, message: bytes, mac: bytes) -> bool:
        return hmac.compare_digest(self.mac(private, algorithm, message), mac)


HMAC = HmacFamily(224, 256, 384, 512)
