"""RSA_2048, RSA_3072, RSA_4096: RSAES-OAEP encryption and RSASSA PKCS #1 v1.5 / PSS signatures.

Signatures and ciphertexts are the standard encodings, so ordinary tools verify and encrypt
with the public key outside KMS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ...backend.specs import ENCRYPT_DECRYPT, SIGN_VERIFY, KeySpec
from .asymmetric import AsymmetricFamily, Message, hash_of, public_key, signing_hash

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

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> rsa.RSAPrivateKey:
        """Two primes searched for from the seed's bytes in pure Python (``cryptography``
        cannot generate from a seed): about a second for RSA_2048, several for RSA_4096."""
        half = self.key_bits(spec) // 2
        p = _seeded_prime(half, seed)
        q = _seeded_prime(half, seed)
        while q == p:  # pragma: no cover - a 1 in 2**1000 chance
            q = _seeded_prime(half, seed)
        d = pow(_E, -1, (p - 1) * (q - 1))
        public = rsa.RSAPublicNumbers(_E, p * q)
        return rsa.RSAPrivateNumbers(
            p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public
        ).private_key()

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[rsa.RSAPrivateKey]:
        return isinstance(private, rsa.RSAPrivateKey) and private.key_size == self.key_bits(spec)

    # -- signatures ---------------------------------------------------------------------------

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        return hash_of(algorithm).digest_size if message_type == "DIGEST" else None

    @staticmethod
    @functools.cache  # one per algorithm: cryptography's paddings are immutable
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
            public_key(private).verify(signature, message.data, pad, signing_hash(message))
        except (InvalidSignature, ValueError):
            return False
        return True

    # -- RSAES-OAEP ---------------------------------------------------------------------------

    def max_plaintext(self, spec: KeySpec, algorithm: str) -> int:
        """kms-facts §4: key bytes - 2 x hash bytes - 2."""
        return self.key_bits(spec) // 8 - 2 * hash_of(algorithm).digest_size - 2

    def encrypt(self, private: rsa.RSAPrivateKey, algorithm: str, plaintext: bytes) -> bytes:
        public: rsa.RSAPublicKey = public_key(private)
        return public.encrypt(plaintext, oaep(algorithm))

    def decrypt(self, private: rsa.RSAPrivateKey, algorithm: str, ciphertext: bytes) -> bytes:
        return private.decrypt(ciphertext, oaep(algorithm))


_E = 65537
_SMALL_PRIMES = [n for n in range(3, 2000, 2) if all(n % d for d in range(3, int(n**0.5) + 1, 2))]


def _seeded_prime(bits: int, seed: Callable[[int], bytes]) -> int:
    """The first probable prime p >= a seeded start (top two bits set, so that the product of
    two has exactly twice ``bits`` bits) with gcd(p - 1, 65537) = 1."""
    start = int.from_bytes(seed(bits // 8), "big") | (3 << (bits - 2)) | 1
    offsets = {p: start % p for p in _SMALL_PRIMES}
    for step in range(0, 1 << 20, 2):  # candidates start, start + 2, ...
        if any((r + step) % p == 0 for p, r in offsets.items()):
            continue  # a small factor: no modular exponentiation needed
        candidate = start + step
        if (candidate - 1) % _E and _probably_prime(candidate):
            return candidate
    raise ValueError("no prime found")  # pragma: no cover - primes are far denser than this


def _probably_prime(n: int) -> bool:
    """Miller-Rabin with fixed bases: enough for candidates nobody chose to fool it."""
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for base in (2, 3, 5, 7, 11, 13, 17, 19):
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


RSA = RsaFamily(2048, 3072, 4096)
