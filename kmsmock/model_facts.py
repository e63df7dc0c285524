"""Facts derived from botocore's KMS service model, once per loaded model description.

botocore builds a new ``ServiceModel`` for every client, but the clients of one session share
its loader's one parsed description, the dict behind ``ServiceModel.metadata``. Keyed by that
dict, a fact (an operation's traits, its redaction plan, a target's route) is derived once per
session's model rather than once per client: tests make a client per test, and deriving the
traits of every operation for each new client cost more than the test's own calls.

A leaf: botocore's model is read through its public attributes only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# (id of the description's metadata dict, what) -> (that dict, kept so the id is not reused,
# the fact); and the same found by the client's own model, kept likewise, which is what every
# request looks up. Bounded (a client's model holds its resolved shapes: about 250 clients'
# models for each of the three facts kmsmock keeps): a suite making a client or a session per
# test clears them now and then and derives again.
_facts: dict[tuple[int, str], tuple[Any, Any]] = {}
_by_model: dict[tuple[int, str], tuple[Any, Any]] = {}
_LIMIT = 768


def derived(service_model: Any, what: str, derive: Callable[[Any], T]) -> T:
    """``derive(service_model)``, computed once per loaded description and ``what``."""
    entry = _by_model.get((id(service_model), what))
    if entry is None or entry[0] is not service_model:
        entry = _remember(_by_model, service_model, what, _shared(service_model, what, derive))
    fact: T = entry[1]
    return fact


def each(
    service_model: Any, what: str, name: str, derive: Callable[[Any, str], T | None]
) -> T | None:
    """``derive(service_model, name)`` for one operation or target ``name``: derived on the
    first request for it and kept, per ``what``, as ``derived`` keeps facts (None, for a name
    the model does not know, is not kept: such names come from requests)."""
    known: dict[str, T] = derived(service_model, what, _nothing_yet)
    found = known.get(name)
    if found is None:
        found = derive(service_model, name)
        if found is not None:
            known[name] = found
    return found


def _nothing_yet(_: Any) -> dict[str, Any]:
    return {}


def _shared(service_model: Any, what: str, derive: Callable[[Any], T]) -> T:
    description = service_model.metadata
    entry = _facts.get((id(description), what))
    if entry is None or entry[0] is not description:
        entry = _remember(_facts, description, what, derive(service_model))
    fact: T = entry[1]
    return fact


def _remember(
    cache: dict[tuple[int, str], tuple[Any, Any]], owner: Any, what: str, fact: Any
) -> tuple[Any, Any]:
    if len(cache) >= _LIMIT:
        cache.clear()
    entry = cache[(id(owner), what)] = (owner, fact)
    return entry
