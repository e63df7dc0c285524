"""How long botocore waits between a KMS client's attempts, noted and, if asked, not slept.

botocore's retry handler (legacy, standard or adaptive) decides whether to retry and how long to
back off; the endpoint then sleeps (``time.sleep`` in ``botocore.endpoint``, its only use of
``time``; ``AioEndpoint._sleep`` in aiobotocore), and adaptive mode's client-side rate limiter
may also wait for its token bucket. kmsmock keeps every decision botocore makes and changes only
the waiting, for KMS clients only: each backoff is noted (``KmsMock.backoffs``) and, when
``retry_sleep`` is off, kmsmock's clock moves on by that long instead of the test sleeping.

Part of the botocore front door: the interceptor installs these patches with its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .backend.store import Backend

Patch = tuple[Any, str, Any]  # (class or module, attribute, replacement)


class KmsLoop(threading.local):
    """Whether this thread is inside a KMS client's request loop (set by the interceptor)."""

    active = False


def _backoff(backend: Backend, seconds: float, *, retry: bool = True) -> bool:
    """Note a KMS wait; whether it is to be slept for real."""
    faults = backend.faults
    if retry:
        faults.note_backoff(seconds)
    if faults.retry_sleep:
        return True
    with backend.lock:
        backend.clock_offset += timedelta(seconds=seconds)
    return False


class _RetryClock:
    """``botocore.endpoint``'s ``time`` while active: everything is ``time``'s, except that a
    KMS loop's sleep goes through ``_backoff``."""

    def __init__(self, backend: Backend, in_loop: KmsLoop) -> None:
        self._backend = backend
        self._in_loop = in_loop

    def sleep(self, seconds: float) -> None:
        if self._in_loop.active and not _backoff(self._backend, seconds):
            return
        time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def sync_patches(backend: Backend, in_loop: KmsLoop) -> list[Patch]:
    import botocore.endpoint
    from botocore.retries.bucket import TokenBucket

    acquire = TokenBucket.__dict__["_acquire"]

    def _acquire(bucket: Any, amount: float = 1, block: bool = True) -> Any:
        """Adaptive mode's token bucket: a wait it decides on passes on kmsmock's clock."""
        if block and in_loop.active and not backend.faults.retry_sleep:
            bucket._refill()
            if bucket._last_timestamp is not None and amount > bucket._current_capacity:
                wait = bucket._sleep_amount(amount)
                _backoff(backend, wait, retry=False)
                bucket._last_timestamp -= wait * 1.000001  # refilled as if it had waited
        return acquire(bucket, amount, block)

    return [
        (botocore.endpoint, "time", _RetryClock(backend, in_loop)),
        (TokenBucket, "_acquire", _acquire),
    ]


def aio_patches(backend: Backend, endpoint_class: type) -> list[Patch]:
    """Each aiobotocore endpoint class's own ``_sleep`` (AnyioEndpoint has another)."""
    patches: list[Patch] = []
    for cls in (endpoint_class, *endpoint_class.__subclasses__()):
        if "_sleep" in cls.__dict__:
            patches.append((cls, "_sleep", _sleeping(cls.__dict__["_sleep"], backend)))
    return patches


def _sleeping(sleep: Callable[..., Any], backend: Backend) -> Callable[..., Any]:
    async def _sleep(endpoint: Any, seconds: float) -> None:
        if endpoint._endpoint_prefix != "kms" or _backoff(backend, seconds):
            await sleep(endpoint, seconds)

    return _sleep
