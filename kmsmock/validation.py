"""Request decoding and validation derived from botocore's own KMS service model.

botocore checks types, required members and minimums on the client; the service checks the rest
(maximum lengths, ranges, enums, patterns) and words its complaints
``1 validation error detected: Value 'x' at 'camelCaseMember' failed to satisfy constraint: ...``.
Each operation's input shape is compiled once into a checker that decodes the wire JSON (base64
blobs to bytes, epoch numbers to datetimes) and collects every violation in member order.
"""

from __future__ import annotations

import binascii
import re
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from . import errors

# AWS lists an enum's values in its own order, not the model's. Where that order was recorded
# from AWS, use it; values added to the model since then follow in model order. KeySpec: the
# 2023 LocalStack recording (kms-facts §0) predates ECC_NIST_EDWARDS25519 and ML-DSA, so the
# newer order reported from us-east-1 in 2026 (research notes, "extra facts") is used; it, the
# encryption and signing algorithm orders are second-hand (an emulator's AWS-checked tests).
_RECORDED_ENUM_ORDER: dict[str, list[str]] = {
    "KeySpec": [
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "ECC_NIST_P256",
        "ECC_NIST_P384",
        "ECC_NIST_P521",
        "ECC_SECG_P256K1",
        "ECC_NIST_EDWARDS25519",
        "SYMMETRIC_DEFAULT",
        "HMAC_224",
        "HMAC_256",
        "HMAC_384",
        "HMAC_512",
        "SM2",
        "ML_DSA_44",
        "ML_DSA_65",
        "ML_DSA_87",
    ],
    "KeyUsageType": ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"],
    "MacAlgorithmSpec": ["HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"],
    "IncludeKeyMaterial": ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"],
    "EncryptionAlgorithmSpec": [
        "RSAES_OAEP_SHA_1",
        "RSAES_OAEP_SHA_256",
        "SM2PKE",
        "SYMMETRIC_DEFAULT",
    ],
    "SigningAlgorithmSpec": [
        "RSASSA_PSS_SHA_256",
        "RSASSA_PSS_SHA_384",
        "RSASSA_PSS_SHA_512",
        "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512",
        "ECDSA_SHA_256",
        "ECDSA_SHA_384",
        "ECDSA_SHA_512",
        "ED25519_SHA_512",
        "ED25519_PH_SHA_512",
        "SM2DSA",
        "ML_DSA_SHAKE_256",
    ],
}

Errors = list[str]
_GE_LEN = "Member must have length greater than or equal to {}"
_LE_LEN = "Member must have length less than or equal to {}"
_GE_VAL = "Member must have value greater than or equal to {}"
_LE_VAL = "Member must have value less than or equal to {}"
# A checker decodes one wire value, appending violations; it returns the decoded value.
Checker = Callable[[Any, str, Errors], Any]


def camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _violation(value: Any, path: str, rule: str, hide_value: bool) -> str:
    where = f"Value at '{path}'" if hide_value else f"Value '{_show(value)}' at '{path}'"
    return f"{where} failed to satisfy constraint: {rule}"


def _enum_order(shape: Any) -> list[str]:
    recorded = _RECORDED_ENUM_ORDER.get(shape.name, [])
    model = list(shape.enum)
    return [v for v in recorded if v in model] + [v for v in model if v not in recorded]


def _length_rules(meta: dict[str, Any]) -> list[tuple[int, bool, str]]:
    """(bound, is_minimum, rule text) for a shape's length constraints."""
    rules = []
    if "min" in meta:
        rules.append((meta["min"], True, _GE_LEN.format(meta["min"])))
    if "max" in meta:
        rules.append((meta["max"], False, _LE_LEN.format(meta["max"])))
    return rules


def _length_ok(n: int, bound: int, is_min: bool) -> bool:
    return n >= bound if is_min else n <= bound


def _wrong_type(path: str, expected: str) -> errors.KMSError:
    return errors.WRONG_TYPE(path=path, expected=expected)


def _compile_string(shape: Any, sensitive: bool) -> Checker:
    meta = shape.metadata
    rules = _length_rules(meta)
    lo = meta.get("min", 0)
    hi = meta.get("max")
    enum = _enum_order(shape) if shape.enum else None
    enum_rule = f"Member must satisfy enum value set: [{', '.join(enum)}]" if enum else ""
    # The model's patterns are Java regexes: \w, \d and \s are ASCII-only there.
    pattern = re.compile(meta["pattern"], re.ASCII) if "pattern" in meta else None
    pattern_rule = f"Member must satisfy regular expression pattern: {meta.get('pattern')}"

    def check(value: Any, path: str, errs: Errors) -> Any:
        if not isinstance(value, str):
            raise _wrong_type(path, "a string")
        ascii_only = value.isascii()  # the common case: no UTF-16 counting, no surrogates
        if rules:
            length = len(value) if ascii_only else _java_length(value)
            if length < lo or (hi is not None and length > hi):  # rare: say which bound
                for bound, is_min, rule in rules:
                    if not _length_ok(length, bound, is_min):
                        errs.append(_violation(value, path, rule, sensitive))
        if enum is not None and value not in enum:
            errs.append(_violation(value, path, enum_rule, sensitive))
        if pattern is not None and pattern.fullmatch(value) is None:
            errs.append(_violation(value, path, pattern_rule, sensitive))
        return value if ascii_only else _unicode_text(value)

    return check


def _java_length(value: str) -> int:
    """The length AWS's (Java) services check: UTF-16 code units, so a character outside the
    Basic Multilingual Plane (an emoji) counts twice."""
    if value.isascii():
        return len(value)
    return len(value) + sum(1 for c in value if ord(c) > 0xFFFF)


def _unicode_text(value: str) -> str:
    """A lone UTF-16 surrogate is legal in a JSON string escape (``"\\ud800"``) but is not
    Unicode text; it becomes ``?``, as it does when AWS's Java services encode the string to
    UTF-8, so everything downstream (encryption context, stored names) can encode it."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


# What ``base64.b64decode(value, validate=True)`` accepts (ASCII only: a str with any other
# character is refused there too), without its per-call set-up: Python 3.11's strict decoder
# accepts exactly the same strings (tests/test_wire_shortcuts.py compares them), in C.
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}", re.ASCII)


def _decode_base64(value: str) -> bytes | None:
    if sys.version_info >= (3, 11):
        try:
            return binascii.a2b_base64(value, strict_mode=True)
        except (binascii.Error, ValueError):
            return None
    if _BASE64.fullmatch(value) is None:  # pragma: no cover - Python 3.10
        return None
    try:  # pragma: no cover - Python 3.10
        return binascii.a2b_base64(value)
    except (binascii.Error, ValueError):  # pragma: no cover - Python 3.10
        return None


def _compile_blob(shape: Any) -> Checker:
    rules = _length_rules(shape.metadata)

    def check(value: Any, path: str, errs: Errors) -> Any:
        if not isinstance(value, str):
            raise _wrong_type(path, "a base64 string")
        data = _decode_base64(value)
        if data is None:
            raise errors.INVALID_BASE64(path=path)
        for bound, is_min, rule in rules:
            if not _length_ok(len(data), bound, is_min):
                errs.append(_violation(data, path, rule, True))
        return data

    return check


def _compile_integer(shape: Any) -> Checker:
    meta = shape.metadata
    lo, hi = meta.get("min"), meta.get("max")

    def check(value: Any, path: str, errs: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(path, "an integer")
        if lo is not None and value < lo:
            errs.append(_violation(value, path, _GE_VAL.format(lo), False))
        if hi is not None and value > hi:
            errs.append(_violation(value, path, _LE_VAL.format(hi), False))
        return value

    return check


def _check_boolean(value: Any, path: str, errs: Errors) -> Any:
    if not isinstance(value, bool):
        raise _wrong_type(path, "a boolean")
    return value


def _check_timestamp(value: Any, path: str, errs: Errors) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(path, "a timestamp")
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise errors.INVALID_TIMESTAMP(path=path) from None


def _compile_list(shape: Any) -> Checker:
    rules = _length_rules(shape.metadata)
    member = compile_shape(shape.member)

    def check(value: Any, path: str, errs: Errors) -> Any:
        if not isinstance(value, list):
            raise _wrong_type(path, "a list")
        for bound, is_min, rule in rules:
            if not _length_ok(len(value), bound, is_min):
                errs.append(_violation(value, path, rule, False))
        return [member(item, f"{path}.{i}.member", errs) for i, item in enumerate(value, 1)]

    return check


def _compile_map(shape: Any) -> Checker:
    key, val = compile_shape(shape.key), compile_shape(shape.value)

    def check(value: Any, path: str, errs: Errors) -> Any:
        if not isinstance(value, dict):
            raise _wrong_type(path, "a map")
        return {key(k, path, errs): val(v, path, errs) for k, v in value.items()}

    return check


def _compile_structure(shape: Any) -> Checker:
    # member name -> (its wire name for messages, its checker); members it does not know are
    # ignored, as AWS ignores them
    members = {name: (camel(name), compile_shape(member)) for name, member in shape.members.items()}
    required = [(name, camel(name)) for name in shape.required_members]

    def check(value: Any, path: str, errs: Errors) -> Any:
        if not isinstance(value, dict):
            raise _wrong_type(path, "an object")
        prefix = f"{path}." if path else ""
        out = {}
        found = len(errs)
        # What was sent, rather than every member the model has: a request names few of them
        for name, member in value.items():
            known = members.get(name)
            if known is not None and member is not None:
                out[name] = known[1](member, prefix + known[0], errs)
        if len(errs) > found:  # rare: say what is wrong in the model's member order, as AWS
            del errs[found:]
            out = {}
            for name, (wire, checker) in members.items():
                if value.get(name) is not None:
                    out[name] = checker(value[name], prefix + wire, errs)
        for name, wire in required:
            if name not in out:
                errs.append(
                    f"Value null at '{prefix}{wire}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        return out

    return check


def compile_shape(shape: Any) -> Checker:
    kind = shape.type_name
    if kind == "string":
        return _compile_string(shape, bool(shape.metadata.get("sensitive")))
    if kind == "blob":
        return _compile_blob(shape)
    if kind in ("integer", "long"):
        return _compile_integer(shape)
    if kind == "boolean":
        return _check_boolean
    if kind == "timestamp":
        return _check_timestamp
    if kind == "list":
        return _compile_list(shape)
    if kind == "map":
        return _compile_map(shape)
    if kind == "structure":
        return _compile_structure(shape)
    raise TypeError(f"unhandled shape type {kind}")  # pragma: no cover - the model has no other


_compiled: dict[str, Checker] = {}


def decode_request(operation_model: Any, body: Any) -> dict[str, Any]:
    """Decode and validate one request body against its operation's input shape.

    Raises ``ValidationException`` with every violation, in AWS's wording.
    """
    checker = _compiled.get(operation_model.name)
    if checker is None:
        shape = operation_model.input_shape
        checker = _compiled[operation_model.name] = (
            compile_shape(shape) if shape is not None else _check_empty
        )
    errs: Errors = []
    request: dict[str, Any] = checker(body, "", errs)
    if errs:
        raise errors.validation(errs)
    return request


def _check_empty(value: Any, path: str, errs: Errors) -> Any:
    return {}
