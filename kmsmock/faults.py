"""Fault injection: make the next N calls (of an operation, for a key, or all) fail.

A fault is queued on the activation (``KmsMock.fail_next``) and taken by ``protocol.handle``
for the first request it matches, after the request is validated and before its operation
runs: the operation never runs and changes nothing. A fault is an AWS error (code, HTTP status,
message) answered like any other, or a connection failure (a botocore exception class such as
``EndpointConnectionError`` or ``ReadTimeoutError``) that only a front door able to fail a
connection takes: the botocore interceptor raises it from inside botocore's request loop, where
the client's retry handler sees it as it would see a real one. The HTTP front doors (the local
endpoint, ``requests``) always send an answer, so they leave connection faults queued.

Also here, because they too say how long things take rather than what KMS answers:
``latency`` (every answered request moves kmsmock's clock on by that much) and
``retry_sleep`` (whether botocore's backoff between retries really sleeps, or moves kmsmock's
clock on instead), with ``backoffs``, the delays botocore's retry handler chose.

A leaf beside the flow: it imports only ``errors``; the store is read through its aliases.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from . import errors

# AWS errors a test may name by code alone: their HTTP status and message (errors.py).
KNOWN = {
    "ThrottlingException": errors.THROTTLED,
    "KMSInternalException": errors.INTERNAL_FAULT,
    "DependencyTimeoutException": errors.DEPENDENCY_TIMEOUT,
    "KeyUnavailableException": errors.KEY_UNAVAILABLE,
}
MAX_BACKOFFS = 10_000


@dataclass(frozen=True, slots=True)
class Fault:
    """One kind of failure and the requests it applies to.

    ``error`` is an AWS error code (``code``/``status``/``message`` say what is answered) or a
    botocore exception class raised instead of an answer (``connection``)."""

    code: str
    message: str
    status: int
    connection: type[Exception] | None = None
    operation: str | None = None  # None: any operation
    key_id: str | None = None  # None: any key (or none); else an id, key ARN, alias or alias ARN
    latency: float = 0.0  # seconds kmsmock's clock moves on while failing

    def make_error(self) -> errors.KMSError:
        return errors.KMSError(self.code, self.message, status=self.status)


class Disconnect(Exception):
    """Raised by ``protocol.handle`` for a front door that fails the connection instead."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.message)
        self.fault = fault


def make_fault(
    error: str | type[Exception],
    *,
    message: str | None,
    status: int | None,
    operation: str | None,
    key_id: str | None,
    latency: float,
) -> Fault:
    """A ``Fault`` from ``KmsMock.fail_next``'s arguments."""
    if isinstance(error, type) and issubclass(error, Exception):
        text = message or f"kmsmock injected {error.__name__}"
        return Fault(error.__name__, text, 0, error, operation, key_id, latency)
    if not isinstance(error, str) or not error:
        raise TypeError(f"error must be an AWS error code or an exception class, got {error!r}")
    known = KNOWN.get(error)
    if known is not None:
        default = known()
        message = default.message if message is None else message
        status = default.status if status is None else status
    kms = errors.KMSError(error, message or "", status=status)
    return Fault(error, kms.message, kms.status, None, operation, key_id, latency)


class Faults:
    """The queued faults and the timing settings of one activation (under the backend lock,
    except for the thread-safe ``note_backoff``)."""

    def __init__(self) -> None:
        self._queue: list[list[Any]] = []  # [fault, remaining calls (None: every call)]
        self.latency = timedelta(0)
        self.retry_sleep = True
        self.backoffs: collections.deque[float] = collections.deque(maxlen=MAX_BACKOFFS)
        self._lock = threading.Lock()

    def add(self, fault: Fault, times: int | None) -> None:
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None: every call), got {times}")
        with self._lock:
            self._queue.append([fault, times])

    @property
    def pending(self) -> list[tuple[Fault, int | None]]:
        """The queued faults with the calls each has left (None: until cleared)."""
        with self._lock:
            return [(fault, left) for fault, left in self._queue]

    def __bool__(self) -> bool:
        return bool(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(
        self,
        operation: str,
        request: Mapping[str, Any],
        aliases: Mapping[str, Any],
        *,
        connections: bool,
        implied: Callable[[Mapping[str, Any]], str | None] | None = None,
    ) -> Fault | None:
        """The first queued fault this request matches, counted as used; None if none.
        ``implied`` gives the key a request names outside its ``...KeyId`` members (the key id
        in a Decrypt's ciphertext), asked only when a fault for a key needs it."""
        if not self._queue:  # the common case, without the lock
            return None
        with self._lock:
            for entry in self._queue:
                fault: Fault = entry[0]
                left: int | None = entry[1]
                if fault.operation is not None and fault.operation != operation:
                    continue
                if fault.connection is not None and not connections:
                    continue
                if fault.key_id is not None and not _names_key(
                    request, fault.key_id, aliases, implied
                ):
                    continue
                if left is not None:
                    if left == 1:
                        self._queue.remove(entry)
                    else:
                        entry[1] = left - 1
                return fault
        return None

    def note_backoff(self, seconds: float) -> None:
        self.backoffs.append(seconds)


def _names_key(
    request: Mapping[str, Any],
    wanted: str,
    aliases: Mapping[str, Any],
    implied: Callable[[Mapping[str, Any]], str | None] | None,
) -> bool:
    """Whether a ``...KeyId`` member of the request (or the key ``implied`` finds in it) names
    the same key as ``wanted``."""
    target = _key_ref(wanted, aliases)
    if any(
        isinstance(value, str) and _key_ref(value, aliases) == target
        for name, value in request.items()
        if name.endswith("KeyId")
    ):
        return True
    return implied is not None and implied(request) == target


def _key_ref(ref: str, aliases: Mapping[str, Any]) -> str:
    """A key id for a key id, key ARN, alias name or alias ARN (an unknown alias: itself)."""
    if ref.startswith("arn:"):
        resource = ref.split(":", 5)[-1]
        ref = resource[4:] if resource.startswith("key/") else resource
    if ref.startswith("alias/"):
        alias = aliases.get(ref)
        return alias.target if alias is not None else ref
    return ref
