"""The Condition element: operators, set qualifiers, ``...IfExists``, compiled once per policy.

Rules, from AWS's IAM User Guide ("IAM JSON policy elements: Condition operators", "Conditions
with multiple context keys or values", "Single-valued vs. multivalued context keys") and the KMS
Developer Guide ("AWS KMS condition keys"):

- Operators in one Condition block are AND-ed, keys under one operator are AND-ed, the values of
  one key are OR-ed, and for a negated operator (``StringNotEquals``, ``ArnNotLike``,
  ``NotIpAddress``, ...) NOR-ed: true only if the request's value matches none of them.
- A key absent from the request makes an operator false, a negated operator true;
  ``...IfExists`` makes it true; ``Null`` tests presence itself.
- ``ForAllValues:`` is true when every request value satisfies the operator, so also when the key
  is absent or empty; ``ForAnyValue:`` when at least one does, so never for an absent key. With a
  negated operator, each request value is tested against all policy values (NOR), e.g.
  ``ForAllValues:StringNotEquals`` = no request value is any of the policy values.
- Condition key names are case-insensitive (so is the ``<context-key>`` part of
  ``kms:EncryptionContext:<context-key>``); values compare as the operator says.
- Policy variables work in String and Arn operators only; an unresolved one makes the key's test
  false.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from .values import Template, glob_match, template

Keys = Mapping[str, object]


class ConditionSyntaxError(ValueError):
    """An operator or value the policy language does not have."""


# -- value comparisons: (request value, policy value, request keys) -> match ------------------


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _epoch(value: object) -> float | None:
    """Seconds since the epoch of a datetime, an epoch number or an ISO 8601 text."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    number = _number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return _epoch(moment)


def _string(exact: bool, ignore_case: bool) -> Callable[[object, Template, Keys], bool]:
    def compare(value: object, policy: Template, keys: Keys) -> bool:
        text = _text(value)
        if text is None:
            return False
        if exact:
            wanted = policy.literal(keys)
            if wanted is None:
                return False
            return text.lower() == wanted.lower() if ignore_case else text == wanted
        return glob_match(text, policy, keys)

    return compare


def _arn(value: object, policy: Template, keys: Keys) -> bool:
    """ARNs compare component by component (six colon-separated parts), wildcards per part."""
    text = _text(value)
    if text is None:
        return False
    if policy.source == "*":
        return True
    parts = text.split(":", 5)
    literal = policy.resolve(keys, wildcards=False)
    if literal is None or len(parts) != 6 or not text.startswith("arn:"):
        return False
    wanted = re.sub(r"\\(.)", r"\1", literal).split(":", 5)
    if len(wanted) != 6:
        return False
    return all(
        glob_match(have, template(want, False), keys)
        for have, want in zip(parts, wanted, strict=True)
    )


def _ordered(
    convert: Callable[[object], float | None], test: Callable[[float, float], bool]
) -> Callable[[object, Template, Keys], bool]:
    def compare(value: object, policy: Template, keys: Keys) -> bool:
        have, want = convert(value), convert(policy.source)
        return have is not None and want is not None and test(have, want)

    return compare


def _bool(value: object, policy: Template, keys: Keys) -> bool:
    text = _text(value)
    return text is not None and text.lower() == policy.source.lower()


def _binary(value: object, policy: Template, keys: Keys) -> bool:
    if isinstance(value, (bytes, bytearray)):
        value = base64.b64encode(bytes(value)).decode()
    return isinstance(value, str) and value == policy.source


def _ip(value: object, policy: Template, keys: Keys) -> bool:
    try:
        address = ipaddress.ip_address(str(value))
        return address in ipaddress.ip_network(policy.source, strict=False)
    except ValueError:
        return False


_EQ: Callable[[float, float], bool] = lambda a, b: a == b  # noqa: E731
_ORDERS: dict[str, Callable[[float, float], bool]] = {
    "Equals": _EQ,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

# base operator -> (comparison, negated, uses policy variables)
OPERATORS: dict[str, tuple[Callable[[object, Template, Keys], bool], bool, bool]] = {
    "StringEquals": (_string(True, False), False, True),
    "StringNotEquals": (_string(True, False), True, True),
    "StringEqualsIgnoreCase": (_string(True, True), False, True),
    "StringNotEqualsIgnoreCase": (_string(True, True), True, True),
    "StringLike": (_string(False, False), False, True),
    "StringNotLike": (_string(False, False), True, True),
    "ArnEquals": (_arn, False, True),
    "ArnLike": (_arn, False, True),
    "ArnNotEquals": (_arn, True, True),
    "ArnNotLike": (_arn, True, True),
    "Bool": (_bool, False, False),
    "BinaryEquals": (_binary, False, False),
    "IpAddress": (_ip, False, False),
    "NotIpAddress": (_ip, True, False),
    **{f"Numeric{n}": (_ordered(_number, t), False, False) for n, t in _ORDERS.items()},
    "NumericNotEquals": (_ordered(_number, _EQ), True, False),
    **{f"Date{n}": (_ordered(_epoch, t), False, False) for n, t in _ORDERS.items()},
    "DateNotEquals": (_ordered(_epoch, _EQ), True, False),
}
_BY_LOWER = {name.lower(): name for name in [*OPERATORS, "Null"]}


# -- compiled conditions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    """One operator applied to one condition key with its policy values."""

    operator: str  # as written, for diagnostics
    base: str
    qualifier: str | None  # "ForAnyValue" | "ForAllValues" | None
    if_exists: bool
    key: str  # lower-cased
    values: tuple[Template, ...]

    def holds(self, keys: Keys) -> bool:
        present = self.key in keys and keys[self.key] is not None
        raw = keys.get(self.key)
        request: Sequence[object] = (
            list(raw) if isinstance(raw, (list, tuple, set, frozenset)) else [raw]
        )
        empty = not present or len(request) == 0
        if self.base == "Null":
            wants_null = {v.source.lower() for v in self.values}
            return ("true" if empty else "false") in wants_null
        if empty:
            if self.if_exists:
                return True
            if self.qualifier == "ForAllValues":
                return True
            if self.qualifier == "ForAnyValue":
                return False
            return OPERATORS[self.base][1]  # absent: false, negated operators true
        compare, negated, _ = OPERATORS[self.base]
        if any(v.has_variables and v.resolve(keys, wildcards=False) is None for v in self.values):
            return False  # AWS: a variable without a value matches nothing

        def one(value: object) -> bool:
            matched = any(compare(value, policy, keys) for policy in self.values)
            return not matched if negated else matched

        if self.qualifier == "ForAllValues":
            return all(one(v) for v in request)
        if self.qualifier == "ForAnyValue":
            return any(one(v) for v in request)
        if negated:  # a plain negated operator: no request value is any policy value
            return all(one(v) for v in request)
        return any(one(v) for v in request)


def _policy_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ConditionSyntaxError(f"condition value {value!r} is not a string, number or boolean")


def parse_operator(name: str) -> tuple[str, str | None, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> ("StringLike", "ForAnyValue", True)."""
    qualifier = None
    rest = name
    if ":" in name:
        prefix, rest = name.split(":", 1)
        qualifier = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}.get(
            prefix.lower()
        )
        if qualifier is None:
            raise ConditionSyntaxError(f"unknown set operator {prefix!r}")
    if_exists = rest.lower().endswith("ifexists") and rest.lower() != "null"
    base = _BY_LOWER.get((rest[: -len("IfExists")] if if_exists else rest).lower())
    if base is None or (base == "Null" and (if_exists or qualifier)):
        raise ConditionSyntaxError(f"unknown condition operator {name!r}")
    return base, qualifier, if_exists


def compile_condition(block: object, *, variables: bool) -> tuple[Test, ...]:
    """Compile a statement's ``Condition`` object."""
    if not isinstance(block, dict):
        raise ConditionSyntaxError("Condition must be an object")
    tests: list[Test] = []
    for operator, entries in block.items():
        base, qualifier, if_exists = parse_operator(str(operator))
        if not isinstance(entries, dict):
            raise ConditionSyntaxError(f"{operator} must map condition keys to values")
        uses_variables = variables and base in OPERATORS and OPERATORS[base][2]
        for key, raw in entries.items():
            values = raw if isinstance(raw, list) else [raw]
            compiled = tuple(template(_policy_value(v), uses_variables) for v in values)
            tests.append(Test(operator, base, qualifier, if_exists, str(key).lower(), compiled))
    return tuple(tests)


def all_hold(tests: Sequence[Test], keys: Keys) -> bool:
    return all(test.holds(keys) for test in tests)
