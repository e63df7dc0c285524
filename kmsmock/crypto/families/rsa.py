"""RSA_2048, RSA_3072, RSA_4096: RSAES-OAEP encryption and RSASSA PKCS #1 v1.5 / PSS signatures.

Signatures and ciphertexts are the standard encodings, so ordinary tools verify and encrypt
with the public key outside KMS.
"""

from __future__ import annotations

from typing import TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ...backend.specs import ENCRYPT_DECRYPT, SIGN_VERIFY, KeySpec
from .base import AsymmetricFamily, Message, hash_of, signing_hash

_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
_SIGNING = [f"RSASSA_{scheme}_SHA_{n}" for scheme in ("PKCS1_V1_5", "PSS") for n in (256, 384, 512)]


def oaep(algorithm: str) -> padding.OAEP:
    """RSAES-OAEP with MGF1 and the algorithm's hash (``..._SHA_256`` -> SHA-256), no label."""
    h = hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)


class RsaFamily(AsymmetricFamily[rsa.RSAPrivateKey]):
    data_key_pairs = True

    def __init__(self, *key_bits: int) -> None:
        super().__init__("RSA")
        self._bits = {f"RSA_{n}": n for n in key_bits}
        for name in self._bits:
            self._declare(name, {ENCRYPT_DECRYPT: _ENCRYPTION, SIGN_VERIFY: _SIGNING})

    def key_bits(self, spec: KeySpec) -> int:
        return self._bits[spec.name]

    def generate(self, spec: KeySpec) -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=self.key_bits(spec))

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[rsa.RSAPrivateKey]:
        return isinstance(private, rsa.RSAPrivateKey) and private.key_size == self.key_bits(spec)

    # -- signatures ---------------------------------------------------------------------------

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        return hash_of(algorithm).digest_size if message_type == "DIGEST" else None

    @staticmethod
    def _padding(algorithm: str) -> padding.AsymmetricPadding:
        if algorithm.startswith("RSASSA_PSS_"):
            h = hash_of(algorithm)
            # KMS uses a salt as long as the digest (verified against real KMS by its users).
            return padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
        return padding.PKCS1v15()

    def sign(self, private: rsa.RSAPrivateKey, message: Message) -> bytes:
        pad = self._padding(message.algorithm)
        return private.sign(message.data, pad, signing_hash(message))

    def verify(self, private: rsa.RSAPrivateKey, message: Message, signature: bytes) -> bool:
        pad = self._padding(message.algorithm)
        try:
            private.public_key().verify(signature, message.data, pad, signing_hash(message))
        except (InvalidSignature, ValueError):
            return False
        return True

    # -- RSAES-OAEP ---------------------------------------------------------------------------

    def max_plaintext(self, spec: KeySpec, algorithm: str) -> int:
        """kms-facts §4: key bytes - 2 x hash bytes - 2."""
        return self.key_bits(spec) // 8 - 2 * hash_of(algorithm).digest_size - 2

    def encrypt(self, private: rsa.RSAPrivateKey, algorithm: str, plaintext: bytes) -> bytes:
        return private.public_key().encrypt(plaintext, oaep(algorithm))

    def decrypt(self, private: rsa.RSAPrivateKey, algorithm: str, ciphertext: bytes) -> bytes:
        return private.decrypt(ciphertext, oaep(algorithm))


RSA = RsaFamily(2048, 3072, 4096)
