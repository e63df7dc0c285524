"""ML_DSA_44, ML_DSA_65, ML_DSA_87 (FIPS 204): ``ML_DSA_SHAKE_256`` signatures, pure ML-DSA with
an empty context, over a RAW message or a caller's 64-byte external mu (MessageType
EXTERNAL_MU); signatures are the raw FIPS 204 encoding.
"""

from __future__ import annotations

from typing import Protocol

from cryptography.exceptions import InvalidSignature

from ...backend.specs import SIGN_VERIFY
from .base import Message, PrivateKey
from .postquantum import PostQuantumFamily

EXTERNAL_MU = "EXTERNAL_MU"
EXTERNAL_MU_BYTES = 64


class MlDsaPrivateKey(PrivateKey, Protocol):
    def sign(self, data: bytes) -> bytes: ...

    def sign_mu(self, mu: bytes) -> bytes: ...


class MlDsaFamily(PostQuantumFamily[MlDsaPrivateKey]):
    def __init__(self, *parameter_sets: int) -> None:
        super().__init__("ML-DSA", "mldsa")
        for n in parameter_sets:
            self._declare(f"ML_DSA_{n}", {SIGN_VERIFY: ["ML_DSA_SHAKE_256"]})

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        # No DIGEST form (AWS: "Message type DIGEST is incompatible with key spec ML_DSA_44.");
        # the pre-hashed form is EXTERNAL_MU, the 64-byte mu of FIPS 204.
        return EXTERNAL_MU_BYTES if message_type == EXTERNAL_MU else None

    def sign(self, private: MlDsaPrivateKey, message: Message) -> bytes:
        if message.message_type == EXTERNAL_MU:
            return private.sign_mu(message.data)
        return private.sign(message.data)  # pure ML-DSA, empty context

    def verify(self, private: MlDsaPrivateKey, message: Message, signature: bytes) -> bool:
        public = private.public_key()
        try:
            if message.message_type == EXTERNAL_MU:
                public.verify_mu(signature, message.data)
            else:
                public.verify(signature, message.data)
        except (InvalidSignature, ValueError):
            return False
        return True


ML_DSA = MlDsaFamily(44, 65, 87)
