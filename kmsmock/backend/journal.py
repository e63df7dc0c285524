"""What happened in one activation, as raw facts for ``kmsmock.events`` to render.

Two kinds of fact: every API call an operation answered (``LoggedCall``: the call log's record,
shared) and every event the clock caused on its own (``ServiceEvent``): an automatic or
on-demand rotation, the end of a deletion window, the expiry of imported material. A service
event carries the date it happened on the clock (a rotation's scheduled date, the deletion
date, ValidTo), which may be long before the request that noticed it. Facts are kept raw and
rendered only when a test reads them, so a request pays for one small object beside its
call-log record; the journal keeps the last ``limit`` of them.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .key import ImportedMaterial, Key, Material

DEFAULT_LIMIT = 1000

# The CloudTrail eventName of each service event (AWS KMS developer guide, "Logging AWS KMS API
# calls with AWS CloudTrail": the RotateKey, DeleteKey and DeleteExpiredKeyMaterial entries).
ROTATE_KEY = "RotateKey"
DELETE_KEY = "DeleteKey"
DELETE_EXPIRED_KEY_MATERIAL = "DeleteExpiredKeyMaterial"

_EVENT_IDS = uuid.UUID("6b6d736d-6f63-6b00-8000-00000000c7a1")


def event_id_for(request_id: str) -> str:
    """The CloudTrail eventID of the call answered with ``request_id``: derived, so the call's
    record and GetKeyLastUsage's CloudTrailEventId agree without storing anything."""
    return str(uuid.uuid5(_EVENT_IDS, request_id))


@dataclass(slots=True)
class ServiceEvent:
    """Kept small (a long run may journal thousands): ids and ARNs are derived when read."""

    name: str  # ROTATE_KEY, DELETE_KEY or DELETE_EXPIRED_KEY_MATERIAL
    when: datetime  # when it happened on the clock
    account: str
    region: str
    arn_prefix: str  # the key's store's, shared
    key_id: str
    details: tuple[tuple[str, str], ...] = ()  # serviceEventDetails after keyId

    @property
    def event_id(self) -> str:
        """Its CloudTrail eventID: the same on every read, different for every event."""
        seed = f"{self.name}/{self.arn}/{self.when.isoformat()}/{self.details}"
        return str(uuid.uuid5(_EVENT_IDS, seed))

    @property
    def arn(self) -> str:
        return f"{self.arn_prefix}key/{self.key_id}"


class LoggedCall:
    """An answered call as the journal keeps it: the call log's own record (``calls.Call``),
    shared rather than copied, with what CloudTrail needs beyond it, read as CloudTrail shows it
    (redacted, the keys as ARNs: worked out when read, not when the request is answered)."""

    __slots__ = ("_call", "_keys", "_redact", "signer")

    def __init__(
        self, call: Any, signer: Any, keys: list[Key], redact: Callable[[Any], Any]
    ) -> None:
        self._call = call
        self.signer = signer  # the request's access.Caller; None for the account's root
        self._keys = keys  # the keys its lookups found (Context.keys)
        self._redact = redact  # the call log's: CloudTrail never shows secrets

    @property
    def call(self) -> Any:
        return self._redact(self._call)

    @property
    def operation(self) -> str:
        return str(self._call.operation)

    @property
    def when(self) -> datetime:
        when: datetime = self._call.time
        return when

    @property
    def account(self) -> str:
        return str(self._call.account)

    @property
    def region(self) -> str:
        return str(self._call.region)

    @property
    def request_id(self) -> str:
        return str(self._call.request_id)

    @property
    def request(self) -> Any:
        return self.call.request

    @property
    def response(self) -> Any:
        return self.call.response

    @property
    def error(self) -> tuple[str, str] | None:
        error: tuple[str, str] | None = self._call.error
        return error

    @property
    def key_arns(self) -> tuple[str, ...]:
        """The keys it acted on. CreateKey and ReplicateKey act on the key they make, which no
        lookup found: it is in their answer."""
        if self._keys:
            return tuple(key.arn for key in self._keys)
        response = self._call.response or {}
        metadata = response.get("KeyMetadata") or response.get("ReplicaKeyMetadata")
        return (metadata["Arn"],) if metadata else ()


Fact = ServiceEvent | LoggedCall


class Journal:
    """The last ``limit`` facts of one activation, in the order they were recorded."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.facts: deque[Fact] = deque(maxlen=limit)

    @property
    def limit(self) -> int:
        assert self.facts.maxlen is not None
        return self.facts.maxlen

    @limit.setter
    def limit(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"the events limit must be 0 or more, got {value}")
        self.facts = deque(self.facts, maxlen=value)

    def clear(self) -> None:
        self.facts.clear()

    def _service(self, name: str, key: Key, when: datetime, *details: tuple[str, str]) -> None:
        store = key.store
        self.facts.append(
            ServiceEvent(
                name, when, store.account, store.region, store.arn_prefix, key.key_id, details
            )
        )

    def rotated(self, key: Key, previous: Material | None, current: Material) -> None:
        details = [("rotationType", current.rotation_type or ""), ("keyOrigin", key.origin)]
        if previous is not None:
            details.append(("previousKeyMaterialId", previous.id))
        details.append(("currentKeyMaterialId", current.id))
        self._service(ROTATE_KEY, key, current.created, *details)

    def deleted(self, key: Key, when: datetime) -> None:
        self._service(DELETE_KEY, key, when)

    def expired(self, key: Key, material: ImportedMaterial, when: datetime) -> None:
        self._service(DELETE_EXPIRED_KEY_MATERIAL, key, when, ("keyMaterialId", material.id))
