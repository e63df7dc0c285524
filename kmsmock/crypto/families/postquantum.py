"""What ML-DSA and ML-KEM share: ``cryptography``'s classes, looked up on first use because the
installed release (or its OpenSSL) may lack them, in which case kmsmock says so clearly."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar

from cryptography.exceptions import UnsupportedAlgorithm

from ... import errors
from ...backend.specs import KeySpec
from .asymmetric import AsymmetricFamily, PrivateKey

Q = TypeVar("Q", bound=PrivateKey)


def cryptography_version() -> str:
    import cryptography

    return str(cryptography.__version__)


class PostQuantumFamily(AsymmetricFamily[Q]):
    def __init__(self, name: str, module: str, seed_bytes: int) -> None:
        super().__init__(name)
        self._module = module  # "mldsa": classes MLDSA44PrivateKey...
        self._seed_bytes = seed_bytes  # FIPS 204's xi (32 bytes), FIPS 203's d || z (64)

    def private_class(self, spec: KeySpec) -> Any:
        """The ``cryptography`` class for ``spec``, or a clear refusal."""
        size = spec.name.rsplit("_", 1)[1]
        try:
            module = importlib.import_module(
                f"cryptography.hazmat.primitives.asymmetric.{self._module}"
            )
            return getattr(module, f"{self._module.upper()}{size}PrivateKey")
        except (ImportError, AttributeError):
            raise errors.CRYPTOGRAPHY_LACKS_ALGORITHM(
                algorithm=spec.name.replace("_", "-"),
                key_spec=spec.name,
                version=cryptography_version(),
            ) from None

    def generate(self, spec: KeySpec) -> Q:
        cls = self.private_class(spec)
        try:
            private: Q = cls.generate()
        except UnsupportedAlgorithm:
            raise errors.CRYPTOGRAPHY_CANNOT_GENERATE(key_spec=spec.name) from None
        return private

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> Q:
        """From a seed, as FIPS 203/204 key generation itself starts (``from_seed_bytes``)."""
        private: Q = self.private_class(spec).from_seed_bytes(seed(self._seed_bytes))
        return private

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[Q]:
        return isinstance(private, self.private_class(spec))
