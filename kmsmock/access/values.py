"""Policy values that may hold wildcards and policy variables, compiled once.

A value such as ``arn:aws:kms:*:${aws:PrincipalAccount}:key/*`` is split into literal text,
wildcards (``*`` any run, ``?`` one character) and variables. Variables follow AWS's "IAM policy
elements: Variables and tags" page: ``${key}`` is the request's value of a single-valued context
key (key names are case-insensitive), ``${key, 'default'}`` falls back to the default, and
``${*}``, ``${?}``, ``${$}`` stand for the literal characters. A variable that resolves to
nothing (absent key, multivalued key) makes the value match nothing. Variables are replaced only
in documents of ``"Version": "2012-10-17"``; older documents take ``${...}`` literally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# ${name} or ${name, 'default'} where '' inside the default is one quote.
_VARIABLE = re.compile(r"\$\{\s*([^},']+?)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True)
class Template:
    """One policy value: its parts, and whether it needs the request to be resolved."""

    source: str
    parts: tuple[tuple[str, str, str | None], ...]  # (kind, text, default)
    has_variables: bool
    has_wildcards: bool
    text: str  # the value with ${*} ${?} ${$} replaced (what it means without variables)

    def resolve(self, keys: Mapping[str, object], *, wildcards: bool) -> str | None:
        """The regular expression this value stands for in a request, or None when one of its
        variables has no value. ``wildcards=False`` treats ``*`` and ``?`` as plain text."""
        out: list[str] = []
        for kind, text, default in self.parts:
            if kind == "text":
                out.append(re.escape(text))
            elif kind == "wild":
                out.append((".*" if text == "*" else ".") if wildcards else re.escape(text))
            else:  # a variable
                value = keys.get(text)
                if isinstance(value, bool):
                    value = "true" if value else "false"
                if isinstance(value, (int, float)):
                    value = str(value)
                if not isinstance(value, str):
                    if default is None:
                        return None
                    value = default
                out.append(re.escape(value))
        return "".join(out)

    def literal(self, keys: Mapping[str, object]) -> str | None:
        """The value with variables replaced and wildcards kept as text (for equality tests)."""
        if not self.has_variables:
            return self.text
        pattern = self.resolve(keys, wildcards=False)
        return None if pattern is None else _unescape(pattern)


def _unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern, flags=re.DOTALL)


@lru_cache(maxsize=4096)
def template(value: str, variables: bool = True) -> Template:
    """Compile a policy value (cached: policies repeat the same values)."""
    parts: list[tuple[str, str, str | None]] = []
    position = 0
    found_variable = False

    def text(chunk: str) -> None:
        for piece in re.split(r"([*?])", chunk):
            if piece in ("*", "?"):
                parts.append(("wild", piece, None))
            elif piece:
                parts.append(("text", piece, None))

    if variables:
        for match in _VARIABLE.finditer(value):
            text(value[position : match.start()])
            name, default = match.group(1), match.group(2)
            if name in _LITERALS:
                parts.append(("text", _LITERALS[name], None))
            else:
                found_variable = True
                fallback = None if default is None else default.replace("''", "'")
                parts.append(("var", name.lower(), fallback))
            position = match.end()
    text(value[position:])
    return Template(
        value,
        tuple(parts),
        found_variable,
        any(kind == "wild" for kind, _, _ in parts),
        "".join(text for kind, text, _ in parts if kind != "var"),
    )


@lru_cache(maxsize=4096)
def regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def glob_match(
    value: str, tmpl: Template, keys: Mapping[str, object], *, ignore_case: bool = False
) -> bool:
    """Whether ``value`` matches ``tmpl`` with wildcards; False if a variable is unresolved."""
    if not tmpl.has_variables and not tmpl.has_wildcards:
        return value.lower() == tmpl.text.lower() if ignore_case else value == tmpl.text
    if tmpl.source == "*":
        return True
    pattern = tmpl.resolve(keys, wildcards=True)
    return pattern is not None and regex(pattern, ignore_case).fullmatch(value) is not None
