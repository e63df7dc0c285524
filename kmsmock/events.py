"""The events AWS would emit: CloudTrail records and EventBridge events, on the activation.

``m.events.cloudtrail`` holds a CloudTrail-shaped record of every API call the mock answered
(``AwsApiCall``, with ``errorCode``/``errorMessage`` for a failure) and of every event the clock
caused on its own (``AwsServiceEvent``: ``RotateKey``, ``DeleteKey``,
``DeleteExpiredKeyMaterial``); ``m.events.eventbridge`` the EventBridge events AWS KMS sends for
the latter ("KMS CMK Rotation", "KMS CMK Deletion", "KMS Imported Key Material Expiration").
A service event is dated when it happened on the clock (the rotation's scheduled date, the end
of the deletion window, ValidTo), whenever the test noticed it; records come in time order.

Shapes follow the AWS KMS developer guide ("Logging AWS KMS API calls with AWS CloudTrail" and
its RotateKey, DeleteKey and DeleteExpiredKeyMaterial entries; "Monitor KMS keys with Amazon
EventBridge"). Plaintext, ciphertext and every other blob are never in a record: CloudTrail does
not log them either.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from . import clock
from .access import Caller, Kind
from .backend.journal import LoggedCall, ServiceEvent, event_id_for
from .backend.store import partition_for
from .calls import REDACTED
from .operations.trail import read_only

if TYPE_CHECKING:
    from .backend.store import Backend

EVENT_VERSION = "1.11"
EVENT_SOURCE = "kms.amazonaws.com"
AWS_INTERNAL = "AWS Internal"
# What CloudTrail would show of the caller's connection, which an in-process mock does not have
SOURCE_IP = "127.0.0.1"
USER_AGENT = "kmsmock"

ROTATION = "KMS CMK Rotation"
DELETION = "KMS CMK Deletion"
EXPIRATION = "KMS Imported Key Material Expiration"
_DETAIL_TYPES = {
    "RotateKey": ROTATION,
    "DeleteKey": DELETION,
    "DeleteExpiredKeyMaterial": EXPIRATION,
}
# serviceEventDetails names -> EventBridge detail names (KMS CMK Rotation carries them all)
_DETAIL_NAMES = {
    "keyOrigin": "key-origin",
    "rotationType": "rotation-type",
    "previousKeyMaterialId": "previous-key-material-id",
    "currentKeyMaterialId": "current-key-material-id",
}


_EVENTBRIDGE_IDS = uuid.UUID("6b6d736d-6f63-6b00-8000-0000000000eb")


def _utc(when: datetime) -> datetime:
    return when.astimezone(timezone.utc)


def _stamp(when: datetime) -> str:
    """CloudTrail's and EventBridge's time format: ISO 8601 UTC to the second."""
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _logged_date(when: datetime) -> str:
    """A date inside requestParameters/responseElements, as the developer guide's examples show
    them ("deletionDate": "Apr 12, 2021 18:58:30 PM")."""
    when = _utc(when)
    return f"{when:%b} {when.day}, {when.year} {when:%H:%M:%S %p}"


def _key_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _logged(value: Any, *, user_map: bool = False) -> Any:
    """A request or response value as CloudTrail logs it: member names in lowerCamelCase
    (``KeyId`` -> ``keyId``), user-defined maps (encryption context) as given, blobs and the
    members botocore's model marks sensitive (redacted in the call log's record) left out."""
    if isinstance(value, dict):
        out = {}
        for name, item in value.items():
            if isinstance(item, (bytes, bytearray)) or item is REDACTED:  # secrets: never
                continue
            shown = _logged(item, user_map="EncryptionContext" in name and not user_map)
            if item and not shown:  # a structure of secrets only (XKS proxy credentials)
                continue
            out[name if user_map else name[:1].lower() + name[1:]] = shown
        return out
    if isinstance(value, list):
        return [_logged(item) for item in value if not isinstance(item, (bytes, bytearray))]
    if isinstance(value, datetime):
        return _logged_date(value)
    return value


def _user_identity(signer: Caller | None, account: str, region: str) -> dict[str, Any]:
    caller = signer or Caller.root(account, partition_for(region))
    if caller.kind is Kind.SERVICE:
        return {"type": "AWSService", "invokedBy": caller.arn}
    who: dict[str, Any] = {
        "type": {Kind.ROOT: "Root", Kind.USER: "IAMUser", Kind.SESSION: "AssumedRole"}[caller.kind],
        "principalId": caller.user_id or caller.account,
        "arn": caller.arn,
        "accountId": caller.account,
    }
    if caller.kind is Kind.USER:
        who["userName"] = caller.arn.rsplit("/", 1)[-1]
    elif caller.kind is Kind.SESSION and caller.role_arn is not None:
        who["sessionContext"] = {
            "sessionIssuer": {
                "type": "Role",
                "principalId": (caller.user_id or "").split(":")[0],
                "arn": caller.role_arn,
                "accountId": caller.account,
                "userName": caller.role_arn.rsplit("/", 1)[-1],
            }
        }
    return who


def _resources(account: str, arns: Sequence[str]) -> list[dict[str, str]]:
    return [{"accountId": account, "type": "AWS::KMS::Key", "ARN": arn} for arn in arns]


@dataclass(frozen=True)
class CloudTrailRecord:
    """One CloudTrail record: ``as_dict()`` is the JSON object CloudTrail would log; ``record[
    "eventName"]`` reads one field."""

    name: str  # eventName: the operation, or RotateKey / DeleteKey / DeleteExpiredKeyMaterial
    time: datetime  # eventTime, aware UTC
    event_type: str  # "AwsApiCall" or "AwsServiceEvent"
    key_ids: tuple[str, ...]  # the KMS keys in ``resources``
    error_code: str | None
    body: dict[str, Any] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.body)

    def __getitem__(self, name: str) -> Any:
        return self.body[name]


@dataclass(frozen=True)
class EventBridgeEvent:
    """One EventBridge event AWS KMS sends: ``as_dict()`` is its JSON body."""

    name: str  # detail-type
    time: datetime
    key_id: str
    body: dict[str, Any] = field(repr=False)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return (self.key_id,)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.body)

    def __getitem__(self, name: str) -> Any:
        return self.body[name]


def _api_call(call: LoggedCall) -> CloudTrailRecord:
    body: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": _user_identity(call.signer, call.account, call.region),
        "eventTime": _stamp(call.when),
        "eventSource": EVENT_SOURCE,
        "eventName": call.operation,
        "awsRegion": call.region,
        "sourceIPAddress": SOURCE_IP,
        "userAgent": USER_AGENT,
    }
    if call.error is not None:
        body["errorCode"], body["errorMessage"] = call.error
    body["requestParameters"] = _logged(call.request) or None
    logs_response = call.response and not read_only(call.operation)
    body["responseElements"] = (_logged(call.response) or None) if logs_response else None
    body["requestID"] = call.request_id
    body["eventID"] = event_id_for(call.request_id)
    body["readOnly"] = read_only(call.operation)
    if call.key_arns:
        body["resources"] = _resources(call.account, call.key_arns)
    body |= {
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": call.account,
        "eventCategory": "Management",
    }
    return CloudTrailRecord(
        call.operation,
        _utc(call.when),
        "AwsApiCall",
        tuple(_key_id(arn) for arn in call.key_arns),
        call.error[0] if call.error else None,
        body,
    )


def _service_event(event: ServiceEvent) -> CloudTrailRecord:
    body = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": {"accountId": event.account, "invokedBy": AWS_INTERNAL},
        "eventTime": _stamp(event.when),
        "eventSource": EVENT_SOURCE,
        "eventName": event.name,
        "awsRegion": event.region,
        "sourceIPAddress": AWS_INTERNAL,
        "userAgent": AWS_INTERNAL,
        "requestParameters": None,
        "responseElements": None,
        "eventID": event.event_id,
        "readOnly": False,
        "resources": _resources(event.account, (event.arn,)),
        "eventType": "AwsServiceEvent",
        "managementEvent": True,
        "recipientAccountId": event.account,
        "serviceEventDetails": {"keyId": event.key_id, **dict(event.details)},
        "eventCategory": "Management",
    }
    return CloudTrailRecord(
        event.name, _utc(event.when), "AwsServiceEvent", (event.key_id,), None, body
    )


def _eventbridge(event: ServiceEvent) -> EventBridgeEvent:
    detail_type = _DETAIL_TYPES[event.name]
    detail = {"key-id": event.key_id}
    if detail_type == ROTATION:
        detail |= {_DETAIL_NAMES[k]: v for k, v in event.details if k in _DETAIL_NAMES}
    body = {
        "version": "0",
        "id": str(uuid.uuid5(_EVENTBRIDGE_IDS, event.event_id)),  # its own, stable per event
        "detail-type": detail_type,
        "source": "aws.kms",
        "account": event.account,
        "time": _stamp(event.when),
        "region": event.region,
        "resources": [event.arn],
        "detail": detail,
    }
    return EventBridgeEvent(detail_type, _utc(event.when), event.key_id, body)


R = TypeVar("R", CloudTrailRecord, EventBridgeEvent)


class EventList(Sequence[R], Generic[R]):
    """Records in time order, with filters that return another ``EventList``."""

    def __init__(self, records: list[R]) -> None:
        self._records: list[R] = records

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> EventList[R]: ...

    def __getitem__(self, index: int | slice) -> R | EventList[R]:
        if isinstance(index, slice):
            return EventList(self._records[index])
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[R]:
        return iter(self._records)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EventList, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, compared by content

    def __repr__(self) -> str:
        return f"EventList({[(r.name, _stamp(r.time)) for r in self._records]})"

    def named(self, *names: str, key_id: str | None = None) -> EventList[R]:
        """The records with one of ``names`` (a CloudTrail eventName or an EventBridge
        detail-type), on ``key_id`` (a key id or key ARN) if given."""
        found = [r for r in self._records if r.name in names]
        return EventList(found).for_key(key_id) if key_id is not None else EventList(found)

    def for_key(self, key_id: str) -> EventList[R]:
        """The records about one KMS key (named by key id or key ARN)."""
        wanted = _key_id(key_id)
        return EventList([r for r in self._records if wanted in r.key_ids])

    @property
    def names(self) -> list[str]:
        return [r.name for r in self._records]


class Events:
    """The events of one activation (``KmsMock.events``).

    Reading ``cloudtrail`` or ``eventbridge`` first brings every key up to the clock's present
    (rotations, deletions and expiries that fell due are recorded with their own dates), so a
    test needs no request to make them happen. The journal keeps the last ``limit`` facts
    (1,000 by default; 0 turns recording off); ``clear()`` empties it.
    """

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def limit(self) -> int:
        return self._backend.journal.limit

    @limit.setter
    def limit(self, value: int) -> None:
        with self._backend.lock:
            self._backend.journal.limit = value

    def clear(self) -> None:
        with self._backend.lock:
            self._backend.journal.clear()

    @property
    def cloudtrail(self) -> EventList[CloudTrailRecord]:
        records = [
            _service_event(fact) if isinstance(fact, ServiceEvent) else _api_call(fact)
            for fact in self._settled()
        ]
        return EventList(sorted(records, key=lambda r: r.time))

    @property
    def eventbridge(self) -> EventList[EventBridgeEvent]:
        events = [_eventbridge(f) for f in self._settled() if isinstance(f, ServiceEvent)]
        return EventList(sorted(events, key=lambda e: e.time))

    def _settled(self) -> list[LoggedCall | ServiceEvent]:
        backend = self._backend
        with backend.lock:
            now = clock.now() + backend.clock_offset
            for store in backend.stores():
                store.sweep(now)
                for key_id in list(store.keys):
                    store.get(key_id, now)
            return list(backend.journal.facts)
