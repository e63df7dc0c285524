"""Asymmetric and HMAC key material: generation, public keys, RSA-OAEP.

Keys are generated on first use (``Key.private`` stays None until then), so creating an
asymmetric key costs nothing until it signs, decrypts or shows its public key.
"""

from __future__ import annotations

import os
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
_HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}


def generate(spec: str) -> Any:
    """New private key material for a key spec (an HMAC key's is its secret bytes)."""
    if spec.startswith("RSA_"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[4:]))
    if spec in _CURVES:
        return ec.generate_private_key(_CURVES[spec]())
    if spec == "ECC_NIST_EDWARDS25519":
        return ed25519.Ed25519PrivateKey.generate()
    if spec in _HMAC_BYTES:
        return os.urandom(_HMAC_BYTES[spec])
    raise NotImplementedError(f"key generation for {spec}")


def public_der(private: Any) -> bytes:
    """DER SubjectPublicKeyInfo, as GetPublicKey returns it."""
    return bytes(
        private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


_OAEP_HASH: dict[str, type[hashes.HashAlgorithm]] = {
    "RSAES_OAEP_SHA_1": hashes.SHA1,
    "RSAES_OAEP_SHA_256": hashes.SHA256,
}


def _oaep(algorithm: str) -> padding.OAEP:
    h = _OAEP_HASH[algorithm]()
    return padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)


def rsa_max_plaintext(key_bits: int, algorithm: str) -> int:
    """kms-facts §4: key bytes - 2 x hash bytes - 2."""
    return key_bits // 8 - 2 * _OAEP_HASH[algorithm]().digest_size - 2


def rsa_encrypt(private: rsa.RSAPrivateKey, algorithm: str, plaintext: bytes) -> bytes:
    return private.public_key().encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(private: rsa.RSAPrivateKey, algorithm: str, ciphertext: bytes) -> bytes:
    """Raises ``ValueError`` when the ciphertext does not decrypt under this key."""
    return private.decrypt(ciphertext, _oaep(algorithm))
