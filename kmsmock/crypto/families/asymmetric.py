"""What the families of ``cryptography``-shaped private keys share (RSA, ECC, Ed25519, SM2,
ML-DSA, ML-KEM): DER public and private keys, imported PKCS#8 material, and the hash an
algorithm name ends with. Its own module so that a program using only symmetric and HMAC keys
never imports ``cryptography``'s serialization, hashes or asymmetric modules."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeGuard, TypeVar

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import utils

from ...backend.specs import KeySpec
from .base import Family, InvalidMaterial


class PrivateKey(Protocol):
    """What kmsmock uses of any asymmetric private key: ``cryptography``'s (ML-DSA and ML-KEM
    typed structurally, as the installed release may predate them) and ``sm2``'s."""

    def public_key(self) -> Any: ...

    def private_bytes(
        self,
        encoding: serialization.Encoding,
        format: serialization.PrivateFormat,
        encryption_algorithm: serialization.KeySerializationEncryption,
        /,
    ) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Message:
    """What Sign signs and Verify checks: ``data`` is a RAW message, a DIGEST or an
    EXTERNAL_MU, as ``message_type`` says; the operation has checked both against the spec."""

    algorithm: str
    message_type: str
    data: bytes = field(repr=False)

    @property
    def prehashed(self) -> bool:
        return self.message_type == "DIGEST"


K = TypeVar("K", bound=PrivateKey)

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    """The hash an algorithm name ends with: ``RSASSA_PSS_SHA_256`` -> SHA-256."""
    return HASHES["SHA_" + algorithm.rsplit("_", 1)[1]]()


def signing_hash(message: Message) -> hashes.HashAlgorithm | utils.Prehashed:
    """The hash to sign with, or a note that the caller already hashed (MessageType DIGEST)."""
    return signing_hash_for(message.algorithm, message.prehashed)


@functools.cache  # a handful of algorithms; cryptography's hash objects are immutable
def signing_hash_for(algorithm: str, prehashed: bool) -> hashes.HashAlgorithm | utils.Prehashed:
    h = hash_of(algorithm)
    return utils.Prehashed(h) if prehashed else h


@functools.lru_cache(maxsize=128)  # the keys in use
def public_key(private: Any) -> Any:
    """``private.public_key()``, made once per key in use: a new public key object costs
    OpenSSL its set-up again on every Verify (about 6 µs for P-256, 20 µs for RSA-2048 inside
    a call)."""
    return private.public_key()


class AsymmetricFamily(Family[K]):
    """Families whose private material is a ``cryptography``-shaped private key."""

    def public_der(self, private: K) -> bytes:
        return bytes(
            private.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def private_der(self, private: K) -> bytes:
        return bytes(
            private.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def load(self, spec: KeySpec, material: bytes) -> K:
        try:
            private = serialization.load_der_private_key(material, password=None)
        except (ValueError, TypeError):
            raise InvalidMaterial(spec.name) from None
        if not self.matches(private, spec):
            raise InvalidMaterial(spec.name)
        return private

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[K]:
        """Whether a loaded private key is one of ``spec``."""
        return False
