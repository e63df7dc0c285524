"""ML_KEM_512, ML_KEM_768, ML_KEM_1024 (FIPS 203): Encapsulate, Decapsulate and data key pairs
(private keys in PKCS#8 seed form). Not available in China Regions."""

from __future__ import annotations

from typing import Protocol

from ...backend.specs import ENCAPSULATE_DECAPSULATE
from .asymmetric import PrivateKey
from .postquantum import PostQuantumFamily


class MlKemPrivateKey(PrivateKey, Protocol):
    def decapsulate(self, ciphertext: bytes) -> bytes: ...


class MlKemFamily(PostQuantumFamily[MlKemPrivateKey]):
    data_key_pairs = True

    def __init__(self, *parameter_sets: int) -> None:
        super().__init__("ML-KEM", "mlkem", 64)
        for n in parameter_sets:
            # "The ML-KEM key specs are not available in China Regions."
            self._declare(f"ML_KEM_{n}", {ENCAPSULATE_DECAPSULATE: ["ML_KEM"]}, not_in_china=True)

    def encapsulate(self, private: MlKemPrivateKey) -> tuple[bytes, bytes]:
        secret, ciphertext = private.public_key().encapsulate()
        return bytes(secret), bytes(ciphertext)

    def decapsulate(self, private: MlKemPrivateKey, ciphertext: bytes) -> bytes:
        """A wrong-length ciphertext raises ``ValueError``. Any other ciphertext yields ML-KEM's
        implicit-rejection value rather than an error, as FIPS 203 specifies."""
        return bytes(private.decapsulate(ciphertext))


ML_KEM = MlKemFamily(512, 768, 1024)
