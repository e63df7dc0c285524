"""ECC_NIST_EDWARDS25519: pure Ed25519 (``ED25519_SHA_512``, MessageType RAW) and Ed25519ph
(``ED25519_PH_SHA_512``, MessageType DIGEST: a SHA-512 digest, see ``crypto.edwards``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from ...backend.specs import SIGN_VERIFY, KeySpec
from .. import edwards
from .asymmetric import AsymmetricFamily, Message

PREHASHED = "ED25519_PH_SHA_512"
# Each algorithm accepts exactly one message type (CreateKey.KeySpec documentation:
# "ED25519_SHA_512 signing algorithm requires MessageType:RAW, while ED25519_PH_SHA_512 requires
# MessageType:DIGEST. These message types cannot be used interchangeably.")
_REQUIRED_MESSAGE_TYPE = {"ED25519_SHA_512": "RAW", PREHASHED: "DIGEST"}


class Ed25519Family(AsymmetricFamily[ed25519.Ed25519PrivateKey]):
    data_key_pairs = True

    def __init__(self) -> None:
        super().__init__("Ed25519")
        # "ECC_NIST_EDWARDS25519 (ed25519) - signing and verification only".
        self._declare("ECC_NIST_EDWARDS25519", {SIGN_VERIFY: list(_REQUIRED_MESSAGE_TYPE)})

    def generate(self, spec: KeySpec) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.generate()

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed(32))  # RFC 8032: a 32-byte seed

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[ed25519.Ed25519PrivateKey]:
        return isinstance(private, ed25519.Ed25519PrivateKey)

    def required_message_type(self, algorithm: str) -> str | None:
        return _REQUIRED_MESSAGE_TYPE.get(algorithm)

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        return 64 if message_type == "DIGEST" and algorithm == PREHASHED else None

    def sign(self, private: ed25519.Ed25519PrivateKey, message: Message) -> bytes:
        if message.algorithm == PREHASHED:
            # KMS prehashes the 64-byte digest it is given once more (FIPS 186-5 §7.8.1 step 1).
            seed, public = private.private_bytes_raw(), private.public_key().public_bytes_raw()
            return edwards.sign(seed, message.data, public)
        return private.sign(message.data)

    def verify(
        self, private: ed25519.Ed25519PrivateKey, message: Message, signature: bytes
    ) -> bool:
        public = private.public_key()
        if message.algorithm == PREHASHED:
            return edwards.verify(public.public_bytes_raw(), signature, message.data)
        try:
            public.verify(signature, message.data)
        except (InvalidSignature, ValueError):
            return False
        return True


ED25519 = Ed25519Family()
