"""AWS JSON 1.1, the one place where bytes become dicts and dicts become bytes.

``handle`` takes what a KMS client sends (``X-Amz-Target`` and a JSON body) and returns what the
service would answer (status, headers, body). Every front door — the botocore interceptor and the
local HTTP endpoint (``server``) — goes through it, so the operations never see the wire format.
Being the one place every request passes, it also resolves the signer's access key to the
caller, takes a queued fault, and records the request on the call log (and, if it reached its
operation, on the events journal).
"""

from __future__ import annotations

import binascii
import functools
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any

from . import clock, errors, faults, operations
from .access import Caller
from .backend.journal import LoggedCall
from .backend.store import Backend, partition_for, random_uuid
from .calls import Call, CallError
from .model_facts import each
from .operations import Context, dispatch
from .validation import decode_request

log = logging.getLogger("kmsmock")

TARGET_PREFIX = "TrentService."
CONTENT_TYPE = "application/x-amz-json-1.1"

Answer = tuple[int, dict[str, str], bytes]


def _wire(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return binascii.b2a_base64(value, newline=False).decode("ascii")
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    raise TypeError(f"cannot serialise {type(value).__name__}")  # pragma: no cover - a bug


# Built once: ``json.dumps`` with arguments builds a new encoder on every call, and so does
# ``JSONEncoder.encode`` (its C encoder): the C encoder is made once here and reused, as
# ``encode`` would make it. Answers are trees built per request, never cyclic (a cycle would be
# a bug, reported as one either way), so no circular-reference bookkeeping.
_encoder = json.JSONEncoder(default=_wire, separators=(",", ":"), check_circular=False)
_make_c_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # untyped in typeshed
_c_encoder = (
    _make_c_encoder(
        None, _wire, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )
    if _make_c_encoder is not None
    else None
)


def _encode(payload: dict[str, Any]) -> str:
    if _c_encoder is None:  # pragma: no cover - CPython always has the C encoder
        return _encoder.encode(payload)
    return "".join(_c_encoder(payload, 0))


_decode = json.JSONDecoder().decode  # what ``json.loads`` uses for a str


def _parse(body: bytes) -> Any:
    """``json.loads(body or b"{}")``, minus its encoding detection where that would say UTF-8
    anyway (a body starting ``{`` followed by a non-NUL byte, no BOM)."""
    if not body:
        return {}
    if isinstance(body, bytes) and body[:1] == b"{" and body[1:2] != b"\x00":
        return _decode(body.decode("utf-8", "surrogatepass"))
    return json.loads(body)


def _route(service_model: Any, target: str) -> tuple[str, Any] | None:
    """The operation ``target`` names in ``service_model`` and its model, or None. Routes are
    shared by every client of one session's model (``model_facts``)."""
    return each(service_model, "routes", target, _route_of)


def _route_of(service_model: Any, target: str) -> tuple[str, Any] | None:
    name = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
    if name not in service_model.operation_names:
        return None
    return name, service_model.operation_model(name)


new_request_id = random_uuid  # AWS request ids are random UUIDs


def _answer(status: int, payload: dict[str, Any], request_id: str | None = None) -> Answer:
    body = _encode(payload).encode()
    headers = {
        "x-amzn-RequestId": request_id or new_request_id(),
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(body)),
    }
    return status, headers, body


_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/kms/aws4_request")
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
DEFAULT_REGION = "us-east-1"


def signed_region(authorization: str) -> str | None:
    """The Region a SigV4 ``Authorization`` header was signed for (signatures are not checked:
    there is nothing to check them against)."""
    scope = _SCOPE.search(authorization)
    return scope.group(1) if scope else None


def signed_access_key(authorization: str | bytes | None) -> str | None:
    """The access key a SigV4 ``Authorization`` header was signed with (who is calling)."""
    if not authorization:
        return None
    if isinstance(authorization, bytes):
        authorization = authorization.decode("ascii", "replace")
    found = _ACCESS_KEY.search(authorization)
    return found.group(1) if found else None


@functools.cache
def kms_service_model() -> Any:
    """botocore's KMS model, for front doors that have no client to take it from."""
    import botocore.session

    return botocore.session.get_session().get_service_model("kms")


def lower_headers(headers: dict[str, str]) -> dict[str, str]:
    """The answer's headers as botocore's parser receives them (names lower-cased)."""
    return {
        "x-amzn-requestid": headers["x-amzn-RequestId"],
        "content-type": CONTENT_TYPE,
        "content-length": headers["Content-Length"],
    }


def error_answer(error: errors.KMSError, request_id: str | None = None) -> Answer:
    payload = {"__type": error.code}
    if error.message:  # AWS omits the member when it has nothing to say
        payload["message"] = error.message
    return _answer(error.status, payload, request_id)


def handle(
    backend: Backend,
    service_model: Any,
    target: str,
    body: bytes,
    *,
    region: str,
    account: str | None = None,
    access_key: str | None = None,
    attempt: int = 1,
    disconnects: bool = False,
) -> Answer:
    """Answer one KMS request as AWS would. Never raises: every failure is an AWS error, except
    that a front door passing ``disconnects=True`` (it can fail the connection) gets
    ``faults.Disconnect`` for a queued connection fault. ``attempt`` is the client's attempt
    number, for the call log. Every request is recorded on ``backend.calls``.

    ``access_key``: the one the request was signed with, when the front door knows it. Once
    principals are declared (``backend.identities``) it names the caller, whose account the
    request runs in, and an unknown one is refused as AWS refuses it; otherwise (and when it is
    None) the caller is the root of ``account``, by default the activation's.
    """
    name, wire, request, response, ctx = "", None, None, None, None
    error: errors.KMSError | None = None
    dispatched = False  # reached its operation: CloudTrail logs it (kmsmock.events)
    # Drawn first, so an error answer's id is reproducible in deterministic mode too
    rid = backend.source.uuid()
    try:
        identity = None
        if backend.identities and access_key is not None:
            identity = backend.identities.get(access_key)
            if identity is None:
                raise errors.UNRECOGNIZED_CLIENT()
            account = identity.caller.account
        route = _route(service_model, target)
        if route is None:
            raise errors.UNKNOWN_OPERATION(target=target)
        name, operation_model = route
        try:
            wire = _parse(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            raise errors.NOT_JSON() from None
        request = decode_request(operation_model, wire)
        if not operations.load(name):
            raise errors.OPERATION_NOT_IMPLEMENTED(operation=name)
        with backend.lock:
            ctx = Context(
                backend,
                backend.store(account or backend.default_account, region),
                clock.now() + backend.clock_offset,
                name,
                rid,
            )
            if identity is not None:
                ctx.signer, ctx.policies = identity.caller, identity.policies
                if identity.keys:
                    ctx.signer_keys = {**backend.condition_keys, **identity.keys}
            if backend.condition_keys and ctx.signer_keys is None:
                ctx.signer_keys = backend.condition_keys
            if backend.faults:
                _inject(ctx, request, disconnects)
            dispatched = True
            response = dispatch(ctx, service_model, request)
            answer = _answer(200, response, rid)
    except errors.KMSError as exc:
        error, answer = exc, error_answer(exc, rid)
    except faults.Disconnect as exc:
        _record(
            backend, service_model, name, request, None, exc, None, ctx, region, account, attempt
        )
        raise
    except Exception as exc:  # a kmsmock bug: say so in an AWS-shaped error, never a traceback
        log.exception("kmsmock failed to serve %s", target)
        error = errors.INTERNAL_ERROR(kind=type(exc).__name__, detail=str(exc))
        answer = error_answer(error, rid)
    if backend.faults.latency:  # the answer took that long on kmsmock's clock
        with backend.lock:
            backend.clock_offset += backend.faults.latency
    if request is None and isinstance(wire, dict):  # refused by validation: as it was sent
        request = wire
    _record(
        backend,
        service_model,
        name,
        request,
        response,
        error,
        answer,
        ctx,
        region,
        account,
        attempt,
        dispatched,
    )
    return answer


def _inject(ctx: Context, request: dict[str, Any], disconnects: bool) -> None:
    """Fail the request as the first queued fault it matches says (if any)."""
    from .operations.encryption import ciphertext_key  # only once a fault is queued

    fault = ctx.backend.faults.take(
        ctx.operation, request, ctx.store.aliases, connections=disconnects, implied=ciphertext_key
    )
    if fault is None:
        return
    if fault.latency:
        ctx.backend.clock_offset += timedelta(seconds=fault.latency)
    if fault.connection is not None:
        raise faults.Disconnect(fault)
    raise fault.make_error()


@functools.lru_cache(maxsize=256)
def _root_arn(partition: str, account: str) -> str:
    return Caller.root(account, partition).arn


def _record(
    backend: Backend,
    service_model: Any,
    name: str,
    request: dict[str, Any] | None,
    response: dict[str, Any] | None,
    error: errors.KMSError | faults.Disconnect | None,
    answer: Answer | None,
    ctx: Context | None,
    region: str,
    account: str | None,
    attempt: int,
    dispatched: bool = False,
) -> None:
    """One entry of the call log (what is known of the request however far it got) and, for a
    request that reached its operation, of the events journal: the same record, shared."""
    if isinstance(error, faults.Disconnect):
        failure: CallError | None = CallError(error.fault.code, error.fault.message)
    else:
        failure = None if error is None else CallError(error.code, error.message)
    if ctx is not None:
        signer, account, now = ctx.signer, ctx.account, ctx.now
        caller = signer.arn if signer is not None else _root_arn(ctx.store.partition, account)
    else:
        account = account or backend.default_account
        caller = _root_arn(partition_for(region), account)
        now = clock.now() + backend.clock_offset
    call = Call(
        name,
        request or {},
        response,
        failure,
        None if answer is None else answer[0],
        caller,
        account,
        region,
        now,
        None if answer is None else answer[1]["x-amzn-RequestId"],
        attempt,
    )
    backend.calls.record(service_model, call)
    if dispatched and ctx is not None and backend.journal.facts.maxlen:
        backend.journal.facts.append(LoggedCall(call, ctx.signer, ctx.keys, backend.calls.redacted))
