"""The table of served operations and the context every operation receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..backend.store import Backend, RegionStore


@dataclass(slots=True)
class Context:
    """One request: who asks, where, and when (read once from the clock)."""

    backend: Backend
    store: RegionStore  # the caller's account and Region
    now: datetime
    operation: str
    request_id: str = ""  # the x-amzn-RequestId this request is answered with

    @property
    def region(self) -> str:
        return self.store.region

    @property
    def account(self) -> str:
        return self.store.account


Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[[Context, Request], Response]

OPERATIONS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        OPERATIONS[name] = fn
        return fn

    return register
