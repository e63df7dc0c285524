"""Asymmetric and HMAC key material: generation, public keys, signatures, MACs, key agreement,
RSA-OAEP and SM2PKE, and the DER forms KMS hands out.

Keys are generated on first use (``Key.private`` stays None until then), so creating an
asymmetric key costs nothing until it signs, decrypts or shows its public key.

What ``Key.private`` holds, per key spec (code that imports key material must store the same):
RSA_* ``rsa.RSAPrivateKey``; ECC_NIST_*/ECC_SECG_P256K1 ``ec.EllipticCurvePrivateKey``;
ECC_NIST_EDWARDS25519 ``ed25519.Ed25519PrivateKey``; ML_DSA_* and ML_KEM_* ``cryptography``'s
ML-DSA / ML-KEM private keys; SM2 ``sm2.SM2PrivateKey``; HMAC_* the secret ``bytes``.
``load_private_der`` builds each from PKCS#8 DER (raw bytes for HMAC).

Every signature is in the standard encoding, so ordinary tools verify it with the public key:
RSA PKCS #1 (PSS with a salt as long as the digest), ECDSA and SM2DSA DER ``SEQUENCE {r, s}``,
Ed25519 and ML-DSA raw.
"""

from __future__ import annotations

import hmac as _hmac
import os
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from .. import errors
from . import edwards, sm2

_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
_HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}


def _post_quantum(spec: str) -> Any:
    """The ``cryptography`` class for an ML-DSA or ML-KEM spec, or a clear refusal."""
    family, size = spec.rsplit("_", 1)
    try:
        if family == "ML_DSA":
            from cryptography.hazmat.primitives.asymmetric import mldsa

            return getattr(mldsa, f"MLDSA{size}PrivateKey")
        from cryptography.hazmat.primitives.asymmetric import mlkem

        return getattr(mlkem, f"MLKEM{size}PrivateKey")
    except (ImportError, AttributeError):
        raise errors.CRYPTOGRAPHY_LACKS_ALGORITHM(
            algorithm=spec.replace("_", "-"), key_spec=spec, version=_version()
        ) from None


def _version() -> str:
    import cryptography

    return str(cryptography.__version__)


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
    if spec.startswith(("ML_DSA_", "ML_KEM_")):
        try:
            return _post_quantum(spec).generate()
        except UnsupportedAlgorithm:
            raise errors.CRYPTOGRAPHY_CANNOT_GENERATE(key_spec=spec) from None
    if spec == "SM2":
        return sm2.generate()
    raise NotImplementedError(f"key generation for {spec}")


def public_der(private: Any) -> bytes:
    """DER SubjectPublicKeyInfo, as GetPublicKey returns it."""
    return bytes(
        private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def private_der(private: Any) -> bytes:
    """DER PKCS#8 PrivateKeyInfo, as GenerateDataKeyPair returns it (ML-KEM: seed form)."""
    return bytes(
        private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def load_private_der(spec: str, der: bytes) -> Any:
    """The ``Key.private`` value for imported key material (PKCS#8 DER; HMAC: raw secret)."""
    if spec in _HMAC_BYTES:
        return bytes(der)
    if spec == "SM2":
        return sm2.load_private_der(der)
    return serialization.load_der_private_key(der, password=None)


# -- data key pairs ----------------------------------------------------------------------------


def data_key_pair(spec: str) -> tuple[bytes, bytes]:
    """A fresh (PKCS#8 private key, SPKI public key) pair for GenerateDataKeyPair."""
    private = generate(spec)
    return private_der(private), public_der(private)


# -- signatures -------------------------------------------------------------------------------


def _hash_of(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES[algorithm[-7:]]()


def _message_or_digest(algorithm: str, message_type: str) -> Any:
    h = _hash_of(algorithm)
    return utils.Prehashed(h) if message_type == "DIGEST" else h


def _rsa_padding(algorithm: str) -> padding.AsymmetricPadding:
    if algorithm.startswith("RSASSA_PSS_"):
        h = _hash_of(algorithm)
        # KMS uses a salt as long as the digest (verified against real KMS by its users).
        return padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
    return padding.PKCS1v15()


def sign(spec: str, private: Any, algorithm: str, message_type: str, message: bytes) -> bytes:
    """Sign as KMS Sign does; the operation has already checked algorithm and message type."""
    if spec.startswith("RSA_"):
        return bytes(
            private.sign(
                message, _rsa_padding(algorithm), _message_or_digest(algorithm, message_type)
            )
        )
    if spec in _CURVES:
        return bytes(private.sign(message, ec.ECDSA(_message_or_digest(algorithm, message_type))))
    if spec == "ECC_NIST_EDWARDS25519":
        if algorithm == "ED25519_PH_SHA_512":
            # KMS prehashes the 64-byte digest it is given once more (FIPS 186-5 §7.8.1 step 1).
            return edwards.sign(
                private.private_bytes_raw(), message, private.public_key().public_bytes_raw()
            )
        return bytes(private.sign(message))
    if spec.startswith("ML_DSA_"):
        if message_type == "EXTERNAL_MU":
            return bytes(private.sign_mu(message))
        return bytes(private.sign(message))  # pure ML-DSA, empty context
    if spec == "SM2":
        digest = message if message_type == "DIGEST" else _sm2_e(private.public_key(), message)
        return sm2.sign_digest(private, digest)
    raise NotImplementedError(f"signing with {spec}")


def _sm2_e(public: sm2.SM2PublicKey, message: bytes) -> bytes:
    return sm2.message_digest(public, message)


def verify(
    spec: str, private: Any, algorithm: str, message_type: str, message: bytes, signature: bytes
) -> bool:
    """Whether ``signature`` is valid; malformed signatures are simply invalid."""
    public = private.public_key()
    try:
        if spec.startswith("RSA_"):
            public.verify(
                signature,
                message,
                _rsa_padding(algorithm),
                _message_or_digest(algorithm, message_type),
            )
        elif spec in _CURVES:
            public.verify(signature, message, ec.ECDSA(_message_or_digest(algorithm, message_type)))
        elif spec == "ECC_NIST_EDWARDS25519":
            if algorithm == "ED25519_PH_SHA_512":
                return edwards.verify(public.public_bytes_raw(), signature, message)
            public.verify(signature, message)
        elif spec.startswith("ML_DSA_"):
            if message_type == "EXTERNAL_MU":
                public.verify_mu(signature, message)
            else:
                public.verify(signature, message)
        elif spec == "SM2":
            digest = message if message_type == "DIGEST" else _sm2_e(public, message)
            return sm2.verify_digest(public, signature, digest)
        else:
            raise NotImplementedError(f"verifying with {spec}")
    except (InvalidSignature, ValueError):
        return False
    return True


# -- HMAC -------------------------------------------------------------------------------------


def mac(secret: bytes, algorithm: str, message: bytes) -> bytes:
    """RFC 2104 HMAC with the algorithm's hash (HMAC_SHA_256 -> SHA-256)."""
    name = {"SHA_224": "sha224", "SHA_256": "sha256", "SHA_384": "sha384", "SHA_512": "sha512"}
    return _hmac.new(secret, message, name[algorithm[-7:]]).digest()


def mac_equal(expected: bytes, given: bytes) -> bool:
    return _hmac.compare_digest(expected, given)


# -- key agreement ----------------------------------------------------------------------------


def derive_shared_secret(spec: str, private: Any, peer_der: bytes) -> bytes:
    """Raw ECDH secret (the x coordinate) of our private key and the peer's SPKI public key."""
    if spec == "SM2":
        try:
            peer_sm2 = sm2.load_public_der(peer_der)
        except ValueError:
            raise errors.PEER_KEY_UNREADABLE() from None
        return sm2.exchange(private, peer_sm2)
    try:
        peer = serialization.load_der_public_key(peer_der)
    except (ValueError, UnsupportedAlgorithm):
        raise errors.PEER_KEY_UNREADABLE() from None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private.curve.name:
        raise errors.PEER_KEY_OTHER_CURVE(key_spec=spec)
    return bytes(private.exchange(ec.ECDH(), peer))


# -- RSA-OAEP and SM2PKE -------------------------------------------------------------------------

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


SM2PKE_MAX_PLAINTEXT = 1024  # kms-facts §4


def sm2_encrypt(private: sm2.SM2PrivateKey, plaintext: bytes) -> bytes:
    return sm2.encrypt(private.public_key(), plaintext)


def sm2_decrypt(private: sm2.SM2PrivateKey, ciphertext: bytes) -> bytes:
    """Raises ``ValueError`` when the ciphertext does not decrypt under this key."""
    return sm2.decrypt(private, ciphertext)


def max_plaintext(spec: str, algorithm: str) -> int:
    """The largest plaintext Encrypt accepts for an asymmetric key spec and algorithm."""
    if algorithm == "SM2PKE":
        return SM2PKE_MAX_PLAINTEXT
    return rsa_max_plaintext(int(spec.split("_")[1]), algorithm)


def public_encrypt(private: Any, algorithm: str, plaintext: bytes) -> bytes:
    """RSAES-OAEP or SM2PKE with the public half of ``private``."""
    if algorithm == "SM2PKE":
        return sm2_encrypt(private, plaintext)
    return rsa_encrypt(private, algorithm, plaintext)


def private_decrypt(private: Any, algorithm: str, ciphertext: bytes) -> bytes:
    """Raises ``ValueError`` when the ciphertext does not decrypt under this key."""
    if algorithm == "SM2PKE":
        return sm2_decrypt(private, ciphertext)
    return rsa_decrypt(private, algorithm, ciphertext)


# -- ML-KEM ---------------------------------------------------------------------------------------


def encapsulate(private: Any) -> tuple[bytes, bytes]:
    """(shared secret, ciphertext) from the public half of an ML-KEM key."""
    secret, ciphertext = private.public_key().encapsulate()
    return bytes(secret), bytes(ciphertext)


def decapsulate(private: Any, ciphertext: bytes) -> bytes:
    """The shared secret; a wrong-length ciphertext raises ``ValueError``. Any other ciphertext
    yields ML-KEM's implicit-rejection value rather than an error, as FIPS 203 specifies."""
    return bytes(private.decapsulate(ciphertext))
