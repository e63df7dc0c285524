"""The shape every key-spec family has, and the private material a key holds.

A family declares its key specs (``specs``) and does whatever cryptography its usages need.
The operations have already checked the key usage, state and algorithm before they call a
family, so a method a family does not override is never reached; it says so if it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from ...backend.specs import KeySpec

if TYPE_CHECKING:  # no cryptography here: a symmetric-only program never imports it
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    from ..sm2 import SM2PrivateKey
    from .asymmetric import Message, PrivateKey


# What ``Key.private`` holds: an asymmetric private key (ML-DSA, ML-KEM: ``PrivateKey``), or an
# HMAC key's secret bytes. (A string: the classes it names are imported only for type checking.)
PrivateMaterial: TypeAlias = (
    "rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey"
    " | SM2PrivateKey | PrivateKey | bytes"
)


P = TypeVar("P")


# Every key spec declared by the family modules imported so far, by name (``families.spec``
# imports a spec's module on first use).
DECLARED: dict[str, KeySpec] = {}


class InvalidMaterial(ValueError):
    """Imported key material that is not a private key of the key's spec."""


class MaterialSize(InvalidMaterial):
    """Imported HMAC key material outside the spec's allowed length."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__(low, high)
        self.low, self.high = low, high


class Family(Generic[P]):
    """One family of key specs; ``P`` is the private material its keys hold."""

    symmetric = False
    hmac = False
    data_key_pairs = False  # GenerateDataKeyPair's KeyPairSpec includes these specs

    def __init__(self, name: str) -> None:
        self.name = name
        self.specs: tuple[KeySpec, ...] = ()

    def __repr__(self) -> str:
        return f"<{self.name} key-spec family>"

    def _declare(self, name: str, usages: Mapping[str, list[str]], **where: bool) -> KeySpec:
        spec = KeySpec(name, self, {u: tuple(a) for u, a in usages.items()}, **where)
        self.specs += (spec,)
        DECLARED[name] = spec
        return spec

    def _refuse(self, what: str) -> Exception:
        return TypeError(f"{self.name} keys do not {what}")  # the operations never get here

    # -- material ---------------------------------------------------------------------------

    def generate(self, spec: KeySpec) -> P:
        """New private material for ``spec`` (made on a key's first use, never at CreateKey)."""
        raise self._refuse("hold private material")  # symmetric: the key's material versions

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> P:
        """Private material for ``spec`` derived from the bytes ``seed`` yields (deterministic
        mode): the same bytes give the same key."""
        raise self._refuse("hold private material")

    def load(self, spec: KeySpec, material: bytes) -> P:
        """Imported material (PKCS#8 DER; HMAC: the raw secret) as this family holds it.
        Raises ``InvalidMaterial`` when it is not a private key of ``spec``."""
        raise self._refuse("take imported private material")

    def public_der(self, private: P) -> bytes:
        """DER SubjectPublicKeyInfo, as GetPublicKey returns it."""
        raise self._refuse("have a public key")

    def private_der(self, private: P) -> bytes:
        """DER PKCS#8 PrivateKeyInfo, as GenerateDataKeyPair returns it."""
        raise self._refuse("make data key pairs")

    # -- SIGN_VERIFY --------------------------------------------------------------------------

    def required_message_type(self, algorithm: str) -> str | None:
        """The one MessageType ``algorithm`` accepts, if it accepts only one."""
        return None

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        """The length a DIGEST or EXTERNAL_MU message must have for ``algorithm``; None when
        this family takes no such message."""
        return None

    def sign(self, private: P, message: Message) -> bytes:
        raise self._refuse("sign")

    def verify(self, private: P, message: Message, signature: bytes) -> bool:
        """Whether ``signature`` is valid; a malformed signature is simply invalid."""
        raise self._refuse("verify")

    # -- ENCRYPT_DECRYPT (asymmetric) ---------------------------------------------------------

    def max_plaintext(self, spec: KeySpec, algorithm: str) -> int:
        """The largest plaintext Encrypt accepts with ``algorithm``."""
        raise self._refuse("encrypt")

    def encrypt(self, private: P, algorithm: str, plaintext: bytes) -> bytes:
        """Encrypt with the public half of ``private``, as anyone holding it could."""
        raise self._refuse("encrypt")

    def decrypt(self, private: P, algorithm: str, ciphertext: bytes) -> bytes:
        """Raises ``ValueError`` when the ciphertext does not decrypt under this key."""
        raise self._refuse("decrypt")

    # -- KEY_AGREEMENT, ENCAPSULATE_DECAPSULATE, GENERATE_VERIFY_MAC --------------------------

    def derive(self, spec: KeySpec, private: P, peer_der: bytes) -> bytes:
        """The raw ECDH secret with the peer's SPKI public key (AWS's error if unusable)."""
        raise self._refuse("agree keys")

    def encapsulate(self, private: P) -> tuple[bytes, bytes]:
        """(shared secret, ciphertext) from the public half of ``private``."""
        raise self._refuse("encapsulate")

    def decapsulate(self, private: P, ciphertext: bytes) -> bytes:
        raise self._refuse("decapsulate")

    def mac(self, private: P, algorithm: str, message: bytes) -> bytes:
        raise self._refuse("compute MACs")

    def verify_mac(self, private: P, algorithm: str, message: bytes, mac: bytes) -> bool:
        raise self._refuse("verify MACs")
