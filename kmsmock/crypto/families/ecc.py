"""NIST and SECG elliptic curves: ECDSA signatures (DER ``SEQUENCE {r, s}``) and, on the NIST
curves, ECDH key agreement (DeriveSharedSecret returns the raw x coordinate)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ... import errors
from ...backend.specs import KEY_AGREEMENT, SIGN_VERIFY, KeySpec
from .asymmetric import AsymmetricFamily, Message, hash_of, public_key, signing_hash_for


@dataclass(frozen=True)
class Curve:
    spec: str
    curve: type[ec.EllipticCurve]
    signing: str  # the one ECDSA algorithm KMS offers on this curve
    agreement: bool = True


class EccFamily(AsymmetricFamily[ec.EllipticCurvePrivateKey]):
    data_key_pairs = True

    def __init__(self, *curves: Curve) -> None:
        super().__init__("ECC")
        self._curves = {c.spec: c.curve for c in curves}
        for c in curves:
            usages = {SIGN_VERIFY: [c.signing]}
            if c.agreement:
                usages[KEY_AGREEMENT] = ["ECDH"]
            self._declare(c.spec, usages)

    def generate(self, spec: KeySpec) -> ec.EllipticCurvePrivateKey:
        return ec.generate_private_key(self._curves[spec.name]())

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> ec.EllipticCurvePrivateKey:
        """The private value is drawn from the seed's bytes until it is below the curve's order
        (at once, but for a chance of about 2**-32 on these curves)."""
        curve = self._curves[spec.name]()
        size = curve.key_size
        while True:
            value = int.from_bytes(seed((size + 7) // 8), "big") >> (-size % 8)
            try:
                return ec.derive_private_key(value, curve)
            except ValueError:  # zero, or not below the order: draw again
                continue

    def matches(self, private: object, spec: KeySpec) -> TypeGuard[ec.EllipticCurvePrivateKey]:
        return isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(
            private.curve, self._curves[spec.name]
        )

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        return hash_of(algorithm).digest_size if message_type == "DIGEST" else None

    def sign(self, private: ec.EllipticCurvePrivateKey, message: Message) -> bytes:
        return private.sign(message.data, _ecdsa(message.algorithm, message.prehashed))

    def verify(
        self, private: ec.EllipticCurvePrivateKey, message: Message, signature: bytes
    ) -> bool:
        try:
            ecdsa = _ecdsa(message.algorithm, message.prehashed)
            public_key(private).verify(signature, message.data, ecdsa)
        except (InvalidSignature, ValueError):
            return False
        return True

    def derive(self, spec: KeySpec, private: ec.EllipticCurvePrivateKey, peer_der: bytes) -> bytes:
        try:
            peer = serialization.load_der_public_key(peer_der)
        except (ValueError, UnsupportedAlgorithm):
            raise errors.PEER_KEY_UNREADABLE() from None
        if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private.curve.name:
            raise errors.PEER_KEY_OTHER_CURVE(key_spec=spec.name)
        return private.exchange(ec.ECDH(), peer)


@functools.cache  # one per algorithm: cryptography's algorithm objects are immutable
def _ecdsa(algorithm: str, prehashed: bool) -> ec.ECDSA:
    return ec.ECDSA(signing_hash_for(algorithm, prehashed))


ECC = EccFamily(
    Curve("ECC_NIST_P256", ec.SECP256R1, "ECDSA_SHA_256"),
    Curve("ECC_NIST_P384", ec.SECP384R1, "ECDSA_SHA_384"),
    Curve("ECC_NIST_P521", ec.SECP521R1, "ECDSA_SHA_512"),
    # "ECC_SECG_P256K1 (secp256k1) ... signing and verification" only.
    Curve("ECC_SECG_P256K1", ec.SECP256K1, "ECDSA_SHA_256", agreement=False),
)
