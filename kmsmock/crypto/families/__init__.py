"""The key-spec families: one object per family, each declaring its key specs (usages, the
algorithms DescribeKey lists, Region availability) and doing their cryptography (generation,
imported material, public keys, sign/verify, encrypt/decrypt, ECDH, MAC, ML-KEM).

Adding a key spec is one entry in its family's declaration (``RSA = RsaFamily(2048, ...)``);
a new family is a ``Family`` subclass listed in ``FAMILIES``. Operations reach a key's family
as ``key.spec.family``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...backend.specs import KeySpec
from .base import Family, InvalidMaterial, PrivateMaterial
from .ecc import ECC
from .ed25519 import ED25519
from .hmac import HMAC
from .mldsa import ML_DSA
from .mlkem import ML_KEM
from .rsa import RSA
from .sm2 import SM2
from .symmetric import SYMMETRIC

FAMILIES: tuple[Family[Any], ...] = (SYMMETRIC, RSA, ECC, ED25519, ML_DSA, ML_KEM, HMAC, SM2)

# Every key spec kmsmock serves, by name.
SPECS: dict[str, KeySpec] = {spec.name: spec for family in FAMILIES for spec in family.specs}


def generate(spec: KeySpec, seed: Callable[[int], bytes] | None = None) -> PrivateMaterial:
    """New private material for ``spec``: every asymmetric key, HMAC secret, data key pair and
    import wrapping key kmsmock makes is made here (on first use, never at CreateKey).

    With ``seed`` (a key's byte stream in deterministic mode) the material is derived from it,
    so the same seed gives the same key."""
    material: PrivateMaterial = (
        spec.family.generate(spec) if seed is None else spec.family.from_seed(spec, seed)
    )
    return material


__all__ = [
    "FAMILIES",
    "SPECS",
    "Family",
    "InvalidMaterial",
    "KeySpec",
    "PrivateMaterial",
    "generate",
]
