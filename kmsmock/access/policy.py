"""Policy documents: parsed, validated and compiled once into typed statements.

Grammar from AWS's "IAM JSON policy element reference" and the KMS Developer Guide's "Key policy
format": ``Version``, ``Id``, ``Statement`` (one object or a list), and per statement ``Sid``,
``Effect``, ``Principal`` / ``NotPrincipal``, ``Action`` / ``NotAction``, ``Resource`` /
``NotResource``, ``Condition``. A statement without Action or Resource is accepted but never
applies (kms-facts §5: "Missing Resource/Action makes a statement ineffective").

Malformed documents raise :class:`PolicyError` with code ``MalformedPolicyDocumentException``:
text that is not JSON, or a document without statements, gets an empty message (kmsmock's
behaviour pinned by tests/test_policies.py::test_malformed_documents_say_nothing_more; no AWS
recording of these texts is known); a bad principal gets AWS's "Policy contains a statement with
one or more invalid principals."
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .conditions import ConditionSyntaxError, Test, compile_condition
from .values import Template, glob_match, template

MALFORMED = "MalformedPolicyDocumentException"
INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."
VERSIONS = ("2012-10-17", "2008-10-17")

# An AWS principal: "*", an account id, or an IAM/STS ARN (the shape kmsmock already accepts),
# without wildcards: "You cannot use a wildcard to match part of a principal name or ARN" (IAM
# User Guide, "AWS JSON policy elements: Principal").
_AWS_PRINCIPAL = re.compile(r"\*|[0-9]{12}|arn:aws[a-z-]*:(iam|sts)::([0-9]{12}|aws):[^*?]+")
_ACCOUNT_ROOT = re.compile(r"arn:aws[a-z-]*:iam::([0-9]{12}):root")

Effect = Literal["Allow", "Deny"]


class PolicyError(Exception):
    """A policy KMS refuses: AWS's error code and message (the caller maps it to kmsmock's
    error classes)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"PolicyError({self.code!r}, {self.message!r})"


def _malformed(message: str = "") -> PolicyError:
    return PolicyError(MALFORMED, message)


@dataclass(frozen=True)
class Principals:
    """A Principal / NotPrincipal element, normalised for matching.

    ``accounts`` holds the account principals (``"111122223333"`` and
    ``arn:aws:iam::111122223333:root`` alike, per IAM's "AWS account principals"); ``arns`` the
    users, roles and role sessions named exactly (a role's ARN also covers its sessions);
    ``services`` the service principals; ``Federated`` principals are kept out: KMS callers are
    never web-identity users here, so they match nothing.
    """

    anyone: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()


def _strings(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def parse_principals(value: Any) -> Principals:
    if value == "*":
        return Principals(anyone=True)
    if not isinstance(value, dict) or not value:
        raise _malformed(INVALID_PRINCIPALS)
    anyone, accounts, arns, services = False, set(), set(), set()
    for kind, entries in value.items():
        items = _strings(entries)
        if not items or not all(isinstance(item, str) and item for item in items):
            raise _malformed(INVALID_PRINCIPALS)
        if kind == "AWS":
            for item in items:
                if not _AWS_PRINCIPAL.fullmatch(item):
                    raise _malformed(INVALID_PRINCIPALS)
                root = _ACCOUNT_ROOT.fullmatch(item)
                if item == "*":
                    anyone = True
                elif root or item.isdigit():
                    accounts.add(root.group(1) if root else item)
                else:
                    arns.add(item)
        elif kind == "Service":
            services.update(items)
        elif kind != "Federated":
            raise _malformed(INVALID_PRINCIPALS)
    return Principals(anyone, frozenset(accounts), frozenset(arns), frozenset(services))


@dataclass(frozen=True)
class Patterns:
    """Action or Resource patterns (or their Not- forms): ``negated`` for NotAction/
    NotResource; ``everything`` when one pattern is ``*`` (the common case, checked first)."""

    templates: tuple[Template, ...]
    negated: bool
    ignore_case: bool
    everything: bool

    def match(self, value: str, keys: Mapping[str, object]) -> bool:
        hit = self.everything or any(
            glob_match(value, t, keys, ignore_case=self.ignore_case) for t in self.templates
        )
        return hit != self.negated


def _patterns(
    statement: dict[str, Any], name: str, *, ignore_case: bool, variables: bool
) -> Patterns | None:
    negated = f"Not{name}" in statement
    if negated and name in statement:
        raise _malformed()
    raw = statement.get(f"Not{name}" if negated else name)
    if raw is None:
        return None
    items = _strings(raw)
    if not items or not all(isinstance(item, str) for item in items):
        raise _malformed()
    templates = tuple(template(item, variables and not ignore_case) for item in items)
    if ignore_case:  # actions: "kms:*" and "*" both cover every KMS action
        everything = any(item in ("*", "kms:*") or item.lower() == "kms:*" for item in items)
    else:
        everything = "*" in items
    return Patterns(templates, negated, ignore_case, everything)


@dataclass(frozen=True)
class Statement:
    sid: str | None
    effect: Effect
    principal: Principals | None
    not_principal: Principals | None
    actions: Patterns | None
    resources: Patterns | None
    conditions: tuple[Test, ...]

    def applies(self, action: str, resource: str, keys: Mapping[str, object]) -> bool:
        """Whether the statement covers this action on this resource under these keys
        (principals are judged by the evaluator, which knows the caller)."""
        if self.actions is None or self.resources is None:
            return False
        if not self.actions.match(action, keys) or not self.resources.match(resource, keys):
            return False
        return all(test.holds(keys) for test in self.conditions)


@dataclass(frozen=True)
class Policy:
    """A compiled policy document."""

    version: str | None
    id: str | None
    statements: tuple[Statement, ...]


def _statement(raw: Any, variables: bool) -> Statement:
    if not isinstance(raw, dict):
        raise _malformed()
    effect = raw.get("Effect")
    sid = raw.get("Sid")
    if effect not in ("Allow", "Deny") or not (sid is None or isinstance(sid, str)):
        raise _malformed()
    if "Principal" in raw and "NotPrincipal" in raw:
        raise _malformed()
    principal = parse_principals(raw["Principal"]) if "Principal" in raw else None
    not_principal = parse_principals(raw["NotPrincipal"]) if "NotPrincipal" in raw else None
    try:
        block = raw.get("Condition")
        conditions = () if block is None else compile_condition(block, variables=variables)
    except ConditionSyntaxError:
        raise _malformed() from None
    return Statement(
        sid,
        effect,
        principal,
        not_principal,
        _patterns(raw, "Action", ignore_case=True, variables=variables),
        _patterns(raw, "Resource", ignore_case=False, variables=variables),
        conditions,
    )


def _compile(document: Any) -> Policy:
    if not isinstance(document, dict):
        raise _malformed()
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise _malformed()
    policy_id = document.get("Id")
    if not (policy_id is None or isinstance(policy_id, str)):
        raise _malformed()
    raw = document.get("Statement")
    statements = _strings(raw) if raw is not None else []
    if not statements:
        raise _malformed()
    variables = version == "2012-10-17"
    return Policy(version, policy_id, tuple(_statement(s, variables) for s in statements))


@lru_cache(maxsize=1024)
def _parse_text(text: str) -> Policy:
    try:
        document = json.loads(text)
    except ValueError:
        raise _malformed() from None  # AWS says nothing more
    return _compile(document)


def parse_policy(document: str | Mapping[str, Any]) -> Policy:
    """Parse and compile a policy; text is cached, so calling this on every request with the
    key's stored policy costs one dictionary look-up after the first time."""
    if isinstance(document, str):
        return _parse_text(document)
    return _compile(dict(document))
