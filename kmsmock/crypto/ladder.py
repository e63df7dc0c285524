"""Scalar multiplication by double-and-add, for the hand-written curves (edwards, sm2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

P = TypeVar("P")


def multiply(k: int, point: P, add: Callable[[P, P], P], identity: P) -> P:
    """``k`` times ``point`` in the group ``add`` and ``identity`` define (not constant-time:
    a mock's keys protect nothing)."""
    result = identity
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result
