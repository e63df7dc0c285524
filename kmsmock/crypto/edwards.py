"""Ed25519ph (HashEdDSA over edwards25519, RFC 8032 §5.1 with phflag 1 and an empty context).

Why this module exists: ``cryptography`` signs and verifies pure Ed25519 (KMS's ED25519_SHA_512)
but has no pre-hashed variant, and no maintained binary library on PyPI offers Ed25519ph
without pulling in a second general-purpose crypto stack. Ed25519ph needs only point arithmetic
on the curve, SHA-512 and the standard encodings, so it is written here from RFC 8032 §5.1
(parameters §5.1, encoding §5.1.2, decoding §5.1.3, signing §5.1.6, verifying §5.1.7) and checked
against the RFC's own Ed25519ph test vector (§7.3) in the test suite. Speed is that of Python
integers (a few milliseconds per operation), which is fine for a mock; it is not constant-time,
which a mock does not need.

The private key is the 32-byte seed (what ``Ed25519PrivateKey.private_bytes_raw`` returns), the
public key the 32-byte encoded point A.
"""

from __future__ import annotations

import hashlib

from .ladder import multiply

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
# dom2(phflag=1, context=""): "SigEd25519 no Ed25519 collisions" || 1 || 0
_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])

# Points in extended homogeneous coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x*y = T/Z.
Point = tuple[int, int, int, int]


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = _recover_x(_BY, 0)
assert _BX is not None
_B: Point = (_BX, _BY, 1, _BX * _BY % _P)
_IDENTITY: Point = (0, 1, 1, 0)


def _add(p: Point, q: Point) -> Point:
    # RFC 8032 §5.1.4, "add-2008-hwcd-3".
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(k: int, p: Point) -> Point:
    return multiply(k, p, _add, _IDENTITY)


def _equal(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _encode(p: Point) -> bytes:
    zinv = pow(p[2], _P - 2, _P)
    x, y = p[0] * zinv % _P, p[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(s: bytes) -> Point | None:
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def _expand(seed: bytes) -> tuple[int, bytes]:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed: bytes) -> bytes:
    """The encoded public key A of a 32-byte seed."""
    return _encode(_mul(_expand(seed)[0], _B))


def sign(seed: bytes, message: bytes, public: bytes | None = None) -> bytes:
    """Ed25519ph signature of ``message`` (prehashed here with SHA-512, as PH requires)."""
    a, prefix = _expand(seed)
    ph = hashlib.sha512(message).digest()
    encoded_a = public if public is not None else _encode(_mul(a, _B))
    r = _h(_DOM2, prefix, ph) % _L
    encoded_r = _encode(_mul(r, _B))
    k = _h(_DOM2, encoded_r, encoded_a, ph) % _L
    s = (r + k * a) % _L
    return encoded_r + s.to_bytes(32, "little")


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519ph signature of ``message`` under ``public``."""
    if len(signature) != 64:
        return False
    a = _decode(public)
    r = _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = _h(_DOM2, signature[:32], public, hashlib.sha512(message).digest()) % _L
    # The cofactored equation [8][S]B = [8]R + [8][k]A of §5.1.7.
    left = _mul(8 * s, _B)
    right = _mul(8, _add(r, _mul(k, a)))
    return _equal(left, right)
