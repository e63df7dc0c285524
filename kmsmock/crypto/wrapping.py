"""Unwrapping imported key material: what GetParametersForImport's public key protects.

RSAES_OAEP_SHA_*: the material encrypted directly with RSA-OAEP. RSA_AES_KEY_WRAP_SHA_*: an AES
key encrypted with RSA-OAEP, followed by the material wrapped with that AES key (AES Key Wrap
with Padding, RFC 5649). SM2PKE: SM2 public-key encryption (China Regions).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

from . import sm2

_HASH: dict[str, type[hashes.HashAlgorithm]] = {
    "RSAES_OAEP_SHA_1": hashes.SHA1,
    "RSAES_OAEP_SHA_256": hashes.SHA256,
    "RSA_AES_KEY_WRAP_SHA_1": hashes.SHA1,
    "RSA_AES_KEY_WRAP_SHA_256": hashes.SHA256,
}


class Unwrappable(Exception):
    """The wrapped material does not open with this wrapping key and algorithm."""


def _oaep(algorithm: str) -> padding.OAEP:
    h = _HASH[algorithm]()
    return padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)


def unwrap(
    wrapping_key: rsa.RSAPrivateKey | sm2.SM2PrivateKey, algorithm: str, blob: bytes
) -> bytes:
    try:
        if isinstance(wrapping_key, sm2.SM2PrivateKey):  # SM2PKE
            return sm2.decrypt(wrapping_key, blob)
        if algorithm.startswith("RSAES_OAEP"):
            return wrapping_key.decrypt(blob, _oaep(algorithm))
        size = wrapping_key.key_size // 8
        aes_key = wrapping_key.decrypt(blob[:size], _oaep(algorithm))
        return aes_key_unwrap_with_padding(aes_key, blob[size:])
    except (ValueError, InvalidUnwrap) as exc:
        raise Unwrappable from exc
