"""The call log: every KMS request an activation answered, as a frozen record.

``protocol.handle`` records each request once, after answering it, on its backend's ``CallLog``
(``KmsMock.calls``). Recording is one append, which every request pays for: a record holds the
request and response dicts the request already built (nothing mutates them afterwards). What
botocore's service model marks ``sensitive`` (plaintexts, key store passwords, XKS proxy
credentials) is replaced by ``REDACTED``, in a shallow copy, when a test reads the log (and
when the events journal renders it), unless the test asked for secrets
(``mock_kms(log_secrets=True)``): reading is rare, requests are not. The log keeps the last
``max_calls`` records, so a long run holds a bounded number of them.

A leaf beside the flow: stdlib and ``model_facts`` only; the service model is read through its
attributes.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple, overload

from .model_facts import each

DEFAULT_MAX_CALLS = 10_000
REDACTED = "<redacted: mock_kms(log_secrets=True) keeps it>"

Plan = dict[str, Any]  # member name -> True (redact it) or the plan of its own members


class CallError(NamedTuple):
    """The error a call was answered with: an AWS code and message, or (for an injected
    connection fault) the botocore exception's class name and text."""

    code: str
    message: str


class Call(NamedTuple):
    """One request kmsmock answered (or failed at the connection, for an injected fault).

    A named tuple: immutable and cheap to build, which every request pays for."""

    operation: str  # "" when the target named no KMS operation
    request: Mapping[str, Any]  # the request's members, blobs as bytes; sensitive ones redacted
    response: Mapping[str, Any] | None  # None when answered with an error
    error: CallError | None
    status: int | None  # HTTP status; None for a connection fault (no answer was sent)
    caller: str  # the principal's ARN
    account: str
    region: str
    time: datetime  # on kmsmock's clock
    request_id: str | None  # x-amzn-RequestId; None for a connection fault
    attempt: int  # botocore's attempt number (1 = the first; 2 = the first retry, ...)

    @property
    def ok(self) -> bool:
        return self.error is None

    def matches(self, operation: str | None, params: Mapping[str, Any]) -> bool:
        """Whether this call is ``operation`` (any if None) with at least these members."""
        if operation is not None and self.operation != operation:
            return False
        missing = object()
        return all(self.request.get(name, missing) == value for name, value in params.items())


class CallLog:
    """The calls of one activation, oldest first: ``len()``, iteration, indexing, ``of()``,
    ``count()``, ``last``, ``reset()``; ``assert_called()`` for tests."""

    def __init__(self, max_calls: int = DEFAULT_MAX_CALLS, *, log_secrets: bool = False) -> None:
        self._calls: collections.deque[Call] = collections.deque(maxlen=max_calls)
        self.log_secrets = log_secrets
        # operation -> (request plan, response plan), derived from the model when first recorded
        self._plans: dict[str, tuple[Plan | None, Plan | None]] = {}

    @property
    def max_calls(self) -> int:
        return self._calls.maxlen or 0

    @max_calls.setter
    def max_calls(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"max_calls must be >= 0, got {value}")
        self._calls = collections.deque(self._calls, maxlen=value)

    # -- recording (protocol.handle) ---------------------------------------------------------

    def record(self, service_model: Any, call: Call) -> None:
        """Keep ``call`` as answered; ``shown`` redacts it when it is read."""
        if call.operation and call.operation not in self._plans:
            self._plans[call.operation] = _plans(service_model, call.operation)
        self._calls.append(call)

    def redacted(self, call: Call) -> Call:
        """``call`` with its sensitive members redacted (what CloudTrail shows, always)."""
        plans = self._plans.get(call.operation)
        if plans is None:
            return call
        request_plan, response_plan = plans
        if request_plan is not None:
            call = call._replace(request=_redacted(call.request, request_plan))
        if response_plan is not None and call.response is not None:
            call = call._replace(response=_redacted(call.response, response_plan))
        return call

    def shown(self, call: Call) -> Call:
        """``call`` as the log shows it: redacted unless ``log_secrets``."""
        return call if self.log_secrets else self.redacted(call)

    # -- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._shown(list(self._calls)))  # a copy: requests may be recorded meanwhile

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        if isinstance(index, slice):
            return self._shown(list(self._calls)[index])
        return self.shown(list(self._calls)[index])

    def __repr__(self) -> str:
        return f"<CallLog {len(self)} calls: {dict(self.counts())}>"

    @property
    def last(self) -> Call:
        if not self._calls:
            raise IndexError("the call log is empty")
        return self.shown(self._calls[-1])

    def of(self, operation: str | None = None, /, **params: Any) -> list[Call]:
        """The calls of ``operation`` (every call if None) whose request has these members (as
        shown: a redacted member matches only ``REDACTED``)."""
        calls = [call for call in list(self._calls) if call.matches(operation, {})]
        return [call for call in self._shown(calls) if call.matches(None, params)]

    def count(self, operation: str | None = None, /, **params: Any) -> int:
        return len(self.of(operation, **params))

    def counts(self) -> collections.Counter[str]:
        """Calls per operation."""
        return collections.Counter(call.operation for call in list(self._calls))

    def reset(self) -> None:
        self._calls.clear()

    def _shown(self, calls: list[Call]) -> list[Call]:
        return calls if self.log_secrets else [self.redacted(call) for call in calls]

    def assert_called(
        self, operation: str, /, *, times: int | None = None, **params: Any
    ) -> list[Call]:
        """Assert ``operation`` was called (exactly ``times`` times, if given) with a request
        that has these members; returns the matching calls. The failure message lists the
        calls of that operation that were made."""
        found = self.of(operation, **params)
        if (times is None and found) or len(found) == times:
            return found
        wanted = ", ".join(f"{name}={value!r}" for name, value in params.items())
        expected = "at least once" if times is None else f"{times} time(s)"
        made = self.of(operation)
        lines = [
            f"expected {operation}({wanted}) {expected}; it matched {len(found)} of "
            f"{len(made)} {operation} call(s) in the log ({len(self)} calls in all)"
        ]
        lines += [f"  {_brief(call)}" for call in made[-10:]]
        if not made:
            lines.append(f"  calls made: {dict(self.counts()) or 'none'}")
        raise AssertionError("\n".join(lines))

    def assert_not_called(self, operation: str, /, **params: Any) -> None:
        self.assert_called(operation, times=0, **params)


def _brief(call: Call) -> str:
    members = ", ".join(f"{name}={value!r}" for name, value in call.request.items())
    outcome = f"-> {call.error.code}" if call.error else "-> ok"
    return f"#{call.attempt} {call.operation}({members}) {outcome}"


def _plans(service_model: Any, operation: str) -> tuple[Plan | None, Plan | None]:
    """``operation``'s (request plan, response plan), derived once per session's model."""
    plans = each(service_model, "redaction", operation, _plans_of)
    assert plans is not None  # an operation the call was routed to: the model knows it
    return plans


def _plans_of(service_model: Any, operation: str) -> tuple[Plan | None, Plan | None]:
    op = service_model.operation_model(operation)
    return _plan(op.input_shape), _plan(op.output_shape)


def _plan(shape: Any, depth: int = 0) -> Any:
    """What of ``shape`` is sensitive: True (all of it), a member plan, or None (nothing)."""
    if shape is None or depth > 16:  # KMS's shapes are shallow and not recursive
        return None
    if shape.metadata.get("sensitive"):
        return True
    kind = shape.type_name
    if kind == "structure":
        plan = {name: sub for name, m in shape.members.items() if (sub := _plan(m, depth + 1))}
        return plan or None
    if kind == "list":
        sub = _plan(shape.member, depth + 1)
        return {"[]": sub} if sub else None
    if kind == "map":
        sub = _plan(shape.value, depth + 1)
        return {"{}": sub} if sub else None
    return None


def _redacted(value: Any, plan: Any) -> Any:
    if plan is True:
        return REDACTED
    if isinstance(value, Mapping):
        if "{}" in plan:
            return {k: _redacted(v, plan["{}"]) for k, v in value.items()}
        out = dict(value)
        for name, sub in plan.items():
            if name in out:
                out[name] = _redacted(out[name], sub)
        return out
    if isinstance(value, list) and "[]" in plan:
        return [_redacted(item, plan["[]"]) for item in value]
    return value
