"""Condition operators of kmsmock.access, one by one, with AWS's empty-set and negation rules.

Sources: IAM User Guide "IAM JSON policy elements: Condition operators" (absent key: false,
negated operators true; ...IfExists; Null), "Conditions with multiple context keys or values"
(keys AND, values OR, negated values NOR), "Single-valued vs. multivalued context keys" and
"Multivalued context key examples" (ForAllValues true on an absent or empty key, ForAnyValue
false), "IAM policy elements: Variables and tags" (variables, defaults, ${*} ${?} ${$}).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kmsmock.access.conditions import ConditionSyntaxError, compile_condition, parse_operator


def holds(block: dict[str, Any], keys: dict[str, Any], *, variables: bool = True) -> bool:
    tests = compile_condition(block, variables=variables)
    return all(t.holds({k.lower(): v for k, v in keys.items()}) for t in tests)


TAG = "aws:PrincipalTag/team"
ARN = "arn:aws:iam::111122223333:role/Admin"
WHEN = datetime(2019, 7, 16, 13, 0, tzinfo=timezone.utc)

OPERATOR_CASES = [
    # (operator, policy values, request value, expected); request value None = key absent
    ("StringEquals", "Admin", "Admin", True),
    ("StringEquals", "Admin", "admin", False),
    ("StringEquals", "Ad*", "Admin", False),  # no wildcards in StringEquals
    ("StringEquals", ["a", "Admin"], "Admin", True),  # values OR-ed
    ("StringEquals", "Admin", None, False),
    ("StringNotEquals", "Admin", "Other", True),
    ("StringNotEquals", ["a", "b"], "b", False),  # NOR: b is one of them
    ("StringNotEquals", ["a", "b"], "c", True),
    ("StringNotEquals", "Admin", None, True),  # absent key: negated operators hold
    ("StringEqualsIgnoreCase", "ADMIN", "admin", True),
    ("StringNotEqualsIgnoreCase", "ADMIN", "admin", False),
    ("StringLike", "Ad*", "Admin", True),
    ("StringLike", "A?min", "Admin", True),
    ("StringLike", "a*", "Admin", False),  # case-sensitive
    ("StringNotLike", ["x*", "A*"], "Admin", False),
    ("StringNotLike", "x*", "Admin", True),
    ("ArnEquals", ARN, ARN, True),
    ("ArnLike", "arn:aws:iam::*:role/*", ARN, True),
    ("ArnLike", "arn:aws:iam::*:user/*", ARN, False),
    ("ArnLike", "arn:aws:iam::111122223333:role/*", "not-an-arn", False),
    ("ArnNotEquals", "arn:aws:iam::*:user/*", ARN, True),
    ("ArnNotLike", "arn:aws:iam::*:role/*", ARN, False),
    ("ArnNotLike", "arn:aws:iam::*:role/*", None, True),
    ("NumericEquals", "10", 10, True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", ["10", "11"], 11, False),
    ("NumericLessThan", "10", 9, True),
    ("NumericLessThan", "10", 10, False),
    ("NumericLessThanEquals", "10", 10, True),
    ("NumericGreaterThan", "10", 11, True),
    ("NumericGreaterThanEquals", "10", 9, False),
    ("NumericEquals", "ten", 10, False),
    ("DateGreaterThan", "2019-07-16T12:00:00Z", WHEN, True),
    ("DateLessThan", "2019-07-16T15:00:00Z", WHEN, True),
    ("DateLessThan", "2019-07-16T12:00:00Z", WHEN, False),
    ("DateEquals", "1563282000", WHEN, True),  # epoch seconds
    ("DateNotEquals", "2019-07-16T13:00:00Z", "2019-07-16T13:00:00+00:00", False),
    ("DateLessThanEquals", "2019-07-16", "2019-07-15T23:59:59Z", True),
    ("DateGreaterThanEquals", "2019-07-16T13:00:00Z", 1563282000, True),
    ("Bool", "true", True, True),
    ("Bool", True, "false", False),
    ("Bool", "false", False, True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", b"BinaryValue", True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", b"Other", False),
    ("IpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "203.0.113.7", True),
    ("IpAddress", "192.0.2.0/24", "198.51.100.1", False),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
    ("NotIpAddress", "192.0.2.0/24", "198.51.100.1", True),
    ("NotIpAddress", "192.0.2.0/24", "192.0.2.1", False),
    ("IpAddress", "192.0.2.0/24", None, False),
]


@pytest.mark.parametrize(("operator", "values", "value", "expected"), OPERATOR_CASES)
def test_operator(operator: str, values: Any, value: Any, expected: bool) -> None:
    keys = {} if value is None else {"k": value}
    assert holds({operator: {"k": values}}, keys) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("StringEqualsIfExists", None, True),
        ("StringEqualsIfExists", "a", True),
        ("StringEqualsIfExists", "b", False),
        ("StringNotEqualsIfExists", None, True),
        ("StringNotEqualsIfExists", "a", False),
        ("ArnLikeIfExists", None, True),
        ("NumericLessThanIfExists", None, True),
        ("BoolIfExists", None, True),
    ],
)
def test_if_exists(operator: str, value: Any, expected: bool) -> None:
    keys = {} if value is None else {"k": value}
    assert holds({operator: {"k": "a" if "Arn" not in operator else "arn:*"}}, keys) is expected


@pytest.mark.parametrize(
    ("policy", "keys", "expected"),
    [
        ({"Null": {"k": "true"}}, {}, True),
        ({"Null": {"k": "true"}}, {"k": "v"}, False),
        ({"Null": {"k": False}}, {"k": "v"}, True),
        ({"Null": {"k": False}}, {}, False),
        ({"Null": {"k": "false"}}, {"k": []}, False),  # an empty set is null
    ],
)
def test_null(policy: dict[str, Any], keys: dict[str, Any], expected: bool) -> None:
    assert holds(policy, keys) is expected


SET_CASES = [
    # (operator, request values or None for absent, expected) against policy ["DataClass", "Owner"]
    ("ForAllValues:StringEquals", None, True),  # absent: true
    ("ForAllValues:StringEquals", [], True),  # empty: true
    ("ForAllValues:StringEquals", ["Owner"], True),
    ("ForAllValues:StringEquals", ["Owner", "Dept"], False),
    ("ForAnyValue:StringEquals", None, False),  # absent: false
    ("ForAnyValue:StringEquals", [], False),
    ("ForAnyValue:StringEquals", ["Dept", "Owner"], True),
    ("ForAnyValue:StringEquals", ["Dept"], False),
    ("ForAllValues:StringNotEquals", None, True),
    ("ForAllValues:StringNotEquals", ["Dept", "SIC"], True),  # none of them is listed
    ("ForAllValues:StringNotEquals", ["Dept", "Owner"], False),
    ("ForAnyValue:StringNotEquals", None, False),
    ("ForAnyValue:StringNotEquals", ["DataClass", "Owner"], False),
    ("ForAnyValue:StringNotEquals", ["DataClass", "Dept"], True),  # Dept is not listed
    ("ForAllValues:StringLike", ["Data*"], False),  # request values are not patterns
    ("ForAnyValue:StringLikeIfExists", None, True),
]


@pytest.mark.parametrize(("operator", "values", "expected"), SET_CASES)
def test_set_operators(operator: str, values: list[str] | None, expected: bool) -> None:
    keys = {} if values is None else {"aws:TagKeys": values}
    assert holds({operator: {"aws:TagKeys": ["DataClass", "Owner"]}}, keys) is expected


def test_set_operators_with_wildcards() -> None:
    # IAM "Multivalued context key examples": ForAllValues:StringLike with key prefixes.
    policy = {"ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*"]}}
    assert holds(policy, {"aws:TagKeys": ["key1-a", "key2"]})
    assert not holds(policy, {"aws:TagKeys": ["key1-a", "other"]})


def test_keys_and_operators_are_and_ed() -> None:
    # IAM "Conditions with multiple context keys or values": the SQS time-window example.
    block = {
        "DateGreaterThan": {"aws:CurrentTime": "2019-07-16T12:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2019-07-16T15:00:00Z"},
        "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
    }
    assert holds(block, {"aws:CurrentTime": WHEN, "aws:SourceIp": "192.0.2.10"})
    assert not holds(block, {"aws:CurrentTime": WHEN, "aws:SourceIp": "198.51.100.1"})
    assert not holds(block, {"aws:SourceIp": "192.0.2.10"})
    two_keys = {"StringEquals": {"a": "1", "b": "2"}}
    assert holds(two_keys, {"a": "1", "b": "2"})
    assert not holds(two_keys, {"a": "1"})


def test_key_names_are_case_insensitive() -> None:
    assert holds({"StringEquals": {"KMS:ViaService": "s3.x"}}, {"kms:viaservice": "s3.x"})


@pytest.mark.parametrize(
    ("value", "keys", "expected"),
    [
        ("${aws:username}", {"aws:username": "bob"}, "bob"),
        ("home/${aws:username}/*", {"aws:username": "bob"}, "home/bob/file"),
        ("${aws:PrincipalTag/team}", {"aws:principaltag/team": "blue"}, "blue"),
        ("${aws:userid}", {"aws:userid": "AIDA123"}, "AIDA123"),
        ("${aws:PrincipalTag/team, 'everyone'}", {}, "everyone"),
        ("it''s ${missing, 'it''s'}", {}, "it''s it's"),
        ("a${*}b", {}, "a*b"),
        ("a${?}b", {}, "a?b"),
        ("${$}{x}", {}, "${x}"),
    ],
)
def test_policy_variables(value: str, keys: dict[str, Any], expected: str) -> None:
    assert holds({"StringLike": {"k": value}}, {"k": expected, **keys})
    wildcard = value.endswith("/*")  # a wildcard StringEquals takes literally
    assert holds({"StringEquals": {"k": value}}, {"k": expected, **keys}) is not wildcard


def test_escaped_wildcards_are_literal() -> None:
    assert holds({"StringLike": {"k": "a${*}b"}}, {"k": "a*b"})
    assert not holds({"StringLike": {"k": "a${*}b"}}, {"k": "axxb"})


def test_a_variable_without_value_matches_nothing() -> None:
    assert not holds({"StringEquals": {"k": "${aws:username}"}}, {"k": "bob"})
    assert not holds({"StringNotEquals": {"k": "${aws:username}"}}, {"k": "bob"})
    assert not holds({"StringLike": {"k": "${aws:TagKeys}"}}, {"k": "a", "aws:TagKeys": ["a"]})


def test_variables_are_text_in_old_versions_and_numeric_operators() -> None:
    assert holds(
        {"StringEquals": {"k": "${aws:username}"}}, {"k": "${aws:username}"}, variables=False
    )
    assert not holds({"NumericEquals": {"k": "${n}"}}, {"k": 1, "n": 1})


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("StringEquals", ("StringEquals", None, False)),
        ("ForAnyValue:StringLikeIfExists", ("StringLike", "ForAnyValue", True)),
        ("ForAllValues:ArnNotLike", ("ArnNotLike", "ForAllValues", False)),
        ("Null", ("Null", None, False)),
    ],
)
def test_operator_names(name: str, parsed: tuple[str, str | None, bool]) -> None:
    assert parse_operator(name) == parsed


@pytest.mark.parametrize(
    "name", ["StringEqual", "ForSomeValues:StringEquals", "NullIfExists", "ForAnyValue:Null"]
)
def test_unknown_operators(name: str) -> None:
    with pytest.raises(ConditionSyntaxError):
        parse_operator(name)
