"""ML_DSA_44, ML_DSA_65, ML_DSA_87 (FIPS 204): ``ML_DSA_SHAKE_256`` signatures, pure ML-DSA with
an empty context, over a RAW message or a caller's 64-byte external mu (MessageType
EXTERNAL_MU); signatures are the raw FIPS 204 encoding.

External mu needs ``sign_mu``/``verify_mu``, which some ``cryptography`` builds lack. Whether
this one has them is checked once, on first use (``has_external_mu``), never at import.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from ... import errors
from ...backend.specs import SIGN_VERIFY
from .asymmetric import Message, PrivateKey
from .postquantum import PostQuantumFamily, cryptography_version

EXTERNAL_MU = "EXTERNAL_MU"
EXTERNAL_MU_BYTES = 64


class MlDsaPrivateKey(PrivateKey, Protocol):
    def sign(self, data: bytes) -> bytes: ...

    def sign_mu(self, mu: bytes) -> bytes: ...


@functools.cache
def has_external_mu() -> bool:
    """Whether this ``cryptography`` build signs and verifies an ML-DSA external mu."""
    try:
        from cryptography.hazmat.primitives.asymmetric import mldsa

        probe: Any = mldsa.MLDSA44PrivateKey.generate()
        mu = bytes(EXTERNAL_MU_BYTES)
        probe.public_key().verify_mu(probe.sign_mu(mu), mu)
    except (ImportError, AttributeError, UnsupportedAlgorithm, InvalidSignature):
        return False
    return True


def external_mu_gap() -> str:
    """Why MessageType EXTERNAL_MU is refused where ``has_external_mu()`` is false."""
    return errors.EXTERNAL_MU_UNAVAILABLE(version=cryptography_version()).message


def _require_external_mu() -> None:
    if not has_external_mu():
        raise errors.EXTERNAL_MU_UNAVAILABLE(version=cryptography_version())


class MlDsaFamily(PostQuantumFamily[MlDsaPrivateKey]):
    def __init__(self, *parameter_sets: int) -> None:
        super().__init__("ML-DSA", "mldsa", 32)
        for n in parameter_sets:
            self._declare(f"ML_DSA_{n}", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]})

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        # No DIGEST form (AWS: "Message type DIGEST is incompatible with key spec ML_DSA_44.");
        # the pre-hashed form is EXTERNAL_MU, the 64-byte mu of FIPS 204.
        return EXTERNAL_MU_BYTES if message_type == EXTERNAL_MU else None

    def sign(self, private: MlDsaPrivateKey, message: Message) -> bytes:
        if message.message_type == EXTERNAL_MU:
            _require_external_mu()
            return private.sign_mu(message.data)
        return private.sign(message.data)  # pure ML-DSA, empty context

    def verify(self, private: MlDsaPrivateKey, message: Message, signature: bytes) -> bool:
        public = private.public_key()
        external_mu = message.message_type == EXTERNAL_MU
        if external_mu:
            _require_external_mu()
        try:
            if external_mu:
                public.verify_mu(signature, message.data)
            else:
                public.verify(signature, message.data)
        except (InvalidSignature, ValueError):
            return False
        return True


ML_DSA = MlDsaFamily(44, 65, 87)
