"""The key-spec families: one object per family, each declaring its key specs (usages, the
algorithms DescribeKey lists, Region availability) and doing their cryptography (generation,
imported material, public keys, sign/verify, encrypt/decrypt, ECDH, MAC, ML-KEM).

Adding a key spec is one entry in its family's declaration (``RSA = RsaFamily(2048, ...)``) and
one in ``MODULES``; a new family is a ``Family`` subclass in a module of its own. Operations
reach a key's family as ``key.spec.family``.

A family's module (and the ``cryptography`` modules it needs) is imported the first time one
of its specs is asked for (``spec``): a test that only uses symmetric keys never pays for RSA,
ECC or ML-DSA (issue 12: the cold first call). ``MODULES`` says statically which module
declares each spec; tests/test_key_specs.py checks it against what the modules declare.
Reading ``SPECS`` or ``FAMILIES`` from this package imports every family first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ...backend.specs import KeySpec
from ...lazy import import_for
from .base import DECLARED, Family, InvalidMaterial, PrivateMaterial

# The module of this package that declares each key spec (importing it declares them).
MODULES: dict[str, str] = {
    "SYMMETRIC_DEFAULT": "symmetric",
    "RSA_2048": "rsa",
    "RSA_3072": "rsa",
    "RSA_4096": "rsa",
    "ECC_NIST_P256": "ecc",
    "ECC_NIST_P384": "ecc",
    "ECC_NIST_P521": "ecc",
    "ECC_SECG_P256K1": "ecc",
    "ECC_NIST_EDWARDS25519": "ed25519",
    "ML_DSA_44": "mldsa",
    "ML_DSA_65": "mldsa",
    "ML_DSA_87": "mldsa",
    "ML_KEM_512": "mlkem",
    "ML_KEM_768": "mlkem",
    "ML_KEM_1024": "mlkem",
    "HMAC_224": "hmac",
    "HMAC_256": "hmac",
    "HMAC_384": "hmac",
    "HMAC_512": "hmac",
    "SM2": "sm2",
}

# Specs whose module has been imported completely (``lazy.import_for``).
_ready: set[str] = set()


def spec(name: str) -> KeySpec | None:
    """The key spec ``name``, its family's module imported on first use; None when kmsmock
    does not serve it (botocore's model may name specs newer than kmsmock)."""
    if name not in _ready and not import_for(__name__, MODULES, _ready, name):
        return None
    return DECLARED.get(name)


def known(name: str) -> KeySpec:
    """``spec(name)`` for a spec kmsmock serves (SYMMETRIC_DEFAULT, an import's wrapping key
    spec...); KeyError for any other."""
    found = spec(name)
    if found is None:
        raise KeyError(name)
    return found


def load_all() -> dict[str, KeySpec]:
    """Every key spec kmsmock serves, by name, each family imported."""
    for module in sorted(set(MODULES.values())):
        importlib.import_module(f"{__name__}.{module}")
    return DECLARED


def __getattr__(attr: str) -> Any:
    # ``SPECS`` (every key spec, by name) and ``FAMILIES`` are not bound here, so reading them
    # always imports every family first.
    if attr == "SPECS":
        return load_all()
    if attr == "FAMILIES":
        return tuple(dict.fromkeys(s.family for s in load_all().values()))
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


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
    "MODULES",
    "SPECS",
    "Family",
    "InvalidMaterial",
    "KeySpec",
    "PrivateMaterial",
    "generate",
    "known",
    "load_all",
    "spec",
]
