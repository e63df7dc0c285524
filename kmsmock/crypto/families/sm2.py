"""SM2 (China Regions only): SM2DSA signatures, SM2PKE encryption and ECDH key agreement, with
the curve arithmetic of ``crypto.sm2``."""

from __future__ import annotations

from collections.abc import Callable

from ... import errors
from ...backend.specs import ENCRYPT_DECRYPT, KEY_AGREEMENT, SIGN_VERIFY, KeySpec
from .. import sm2
from .asymmetric import AsymmetricFamily, Message
from .base import InvalidMaterial

SM2PKE_MAX_PLAINTEXT = 1024  # kms-facts §4
_DIGEST_BYTES = 32  # "SM2DSA uses the SM3 hashing algorithm"


class Sm2Family(AsymmetricFamily[sm2.SM2PrivateKey]):
    data_key_pairs = True

    def __init__(self) -> None:
        super().__init__("SM2")
        self._declare(
            "SM2",
            {ENCRYPT_DECRYPT: ["SM2PKE"], SIGN_VERIFY: ["SM2DSA"], KEY_AGREEMENT: ["ECDH"]},
            china_only=True,
        )

    def generate(self, spec: KeySpec) -> sm2.SM2PrivateKey:
        return sm2.generate()

    def from_seed(self, spec: KeySpec, seed: Callable[[int], bytes]) -> sm2.SM2PrivateKey:
        return sm2.derive(seed(40))

    def load(self, spec: KeySpec, material: bytes) -> sm2.SM2PrivateKey:
        try:
            return sm2.load_private_der(material)
        except ValueError:
            raise InvalidMaterial(spec.name) from None

    # -- SM2DSA ----------------------------------------------------------------------------------

    def prehashed_bytes(self, algorithm: str, message_type: str) -> int | None:
        return _DIGEST_BYTES if message_type == "DIGEST" else None

    def sign(self, private: sm2.SM2PrivateKey, message: Message) -> bytes:
        return sm2.sign_digest(private, _e(private.public_key(), message))

    def verify(self, private: sm2.SM2PrivateKey, message: Message, signature: bytes) -> bool:
        public = private.public_key()
        return sm2.verify_digest(public, signature, _e(public, message))

    # -- SM2PKE -------------------------------------------------------------------------------

    def max_plaintext(self, spec: KeySpec, algorithm: str) -> int:
        return SM2PKE_MAX_PLAINTEXT

    def encrypt(self, private: sm2.SM2PrivateKey, algorithm: str, plaintext: bytes) -> bytes:
        return sm2.encrypt(private.public_key(), plaintext)

    def decrypt(self, private: sm2.SM2PrivateKey, algorithm: str, ciphertext: bytes) -> bytes:
        return sm2.decrypt(private, ciphertext)

    # -- ECDH -----------------------------------------------------------------------------------

    def derive(self, spec: KeySpec, private: sm2.SM2PrivateKey, peer_der: bytes) -> bytes:
        try:
            peer = sm2.load_public_der(peer_der)
        except ValueError:
            raise errors.PEER_KEY_UNREADABLE() from None
        return sm2.exchange(private, peer)


def _e(public: sm2.SM2PublicKey, message: Message) -> bytes:
    """What SM2DSA signs: e = SM3(Z || M), or the caller's own e (MessageType DIGEST)."""
    return message.data if message.prehashed else sm2.message_digest(public, message.data)


SM2 = Sm2Family()
