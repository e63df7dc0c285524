"""What a test sees of and does to the requests an activation answers: ``KmsMock``'s call log,
fault injection and timing methods (a mixin, so ``mock.py`` keeps to activation).

Everything here lives on the activation's ``Backend`` (``calls``, ``faults``), so nested
activations and the pytest fixture share one log and one fault queue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from .backend.store import Backend
    from .calls import Call, CallLog
    from .faults import Fault, Faults

Seconds = float | timedelta


class Options(TypedDict, total=False):
    """``mock_kms``'s call log and timing options (absent or None: as the shared state has
    it): ``log_secrets``, ``max_calls``, ``retry_sleep``, ``latency``."""

    log_secrets: bool | None
    max_calls: int | None
    retry_sleep: bool | None
    latency: Seconds | None


def _seconds(value: Seconds) -> float:
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    return seconds


class CallsAndFaults:
    """The call log and fault injection of an activation (``KmsMock`` inherits them)."""

    @property
    def backend(self) -> Backend:  # pragma: no cover - KmsMock's
        raise NotImplementedError

    def _apply_options(
        self,
        *,
        log_secrets: bool | None = None,
        max_calls: int | None = None,
        retry_sleep: bool | None = None,
        latency: Seconds | None = None,
    ) -> None:
        """The options this handle named (None: leave the shared setting as it is)."""
        backend = self.backend
        if log_secrets is not None:
            backend.calls.log_secrets = log_secrets
        if max_calls is not None:
            backend.calls.max_calls = max_calls
        if retry_sleep is not None:
            backend.faults.retry_sleep = retry_sleep
        if latency is not None:
            self.latency = latency

    # -- the call log ----------------------------------------------------------------------

    @property
    def calls(self) -> CallLog:
        """Every request this activation answered, oldest first (the last ``max_calls``):
        ``len(m.calls)``, ``m.calls[-1]``, ``m.calls.of("Encrypt")``, ``m.calls.count(...)``,
        ``m.calls.reset()``. See ``kmsmock.calls.Call`` for a record's fields."""
        return self.backend.calls

    def assert_called(
        self, operation: str, /, *, times: int | None = None, **params: Any
    ) -> list[Call]:
        """Assert ``operation`` was called (``times`` times, if given) with a request having
        these members (``m.assert_called("Encrypt", KeyId=key_id)``); returns those calls."""
        return self.backend.calls.assert_called(operation, times=times, **params)

    def assert_not_called(self, operation: str, /, **params: Any) -> None:
        self.backend.calls.assert_not_called(operation, **params)

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        error: str | type[Exception] = "ThrottlingException",
        *,
        times: int | None = 1,
        operation: str | None = None,
        key_id: str | None = None,
        message: str | None = None,
        status: int | None = None,
        latency: Seconds = 0.0,
    ) -> Fault:
        """Make the next ``times`` matching calls fail (``times=None``: every one until
        ``m.faults.clear()``).

        ``error``: an AWS error code — ThrottlingException (400), KMSInternalException (500),
        DependencyTimeoutException (503), KeyUnavailableException (500) come with AWS's status
        and text; any other code is answered with ``message`` and ``status`` (default 400) — or
        a botocore exception class (``EndpointConnectionError``, ``ReadTimeoutError``,
        ``ConnectTimeoutError``, ``ConnectionClosedError``), raised where botocore's HTTP send
        would raise it. ``operation`` and ``key_id`` (an id, key ARN, alias name or alias ARN,
        matched against the request's ``...KeyId`` members, or the key a symmetric ciphertext
        names for a Decrypt or ReEncrypt without one) narrow the calls it takes;
        ``latency`` moves kmsmock's clock on by that much each time it fails a call.
        """
        from .faults import make_fault

        fault = make_fault(
            error,
            message=message,
            status=status,
            operation=operation,
            key_id=key_id,
            latency=_seconds(latency),
        )
        self.backend.faults.add(fault, times)
        return fault

    @property
    def faults(self) -> Faults:
        """The fault queue: ``pending`` (fault, calls left), ``clear()``."""
        return self.backend.faults

    # -- timing ------------------------------------------------------------------------------

    @property
    def retry_sleep(self) -> bool:
        """Whether botocore really sleeps between a KMS client's retries (default True). False:
        the retry handler still decides every retry and its delay, and kmsmock's clock moves
        on by that delay instead of the test waiting for it."""
        return self.backend.faults.retry_sleep

    @retry_sleep.setter
    def retry_sleep(self, value: bool) -> None:
        self.backend.faults.retry_sleep = value

    @property
    def backoffs(self) -> list[float]:
        """The delays (seconds) botocore's retry handler chose between KMS retries, in order
        (slept or not); ``m.faults.backoffs.clear()`` empties the record."""
        return list(self.backend.faults.backoffs)

    @property
    def latency(self) -> timedelta:
        """How far kmsmock's clock moves on with every answered request (default 0): a test
        sees time pass without sleeping."""
        return self.backend.faults.latency

    @latency.setter
    def latency(self, value: Seconds) -> None:
        self.backend.faults.latency = timedelta(seconds=_seconds(value))
