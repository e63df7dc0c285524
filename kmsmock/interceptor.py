"""Where kmsmock meets botocore: every KMS client's request, answered in-process.

Two paths, one answer (``protocol.handle``), both reaching every client whenever and however it
was created (before activation, any Region, any ``endpoint_url``), routed by the client's service
and never by URL, and both after botocore's parameter validation, serialisation and
``before-call`` handlers (a ``Stubber`` still wins):

- **The request loop** (botocore's own): kmsmock answers at ``before-send``, with a handler it
  registers first on the client's event emitter, returning an ``AWSResponse``. Signing, the
  retry handler (legacy, standard or adaptive, as the client is configured), ``before-send``,
  ``response-received``, ``needs-retry``, ``before-parse`` and ``after-call`` handlers and the
  client's own parser treat the answer exactly as AWS's. aiobotocore's clients are always served
  this way (their loop is ``AioEndpoint``'s).
- **The fast path**: kmsmock answers directly, parsing the answer with the client's own parser,
  when the outcome is provably the same as the loop's: no handler that is not botocore's (or
  kmsmock's) is registered on an event of the loop for that operation, no fault is queued, and
  the answer is a success. It answers at ``before-call``, as a ``before-call`` stub would, from
  a handler registered last on ``before-call.kms`` at the client's first fast answer: every other
  ``before-call`` handler runs first and may answer instead (a ``Stubber``'s included), except
  botocore's own header-adding ones, which would only change a request that is never sent.
  When any other handler would come after kmsmock's, it steps aside and answers from
  ``BaseClient._make_request`` instead. Either way botocore emits ``after-call`` as for AWS's
  answer. An error answer is handed to the loop as the first attempt's response, so botocore's
  retry handler decides about it as it would about AWS's (``LimitExceededException`` is a
  throttling error to the standard retry mode, a 500 to every mode); the operation is not run
  twice. aiobotocore's clients never get the ``before-call`` handler.

Under an activation no KMS request may reach the network: ``Endpoint._send`` (and
``AioEndpoint._send``) refuse a KMS request with a clear error should one ever get that far.
"""

from __future__ import annotations

import string
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.endpoint import Endpoint

from . import backoff, protocol
from .backend.store import Backend
from .faults import Disconnect, Fault

# Events botocore emits inside the request loop (``Endpoint``): a handler of the user's on any
# of them for an operation sends that operation's calls through the loop.
LOOP_EVENTS = (
    "request-created",
    "choose-signer",
    "before-sign",
    "before-send",
    "response-received",
    "needs-retry",
    "before-parse",
)
# Handlers from these packages do not change what a KMS answer becomes: botocore's and boto3's
# own, and moto's ``before-send`` stub, which kmsmock precedes for KMS on either path.
_NEUTRAL_MODULES = ("botocore.", "boto3.", "moto.", "kmsmock.")
_HANDLER_ID = "kmsmock-before-send"
_CALL_HANDLER_ID = "kmsmock-before-call"
# botocore's ``before-call`` handlers that only add a header to the request (registered on
# every service's ``before-call``, so they run after kmsmock's ``before-call.kms`` handler)
_HEADER_HANDLERS = frozenset(
    {"add_recursion_detection_header", "inject_api_version_header_if_needed"}
)
_FAST_DECISIONS = 1024  # emitter states remembered; a test suite rarely has more clients


class UnservedKmsRequest(RuntimeError):
    """A KMS request got past kmsmock towards the network while it was active."""


class _Body:
    """The raw stream an ``AWSResponse`` reads its content from (sync and async)."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    async def read(self) -> bytes:  # aiobotocore's AioAWSResponse awaits this
        return self._data


def _neutral(handler: Any) -> bool:
    target = getattr(handler, "func", handler)  # functools.partial
    module = getattr(target, "__module__", None) or type(target).__module__
    return bool(module) and module.startswith(_NEUTRAL_MODULES)


class Interceptor:
    """Owns every patch on botocore (and aiobotocore) while installed; serves one backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._originals: list[tuple[type, str, Any]] = []
        # id(emitter's lookup cache) -> (that cache, {operation: fast path allowed}). botocore
        # replaces an emitter's cache on every (un)registration, so a cache names one state of
        # one emitter's handlers; holding it keeps its id from being reused. Bounded.
        self._fast: dict[int, tuple[dict[str, Any], dict[tuple[str, bool], bool]]] = {}
        # response parser factory -> its JSON parser
        self._parsers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        # emitters kmsmock registered its before-send handler on (unregistered at uninstall)
        self._hooked: weakref.WeakSet[Any] = weakref.WeakSet()
        # emitters kmsmock registered its before-call handler on (likewise)
        self._called: weakref.WeakSet[Any] = weakref.WeakSet()
        self._import_hook: _AioImportHook | None = None
        # An answer the fast path made but the loop must deliver (per thread, used once)
        self._handover = threading.local()
        # The request context of the call this thread is running through the loop
        self._calling = threading.local()
        # Whether this thread is inside a KMS client's request loop (see ``backoff``)
        self._in_loop = backoff.KmsLoop()

    @property
    def installed(self) -> bool:
        return bool(self._originals)

    # -- install / uninstall ------------------------------------------------------------------

    def _patch(self, cls: Any, name: str, replacement: Any) -> None:
        replacement.__kmsmock__ = True
        self._originals.append((cls, name, cls.__dict__[name]))
        setattr(cls, name, replacement)

    def install(self) -> None:
        if self._originals:
            raise RuntimeError("kmsmock interception is already installed")
        original = BaseClient.__dict__["_make_request"]
        fast, loop, in_loop = self._serve_fast, self._through_loop, self._in_loop
        at_call, called, handover = self._at_call, self._called, self._handover
        calling = self._calling

        def _make_request(
            client: Any, operation_model: Any, request_dict: Any, request_context: Any
        ) -> Any:
            if client.meta.service_model.service_name != "kms":
                return original(client, operation_model, request_dict, request_context)
            # Unless before-call made an error answer the loop is now to deliver (for this
            # call: one another call left behind, having failed before it was sent, is void)
            made = getattr(handover, "answer", None)
            if made is None or made[0] is not request_context:
                handover.answer = None
                answer = fast(client, operation_model, request_dict, request_context)
                if answer is not None:
                    if client.meta.events._emitter not in called:
                        at_call(client)  # a client on the fast path: answered there from now
                    return answer
            loop(client)
            outer, in_loop.active = in_loop.active, True  # botocore's waits are KMS's now
            # The call's context, where botocore counts its attempts: older releases do not
            # hand it to before-send on the request
            outer_call, calling.context = getattr(calling, "context", None), request_context
            try:
                return original(client, operation_model, request_dict, request_context)
            finally:
                in_loop.active, calling.context = outer, outer_call
                handover.answer = None  # delivered, or its call failed before sending

        self._patch(BaseClient, "_make_request", _make_request)
        self._patch(Endpoint, "_send", _refusing(Endpoint.__dict__["_send"]))
        for owner, name, replacement in backoff.sync_patches(self.backend, self._in_loop):
            self._patch(owner, name, replacement)
        if "aiobotocore.client" in sys.modules:
            self._install_aio()
        else:  # patched the moment aiobotocore is imported, if it ever is while active
            self._import_hook = _AioImportHook(self._install_aio)
            sys.meta_path.insert(0, self._import_hook)

    def _install_aio(self) -> None:
        from aiobotocore.client import AioBaseClient
        from aiobotocore.endpoint import AioEndpoint

        original = AioBaseClient.__dict__["_make_request"]
        loop = self._through_loop

        async def _make_request(
            client: Any, operation_model: Any, request_dict: Any, request_context: Any
        ) -> Any:
            if client.meta.service_model.service_name == "kms":
                loop(client, aio=True)
            return await original(client, operation_model, request_dict, request_context)

        self._patch(AioBaseClient, "_make_request", _make_request)
        self._patch(AioEndpoint, "_send", _refusing(AioEndpoint.__dict__["_send"], aio=True))
        for owner, name, replacement in backoff.aio_patches(self.backend, AioEndpoint):
            self._patch(owner, name, replacement)

    def uninstall(self) -> None:
        if self._import_hook is not None:
            sys.meta_path.remove(self._import_hook)
            self._import_hook = None
        for emitter in list(self._hooked):
            emitter.unregister("before-send.kms", unique_id=_HANDLER_ID)
        self._hooked = weakref.WeakSet()
        for emitter in list(self._called):
            emitter.unregister("before-call.kms", unique_id=_CALL_HANDLER_ID)
        self._called = weakref.WeakSet()
        while self._originals:
            cls, name, original = self._originals.pop()
            setattr(cls, name, original)
        self._fast = {}

    # -- the fast path ------------------------------------------------------------------------

    def _fast_allowed(self, client: Any, operation: str, *, at_call: bool = False) -> bool:
        """Whether no handler outside botocore listens to the loop's events for ``operation``
        (and no fault is queued); ``at_call``: and no ``before-call`` handler but botocore's
        header-adding ones comes after kmsmock's, so answering there skips nothing else.

        Decided once per emitter and operation; botocore replaces an emitter's lookup cache on
        every (un)registration, which is what invalidates the decision.
        """
        if self.backend.faults:  # faults are taken in the loop, where retries are botocore's
            return False
        emitter = client.meta.events._emitter
        cache = emitter._lookup_cache
        entry = self._fast.get(id(cache))
        if entry is None:
            if len(self._fast) >= _FAST_DECISIONS:
                self._fast.clear()
            entry = self._fast[id(cache)] = (cache, {})
        decision = (operation, at_call)
        allowed = entry[1].get(decision)
        if allowed is None:
            handlers = emitter._handlers
            allowed = all(
                _neutral(handler)
                for event in LOOP_EVENTS
                for handler in handlers.prefix_search(f"{event}.kms.{operation}")
            )
            if at_call:
                allowed = allowed and _answers_last(
                    list(handlers.prefix_search(f"before-call.kms.{operation}"))
                )
            entry[1][decision] = allowed
        return allowed

    def _parser(self, client: Any) -> Any:
        factory = client._endpoint._response_parser_factory
        parser = self._parsers.get(factory)
        if parser is None:
            parser = self._parsers[factory] = factory.create_parser("json")
        return parser

    def _serve_fast(
        self,
        client: Any,
        operation_model: Any,
        request_dict: dict[str, Any],
        request_context: Any,
        *,
        checked: bool = False,
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not checked and not self._fast_allowed(client, operation_model.name):
            return None
        headers = request_dict["headers"]
        backend = self.backend
        status, answer_headers, body = protocol.handle(
            backend,
            operation_model.service_model,
            headers.get("X-Amz-Target", ""),
            request_dict["body"],
            region=client.meta.region_name,
            access_key=_signing_key(client) if backend.identities else None,
        )
        if status >= 300:  # botocore's retry handler must see it: the loop delivers it
            # for this call's first attempt (its request context tells it from another call's)
            self._handover.answer = (request_context, status, answer_headers, body)
            return None
        http = AWSResponse(request_dict["url"], status, answer_headers, _Body(body))  # type: ignore[arg-type]
        response = {
            "headers": protocol.lower_headers(answer_headers),
            "status_code": status,
            "body": body,
            "context": {"operation_name": operation_model.name},
        }
        parsed: dict[str, Any] = self._parser(client).parse(response, operation_model.output_shape)
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
        return http, parsed

    def _at_call(self, client: Any) -> None:
        """Register kmsmock's ``before-call`` handler last on this (sync) client's
        ``before-call.kms``: from then on its fast path answers there (see the module
        docstring), as a ``before-call`` stub would; botocore's request compression and
        checksum steps, which change nothing of a KMS request, are not run."""
        events = client.meta.events
        events.register_last(
            "before-call.kms", self._call_handler(client), unique_id=_CALL_HANDLER_ID
        )
        self._called.add(events._emitter)

    def _call_handler(self, client: Any) -> Callable[..., Any]:
        serving, allowed, fast = weakref.ref(client), self._fast_allowed, self._serve_fast

        def answer_call(
            model: Any, params: Any, request_signer: Any = None, context: Any = None, **_: Any
        ) -> Any:
            served = serving()
            # Only for the client it was registered for (botocore gives each client its own
            # emitter; a shared one is left to _make_request, which knows the client)
            if served is None or request_signer is not served._request_signer:
                return None
            if not allowed(served, model.name, at_call=True):
                return None
            return fast(served, model, params, context, checked=True)

        answer_call.__kmsmock_call__ = True  # type: ignore[attr-defined]
        return answer_call

    # -- the request loop ---------------------------------------------------------------------

    def _through_loop(self, client: Any, *, aio: bool = False) -> None:
        """Make sure kmsmock's ``before-send`` handler answers first on this client."""
        events = client.meta.events
        emitter = events._emitter
        if emitter in self._hooked:
            return
        handler = self._answer_handler(client.meta.service_model, client.meta.region_name, aio)
        events.register_first("before-send.kms", handler, unique_id=_HANDLER_ID)
        self._hooked.add(emitter)

    def _answer_handler(self, service_model: Any, region: str, aio: bool) -> Callable[..., Any]:
        backend, handover, calling = self.backend, self._handover, self._calling
        if aio:
            from aiobotocore.awsrequest import AioAWSResponse

            response_class: type[AWSResponse] = AioAWSResponse
        else:
            response_class = AWSResponse

        def answer(request: Any, **_: Any) -> AWSResponse:
            # made for this call (``_make_request`` voids one left by another), used once
            made = getattr(handover, "answer", None)
            handover.answer = None
            if made is not None:
                _, status, headers, body = made
            else:
                target = request.headers.get("X-Amz-Target", b"")  # bytes once prepared
                context = getattr(request, "context", None) or getattr(calling, "context", None)
                retries = (context or {}).get("retries") or {}
                signed = request.headers.get("Authorization") if backend.identities else None
                try:
                    status, headers, body = protocol.handle(
                        backend,
                        service_model,
                        target.decode() if isinstance(target, bytes) else target,
                        request.body,
                        region=region,
                        access_key=protocol.signed_access_key(signed),
                        attempt=retries.get("attempt", 1),
                        disconnects=True,
                    )
                except Disconnect as failed:  # raised here, botocore's loop treats it as real
                    raise _connection_error(failed.fault, request.url) from None
            return response_class(request.url, status, headers, _Body(body))

        answer.__kmsmock__ = True  # type: ignore[attr-defined]
        return answer


def _answers_last(handlers: list[Any]) -> bool:
    """Whether kmsmock's ``before-call`` handler is in ``handlers`` and only botocore's own
    header-adding handlers (the recursion-detection and API version headers, for a request that
    is then never sent) come after it: answering there skips nothing else."""
    mine = [i for i, handler in enumerate(handlers) if hasattr(handler, "__kmsmock_call__")]
    if not mine:
        return False
    return all(
        getattr(handler, "__module__", None) == "botocore.handlers"
        and getattr(handler, "__name__", None) in _HEADER_HANDLERS
        for handler in handlers[mine[-1] + 1 :]
    )


def _signing_key(client: Any) -> str | None:
    """The access key ``client`` signs with (the fast path signs nothing: it asks the signer)."""
    credentials = getattr(client._request_signer, "_credentials", None)
    return None if credentials is None else credentials.access_key


def _refusing(send: Callable[..., Any], *, aio: bool = False) -> Callable[..., Any]:
    """``Endpoint._send`` that never lets a KMS request reach the network while active."""

    def refuse(endpoint: Any) -> None:
        if endpoint._endpoint_prefix == "kms":
            raise UnservedKmsRequest(
                "kmsmock is active but a KMS request reached the HTTP layer of "
                f"{endpoint.host}: kmsmock does not serve this client, and refused to send it."
            )

    if aio:

        async def _send_async(endpoint: Any, request: Any) -> Any:
            refuse(endpoint)
            return await send(endpoint, request)

        return _send_async

    def _send(endpoint: Any, request: Any) -> Any:
        refuse(endpoint)
        return send(endpoint, request)

    return _send


def _connection_error(fault: Fault, url: str) -> Exception:
    """The botocore exception a fault names, built as botocore builds it (``fmt`` fields)."""
    cls = fault.connection
    assert cls is not None
    fmt = getattr(cls, "fmt", None)
    if not isinstance(fmt, str):
        return cls(fault.message)
    fields = {name for _, name, _, _ in string.Formatter().parse(fmt) if name}
    return cls(**{name: url if name == "endpoint_url" else fault.message for name in fields})


class _AioImportHook:
    """A ``sys.meta_path`` finder that patches aiobotocore as soon as it is imported."""

    def __init__(self, patch: Callable[[], None]) -> None:
        self._patch = patch
        self._busy = False

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        # The client module imports the endpoint's: once it has run, both can be patched.
        if name != "aiobotocore.client" or self._busy:
            return None
        import importlib.util

        self._busy = True
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._busy = False
        if spec is None or spec.loader is None:
            return None
        loader, patch = spec.loader, self._patch

        class _Loader:
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                loader.exec_module(module)
                patch()

        spec.loader = _Loader()  # type: ignore[assignment]
        return spec
