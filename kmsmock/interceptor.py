"""Where kmsmock meets botocore: every KMS client's request, answered in-process.

Interception point: ``BaseClient._make_request``, replaced on the first activation and restored
on the last. Every client passes through it, whenever and however it was created (before
activation, any Region, any ``endpoint_url``), and it is reached after botocore has run its own
parameter validation, serialisation and ``before-call`` handlers (a ``Stubber`` still wins).
Routing is by the client's service, never by URL. The answer is real JSON 1.1 bytes, parsed by
botocore's own JSON parser, so applications receive exactly what they would from AWS, and
``ClientError`` subclasses are built by botocore from the error code.

Why here and not at ``before-send``: it is ~3x cheaper per call (no signing, no HTTP request
object) and needs no per-client handler registration. What is skipped: signing and the
HTTP-level events, which carry no KMS behaviour, and botocore's retry loop, which lives in the
endpoint. kmsmock answers no retryable error today; injecting one (a planned capability) must
hand that request to the original ``_make_request`` with a ``before-send`` answer, so that
botocore's own retry logic sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.parsers import create_parser

from . import protocol
from .backend.store import Backend

_ATTR = "_make_request"


class _Body:
    """The minimal raw stream AWSResponse reads its content from."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class Interceptor:
    """Owns the patch on ``BaseClient`` while installed; serves one backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._parser = create_parser("json")
        self._original: Callable[..., Any] | None = None

    @property
    def installed(self) -> bool:
        return self._original is not None

    def install(self) -> None:
        if self._original is not None:
            raise RuntimeError("kmsmock interception is already installed")
        original = BaseClient.__dict__[_ATTR]
        serve = self.serve

        def _make_request(
            client: Any, operation_model: Any, request_dict: Any, request_context: Any
        ) -> Any:
            if client.meta.service_model.service_name == "kms":
                return serve(client, operation_model, request_dict, request_context)
            return original(client, operation_model, request_dict, request_context)

        _make_request.__kmsmock__ = True  # type: ignore[attr-defined]
        self._original = original
        setattr(BaseClient, _ATTR, _make_request)

    def uninstall(self) -> None:
        if self._original is None:
            return
        setattr(BaseClient, _ATTR, self._original)
        self._original = None

    def serve(
        self,
        client: Any,
        operation_model: Any,
        request_dict: dict[str, Any],
        request_context: dict[str, Any],
    ) -> tuple[AWSResponse, dict[str, Any]]:
        status, headers, body = protocol.handle(
            self.backend,
            operation_model.service_model,
            request_dict["headers"].get("X-Amz-Target", ""),
            request_dict["body"],
            region=client.meta.region_name,
        )
        # AWSResponse keeps the headers as sent (case-insensitive HeadersDict); the parser gets
        # the lower-cased plain dict it would have made of them anyway (HTTPHeaders).
        http = AWSResponse(request_dict["url"], status, headers, _Body(body))  # type: ignore[arg-type]
        response = {
            "headers": {name.lower(): value for name, value in headers.items()},
            "status_code": status,
            "body": body,
            "context": {"operation_name": operation_model.name},
        }
        parsed: dict[str, Any] = self._parser.parse(response, operation_model.output_shape)
        if status >= 300:
            # What botocore's endpoint does for modeled errors: their members (such as
            # ``message``) join the parsed response at the top level.
            code = parsed.get("Error", {}).get("Code")
            shape = operation_model.service_model.shape_for_error_code(code) if code else None
            if shape is not None:
                parsed.update(self._parser.parse(response, shape))
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
        return http, parsed
