"""Timing primitives: interleaved rounds, batches, medians.

Each round times one batch per contender, in an order rotated every round, so slow drift of
the machine (thermal, other load) falls on every contender alike. A batch repeats the
contender's operation enough times to last a few milliseconds, so timer resolution does not
matter; the sample is the batch time divided by its size, and the result the median sample.
Untimed hooks around each batch let a contender prepare (queue canned answers, switch
interception on) without that work being counted.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _nothing(_batch: int = 0) -> None:
    return None


@dataclass
class Contender:
    """One way of doing the workload's operation."""

    name: str
    op: Callable[[], Any]
    before: Callable[[int], None] = _nothing  # untimed, before a batch of n operations
    after: Callable[[], None] = _nothing  # untimed, after the batch
    batch: int | None = None  # fixed batch size (None: calibrated)


@dataclass
class Config:
    quick: bool
    rounds: int  # rounds for per-call workloads
    batch_seconds: float  # how long one batch should last
    slow_rounds: int  # rounds for workloads whose single operation takes ~0.1-1 s
    only: set[str] | None = None
    log: Callable[[str], None] = print
    notes: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, quick: bool, rounds: int | None = None, **kw: Any) -> Config:
        if quick:
            return cls(True, rounds or 5, 0.004, min(rounds or 3, 3), **kw)
        return cls(False, rounds or 31, 0.010, min(rounds or 15, 15), **kw)


def _time_batch(c: Contender, n: int) -> float:
    c.before(n)
    op = c.op
    try:
        start = time.perf_counter()
        for _ in range(n):
            op()
        return (time.perf_counter() - start) / n
    finally:
        c.after()


def calibrate(c: Contender, seconds: float) -> int:
    """How many operations make a batch of about ``seconds`` (after one warm-up batch)."""
    if c.batch is not None:
        return c.batch
    one = _time_batch(c, 1)
    one = min(one, _time_batch(c, 1))
    return max(1, min(1000, int(seconds / max(one, 1e-7))))


def measure(contenders: list[Contender], rounds: int, seconds: float) -> dict[str, float]:
    """Median seconds per operation for each contender, over interleaved rounds."""
    sizes = {c.name: calibrate(c, seconds) for c in contenders}
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    gc.collect()
    for r in range(rounds):
        k = r % len(contenders)
        for c in contenders[k:] + contenders[:k]:
            samples[c.name].append(_time_batch(c, sizes[c.name]))
    return {name: statistics.median(s) for name, s in samples.items()}


def median_of(samples: list[float]) -> float:
    return statistics.median(samples)
