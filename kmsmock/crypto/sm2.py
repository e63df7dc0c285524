"""SM2 (GB/T 32918) for KMS's China-Regions key spec: SM2DSA signatures, SM2PKE encryption and
ECDH key agreement, with SM3 from ``cryptography``.

Why written here: ``cryptography`` hashes with SM3 but has no SM2 curve, and the maintained
pure-Python SM2 libraries on PyPI (``gmalg``, ``gmssl``) sign and verify only whole messages,
while KMS also signs a caller's pre-computed digest (MessageType DIGEST). The curve arithmetic
SM2 needs is small, so it lives here; the test suite checks every result against ``gmalg``
(an independent implementation) from the outside.

Formats (what KMS hands out and accepts):
- public key: X.509 SubjectPublicKeyInfo, id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301;
- private key (data key pairs): PKCS#8 wrapping an RFC 5915 ECPrivateKey;
- SM2DSA signature: DER SEQUENCE {r, s}, over e = SM3(Z || M) with the default distinguishing
  ID 1234567812345678 (the ID KMS documents for offline verification);
- SM2PKE ciphertext: the GM/T 0009 ``SM2Cipher`` DER SEQUENCE {x, y, C3 hash, C2 ciphertext}.
"""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from .ladder import multiply

# Curve parameters, GB/T 32918.5.
_P = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFF_00000000_FFFFFFFF_FFFFFFFF
_A = _P - 3
_B = 0x28E9FA9E_9D9F5E34_4D5A9E4B_CF6509A7_F39789F5_15AB8F92_DDBCBD41_4D940E93
_N = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123
_G = (
    0x32C4AE2C_1F198119_5F990446_6A39C994_8FE30BBF_F2660BE1_715A4589_334C74C7,
    0xBC3736A2_F4F6779C_59BDCEE3_6B692153_D0A9877C_C62A4740_02DF32E5_2139F0A0,
)
DEFAULT_ID = b"1234567812345678"

Point = tuple[int, int] | None  # None is the point at infinity


class InvalidKey(ValueError):
    """Bytes that are not an SM2 key (or not a point on the curve)."""


def _sm3(*parts: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    for part in parts:
        h.update(part)
    return h.finalize()


def _on_curve(p: tuple[int, int]) -> bool:
    x, y = p
    return 0 <= x < _P and 0 <= y < _P and (y * y - x * x * x - _A * x - _B) % _P == 0


def _add(p: Point, q: Point) -> Point:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0]:
        if (p[1] + q[1]) % _P == 0:
            return None
        slope = (3 * p[0] * p[0] + _A) * pow(2 * p[1], -1, _P) % _P
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, _P) % _P
    x = (slope * slope - p[0] - q[0]) % _P
    return x, (slope * (p[0] - x) - p[1]) % _P


def _mul(k: int, p: Point) -> Point:
    return multiply(k, p, _add, None)


def _b32(n: int) -> bytes:
    return n.to_bytes(32, "big")


# -- minimal DER ----------------------------------------------------------------------------

_OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")
_OID_SM2 = bytes.fromhex("06082a811ccf5501822d")
_ALGORITHM = b"\x30" + bytes([len(_OID_EC_PUBLIC_KEY) + len(_OID_SM2)]) + _OID_EC_PUBLIC_KEY
_ALGORITHM += _OID_SM2


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _int(n: int) -> bytes:
    raw = n.to_bytes(n.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return _tlv(0x02, raw)


def _read(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """The body of the TLV with ``tag`` at ``pos`` and the position after it."""
    if pos + 2 > len(data) or data[pos] != tag:
        raise InvalidKey("unexpected DER")
    n, pos = data[pos + 1], pos + 2
    if n & 0x80:
        count = n & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise InvalidKey("bad DER length")
        n, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
    if pos + n > len(data):
        raise InvalidKey("truncated DER")
    return data[pos : pos + n], pos + n


# -- keys -----------------------------------------------------------------------------------


class SM2PublicKey:
    __slots__ = ("point",)

    def __init__(self, point: tuple[int, int]) -> None:
        if not _on_curve(point):
            raise InvalidKey("point is not on the SM2 curve")
        self.point = point

    def raw(self) -> bytes:
        """The uncompressed point 04 || x || y."""
        return b"\x04" + _b32(self.point[0]) + _b32(self.point[1])

    def public_bytes(self, *_: object) -> bytes:
        """DER SubjectPublicKeyInfo (the signature mirrors ``cryptography``'s keys)."""
        return _tlv(0x30, _ALGORITHM + _tlv(0x03, b"\x00" + self.raw()))

    def z(self, uid: bytes = DEFAULT_ID) -> bytes:
        """Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
        entl = (len(uid) * 8).to_bytes(2, "big")
        return _sm3(entl, uid, *(_b32(v) for v in (_A, _B, *_G, *self.point)))


class SM2PrivateKey:
    __slots__ = ("_public", "d")

    def __init__(self, d: int) -> None:
        if not 1 <= d < _N - 1:
            raise InvalidKey("private scalar out of range")
        self.d = d
        point = _mul(d, _G)
        assert point is not None
        self._public = SM2PublicKey(point)

    def __repr__(self) -> str:  # never shows key material
        return "<SM2PrivateKey>"

    def public_key(self) -> SM2PublicKey:
        return self._public

    def private_bytes(self, *_: object) -> bytes:
        """DER PKCS#8 PrivateKeyInfo holding an RFC 5915 ECPrivateKey."""
        ec_private = _tlv(
            0x30,
            _int(1)
            + _tlv(0x04, _b32(self.d))
            + _tlv(0xA1, _tlv(0x03, b"\x00" + self._public.raw())),
        )
        return _tlv(0x30, _int(0) + _ALGORITHM + _tlv(0x04, ec_private))


def generate() -> SM2PrivateKey:
    return SM2PrivateKey(1 + secrets.randbelow(_N - 2))


def derive(seed: bytes) -> SM2PrivateKey:
    """A private key whose value is drawn from ``seed`` (at least 8 bytes more than 32, so the
    value is as good as uniform)."""
    return SM2PrivateKey(1 + int.from_bytes(seed, "big") % (_N - 2))


def load_public_der(der: bytes) -> SM2PublicKey:
    """Parse an SM2 SubjectPublicKeyInfo; ``InvalidKey`` for anything else."""
    body, end = _read(der, 0, 0x30)
    if end != len(der):
        raise InvalidKey("trailing bytes")
    algorithm, pos = _read(body, 0, 0x30)
    if algorithm != _ALGORITHM[2:]:
        raise InvalidKey("not an SM2 public key")
    bits, pos = _read(body, pos, 0x03)
    if pos != len(body) or len(bits) != 66 or bits[:2] != b"\x00\x04":
        raise InvalidKey("not an uncompressed SM2 point")
    return SM2PublicKey((int.from_bytes(bits[2:34], "big"), int.from_bytes(bits[34:], "big")))


def load_private_der(der: bytes) -> SM2PrivateKey:
    """Parse the PKCS#8 form ``SM2PrivateKey.private_bytes`` writes."""
    body, _ = _read(der, 0, 0x30)
    _version, pos = _read(body, 0, 0x02)
    algorithm, pos = _read(body, pos, 0x30)
    if algorithm != _ALGORITHM[2:]:
        raise InvalidKey("not an SM2 private key")
    inner, _ = _read(body, pos, 0x04)
    ec_private, _ = _read(inner, 0, 0x30)
    _version, pos = _read(ec_private, 0, 0x02)
    scalar, _ = _read(ec_private, pos, 0x04)
    return SM2PrivateKey(int.from_bytes(scalar, "big"))


# -- SM2DSA -----------------------------------------------------------------------------------


def message_digest(public: SM2PublicKey, message: bytes) -> bytes:
    """e = SM3(Z || M): what MessageType DIGEST expects for SM2DSA."""
    return _sm3(public.z(), message)


def sign_digest(key: SM2PrivateKey, digest: bytes) -> bytes:
    e = int.from_bytes(digest, "big")
    inverse = pow(1 + key.d, -1, _N)
    while True:
        k = 1 + secrets.randbelow(_N - 1)
        point = _mul(k, _G)
        assert point is not None
        r = (e + point[0]) % _N
        if r == 0 or r + k == _N:
            continue
        s = inverse * (k - r * key.d) % _N
        if s:
            return encode_dss_signature(r, s)


def verify_digest(public: SM2PublicKey, signature: bytes, digest: bytes) -> bool:
    try:
        r, s = decode_dss_signature(signature)
    except ValueError:
        return False
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    t = (r + s) % _N
    if t == 0:
        return False
    point = _add(_mul(s, _G), _mul(t, public.point))
    return point is not None and (int.from_bytes(digest, "big") + point[0]) % _N == r


# -- SM2PKE -----------------------------------------------------------------------------------


def _kdf(z: bytes, length: int) -> bytes:
    out = b"".join(_sm3(z, ct.to_bytes(4, "big")) for ct in range(1, length // 32 + 2))
    return out[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def encrypt(public: SM2PublicKey, plaintext: bytes) -> bytes:
    while True:
        k = 1 + secrets.randbelow(_N - 1)
        c1 = _mul(k, _G)
        shared = _mul(k, public.point)
        assert c1 is not None
        assert shared is not None
        x2, y2 = _b32(shared[0]), _b32(shared[1])
        t = _kdf(x2 + y2, len(plaintext))
        if any(t):
            break
    c2 = _xor(plaintext, t)
    c3 = _sm3(x2, plaintext, y2)
    return _tlv(0x30, _int(c1[0]) + _int(c1[1]) + _tlv(0x04, c3) + _tlv(0x04, c2))


def decrypt(key: SM2PrivateKey, ciphertext: bytes) -> bytes:
    """Raises ``ValueError`` when the ciphertext does not decrypt under this key."""
    body, end = _read(ciphertext, 0, 0x30)
    if end != len(ciphertext):
        raise ValueError("trailing bytes")
    x, pos = _read(body, 0, 0x02)
    y, pos = _read(body, pos, 0x02)
    c3, pos = _read(body, pos, 0x04)
    c2, pos = _read(body, pos, 0x04)
    c1 = (int.from_bytes(x, "big"), int.from_bytes(y, "big"))
    if pos != len(body) or not _on_curve(c1) or not c2:
        raise ValueError("not an SM2 ciphertext")
    shared = _mul(key.d, c1)
    assert shared is not None
    x2, y2 = _b32(shared[0]), _b32(shared[1])
    t = _kdf(x2 + y2, len(c2))
    plaintext = _xor(c2, t)
    if not any(t) or _sm3(x2, plaintext, y2) != c3:
        raise ValueError("SM2 ciphertext check failed")
    return plaintext


# -- ECDH ---------------------------------------------------------------------------------------


def exchange(key: SM2PrivateKey, peer: SM2PublicKey) -> bytes:
    """The raw ECDH shared secret: the x coordinate of d * Q (SM2's cofactor is 1)."""
    shared = _mul(key.d, peer.point)
    if shared is None:
        raise InvalidKey("degenerate shared point")
    return _b32(shared[0])
