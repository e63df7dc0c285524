"""AWS JSON 1.1, the one place where bytes become dicts and dicts become bytes.

``handle`` takes what a KMS client sends (``X-Amz-Target`` and a JSON body) and returns what the
service would answer (status, headers, body). Every front door — the botocore interceptor and the
local HTTP endpoint (``server``) — goes through it, so the operations never see the wire format.
"""

from __future__ import annotations

import binascii
import functools
import json
import logging
import re
from datetime import datetime
from typing import Any

from . import clock, errors, operations
from .backend.store import Backend, random_uuid
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


# (service model, {X-Amz-Target: (operation name, operation model)}) by id(service model):
# botocore makes one service model per client, so this is bounded as the parsers' cache is.
_routes: dict[int, tuple[Any, dict[str, tuple[str, Any]]]] = {}
_ROUTED_MODELS = 256


def _route(service_model: Any, target: str) -> tuple[str, Any] | None:
    """The operation ``target`` names in ``service_model`` and its model, or None."""
    entry = _routes.get(id(service_model))
    if entry is None:
        if len(_routes) >= _ROUTED_MODELS:
            _routes.clear()
        entry = _routes[id(service_model)] = (service_model, {})
    route = entry[1].get(target)
    if route is None:
        name = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        if name not in service_model.operation_names:
            return None
        route = entry[1][target] = (name, service_model.operation_model(name))
    return route


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
DEFAULT_REGION = "us-east-1"


def signed_region(authorization: str) -> str | None:
    """The Region a SigV4 ``Authorization`` header was signed for (signatures are not checked:
    there is nothing to check them against)."""
    scope = _SCOPE.search(authorization)
    return scope.group(1) if scope else None


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


def error_answer(error: errors.KMSError) -> Answer:
    payload = {"__type": error.code}
    if error.message:  # AWS omits the member when it has nothing to say
        payload["message"] = error.message
    return _answer(error.status, payload)


def handle(
    backend: Backend,
    service_model: Any,
    target: str,
    body: bytes,
    *,
    region: str,
    account: str | None = None,
) -> Answer:
    """Answer one KMS request as AWS would. Never raises: every failure is an AWS error."""
    try:
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
        rid = new_request_id()
        with backend.lock:
            ctx = Context(
                backend,
                backend.store(account or backend.default_account, region),
                clock.now() + backend.clock_offset,
                name,
                rid,
            )
            return _answer(200, dispatch(ctx, service_model, request), rid)
    except errors.KMSError as error:
        return error_answer(error)
    except Exception as exc:  # a kmsmock bug: say so in an AWS-shaped error, never a traceback
        log.exception("kmsmock failed to serve %s", target)
        return error_answer(errors.INTERNAL_ERROR(kind=type(exc).__name__, detail=str(exc)))
