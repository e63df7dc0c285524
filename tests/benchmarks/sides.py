"""The contenders' clients: kmsmock on both its paths, moto, and botocore's floors.

kmsmock intercepts every KMS client in the process while active, so within a workload its
interception is switched on only around kmsmock's own batches (``KmsmockSide.serving``); the
rest of the time moto and the floors see botocore exactly as without kmsmock. The Stubber and
the parse floor answer at ``before-call``, before kmsmock or moto could; moto's hook sits at
``before-send``, which kmsmock's fast path never reaches and which is taken off the clients
that do reach it (kmsmock's loop client, the before-send floor), so moto may stay active for
the whole workload without answering anyone else's request.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

# The floors answer with the same minimal raw stream kmsmock's interceptor hands botocore.
from kmsmock.interceptor import _Body as RawBody

REGION = "us-east-1"
Op = Callable[[Any], Any]  # an operation, given the client to run it on


def ensure_credentials() -> None:
    """The floors sign requests outside any mock: give this process fake credentials."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIABENCHMARK0000000")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark-fake-secret")
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)


def new_session() -> Any:
    import boto3

    return boto3.session.Session(region_name=REGION)


_heard = [0]  # calls loop_listener heard: proof that a client's calls went through the loop


def loop_listener(**_: Any) -> None:
    """A user's handler that changes nothing: registered on ``needs-retry.kms``, it sends every
    call of its client through botocore's request loop (kmsmock's fast path steps aside for any
    user handler on a loop event). ``needs-retry`` rather than ``before-send``: it is not the
    event kmsmock answers at, so it cannot take part in who answers, and it is the hook a test
    watching retries would really register."""
    _heard[0] += 1


def through_loop(client: Any) -> Any:
    """``client``, listened to on the request loop so that kmsmock answers it at before-send."""
    client.meta.events.register("needs-retry.kms", loop_listener)
    _without_moto(client)
    return client


class KmsmockSide:
    """An active kmsmock whose interception is off except inside ``serving()``.

    ``client`` takes kmsmock's fast path; ``loop_client`` (same backend, so the same keys) has
    a user handler on the request loop and is answered at ``before-send`` inside it.
    """

    def __init__(self, session: Any) -> None:
        from kmsmock import mock_kms
        from kmsmock.mock import _activations

        self.mock = mock_kms().start()
        # The benchmark's one reach into kmsmock's internals: pausing interception without
        # ending the activation, so the state built in setup survives between batches.
        self._interceptor = _activations.interceptor
        assert self._interceptor is not None
        self.client = session.client("kms", region_name=REGION)
        self.loop_client = through_loop(session.client("kms", region_name=REGION))
        heard = _heard[0]
        self.loop_client.list_keys(Limit=1)
        if _heard[0] == heard:  # the loop column would silently measure the fast path
            raise RuntimeError("kmsmock's loop client was not answered through the request loop")
        self.pause()

    def pause(self) -> None:
        assert self._interceptor is not None
        self._interceptor.uninstall()

    def resume(self, _batch: int = 0) -> None:
        """Interception back on, with kmsmock's before-call handler put back on the fast-path
        client untimed (``pause`` takes it off; a real test registers it once, on its first
        call)."""
        assert self._interceptor is not None
        self._interceptor.install()
        hook = getattr(self._interceptor, "_at_call", None)  # private, hence looked up softly
        if hook is not None:
            hook(self.client)

    def resume_loop(self, _batch: int = 0) -> None:
        """``resume``, with kmsmock's before-send handler put back on the loop client untimed
        (``pause`` takes it off; a real test registers it once, on its first call)."""
        self.resume()
        # Private, hence looked up softly: without it the first timed call of the batch
        # registers the handler, a cost spread over the batch.
        hook = getattr(self._interceptor, "_through_loop", None)
        if hook is not None:
            hook(self.loop_client)

    @contextlib.contextmanager
    def serving(self) -> Iterator[Any]:
        self.resume()
        try:
            yield self.client
        finally:
            self.pause()

    def close(self) -> None:
        self.pause()
        self.mock.stop()


class MotoSide:
    def __init__(self, session: Any) -> None:
        from moto import mock_aws

        self.mock = mock_aws()
        self.mock.start()
        self.client = session.client("kms", region_name=REGION)

    def close(self) -> None:
        self.mock.stop()


class Capture:
    """What kmsmock answered to each operation of one run of ``op``: the canned answers."""

    def __init__(self) -> None:
        self.answers: dict[str, list[tuple[int, dict[str, str], bytes, dict[str, Any]]]] = {}
        self.order: list[str] = []

    def __call__(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        body = http_response.content
        parsed = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        headers = dict(http_response.headers.items())
        self.answers.setdefault(model.name, []).append(
            (http_response.status_code, headers, body, parsed)
        )
        self.order.append(model.name)


def capture(side: KmsmockSide, op: Op) -> Capture:
    cap = Capture()
    with side.serving() as client:
        client.meta.events.register("after-call.kms", cap, unique_id="kmsmock-bench-capture")
        try:
            op(client)
        finally:
            client.meta.events.unregister("after-call.kms", unique_id="kmsmock-bench-capture")
    return cap


class Seam:
    """kmsmock's interception answering the captured bytes instead of running the request.

    Installed around a kmsmock batch (``on``/``off``, untimed), it replaces ``protocol.handle``
    with a replay: every call still takes kmsmock's path (botocore up to ``_make_request`` or
    ``before-send``, the interceptor, the client's parser), but no KMS work is done. What the
    seam alone costs beyond a floor is the least kmsmock could be at that seam; the rest of its
    time is the request's own work (protocol, validation, operation, state, cryptography).
    """

    def __init__(self, cap: Capture) -> None:
        self._answers = {name: [a[:3] for a in answers] for name, answers in cap.answers.items()}
        self._count = [0]
        self._real: Any = None

    def _replay(self, _backend: Any, _model: Any, target: str, _body: Any, **_: Any) -> Any:
        answers = self._answers[target.rpartition(".")[2]]
        status, headers, body = answers[self._count[0] % len(answers)]
        self._count[0] += 1
        return status, dict(headers), body

    def on(self, resume: Callable[[int], None]) -> Callable[[int], None]:
        from kmsmock import protocol

        def before(batch: int) -> None:
            resume(batch)
            self._real, protocol.handle = protocol.handle, self._replay  # type: ignore[assignment]

        return before

    def off(self, pause: Callable[[], None]) -> Callable[[], None]:
        from kmsmock import protocol

        def after() -> None:
            protocol.handle = self._real
            pause()

        return after


def _snake(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name))


class StubberFloor:
    """A client whose calls a ``Stubber`` answers with the captured responses, queued untimed."""

    def __init__(self, session: Any, cap: Capture) -> None:
        from botocore.stub import Stubber

        self.client = session.client("kms", region_name=REGION)
        self.stubber = Stubber(self.client)
        self.stubber.activate()
        self._cap = cap

    def queue(self, batch: int) -> None:
        seen: dict[str, int] = {}
        for _ in range(batch):
            for name in self._cap.order:
                i = seen.get(name, 0)
                answers = self._cap.answers[name]
                self.stubber.add_response(_snake(name), answers[i % len(answers)][3])
                seen[name] = i + 1

    def close(self) -> None:
        self.stubber.deactivate()


class ParseFloor:
    """A ``before-call`` handler answering the captured bytes, parsed by botocore's JSON parser.

    What every mock that lets botocore build the application's result must pay at least: the
    Stubber's path plus the parsing of a real answer (kmsmock's own work is what exceeds it).
    """

    def __init__(self, session: Any, cap: Capture) -> None:
        from botocore.parsers import create_parser

        self.client = session.client("kms", region_name=REGION)
        self._cap = cap
        self._parser = create_parser("json")
        for name in cap.answers:
            self.client.meta.events.register_first(f"before-call.kms.{name}", self._answer(name))

    def _answer(self, name: str) -> Callable[..., Any]:
        from botocore.awsrequest import AWSResponse

        answers = self._cap.answers[name]
        count = [0]
        parse = self._parser.parse

        def answer(model: Any, params: Any, **_: Any) -> Any:
            status, headers, body, _parsed = answers[count[0] % len(answers)]
            count[0] += 1
            http = AWSResponse(params["url"], status, headers, RawBody(body))  # type: ignore[arg-type]
            response = {
                "headers": {k.lower(): v for k, v in headers.items()},
                "status_code": status,
                "body": body,
                "context": {"operation_name": model.name},
            }
            return http, parse(response, model.output_shape)

        return answer


def _without_moto(client: Any) -> None:
    """moto hooks ``before-send`` in every session made after its import and, while active,
    answers there too (botocore calls every handler, then takes the first answer): take it
    off the floor's client so the floor is botocore alone."""
    try:
        from moto.core.models import botocore_stubber
    except ImportError:  # pragma: no cover - moto is a bench requirement
        return
    client.meta.events.unregister("before-send", botocore_stubber)


class BeforeSendFloor:
    """A client whose requests a ``before-send`` handler answers with the captured bytes.

    botocore still resolves the endpoint, signs, builds the HTTP request and parses the
    answer: the cheapest complete round trip through its HTTP layer, and the floor of
    kmsmock's request loop path. Its client carries the same idle ``needs-retry`` handler as
    kmsmock's loop client, so the two differ by kmsmock's own work alone.
    """

    def __init__(self, session: Any, cap: Capture) -> None:
        self.client = through_loop(session.client("kms", region_name=REGION))
        self._cap = cap
        for name in cap.answers:
            self.client.meta.events.register_first(f"before-send.kms.{name}", self._answer(name))

    def _answer(self, name: str) -> Callable[..., Any]:
        from botocore.awsrequest import AWSResponse

        answers = self._cap.answers[name]
        count = [0]

        def answer(request: Any, **_: Any) -> Any:
            status, headers, body, _parsed = answers[count[0] % len(answers)]
            count[0] += 1
            return AWSResponse(request.url, status, headers, RawBody(body))  # type: ignore[arg-type]

        return answer


Work = Callable[[dict[str, Any]], Any]  # an operation's cryptography, given its decoded request


class WorkFloor(ParseFloor):
    """The parse floor also doing, on every call, the work no mock that really speaks AWS's JSON
    and really encrypts can skip (``Primitives``), then answering the captured bytes as the
    parse floor does.

    The least a mock can be with nothing of its own (no validation, no state, no key lookup,
    no log): how far above the parse floor that is shows which of issue 12's targets any such
    mock could meet, and kmsmock against it is what kmsmock's own logic adds.
    """

    def __init__(self, session: Any, cap: Capture, work: dict[str, Work]) -> None:
        self._work = work
        super().__init__(session, cap)

    def _answer(self, name: str) -> Callable[..., Any]:
        parse_floor_answer = super()._answer(name)
        primitives = Primitives(self.client, self._cap, name, self._work.get(name))

        def answer(model: Any, params: Any, **kwargs: Any) -> Any:
            primitives(params["body"])
            return parse_floor_answer(model, params, **kwargs)

        return answer


class WorkLoopFloor(BeforeSendFloor):
    """The before-send floor doing the same work (``Primitives``) before it answers: the work
    floor of the request loop path."""

    def __init__(self, session: Any, cap: Capture, work: dict[str, Work]) -> None:
        self._work = work
        super().__init__(session, cap)

    def _answer(self, name: str) -> Callable[..., Any]:
        send_floor_answer = super()._answer(name)
        primitives = Primitives(self.client, self._cap, name, self._work.get(name))

        def answer(request: Any, **kwargs: Any) -> Any:
            primitives(request.body)
            return send_floor_answer(request, **kwargs)

        return answer


class Primitives:
    """What no mock that really speaks AWS's JSON and really encrypts can skip on a call of
    ``name``: the request's JSON parsed and its blobs base64-decoded, a request id drawn, the
    operation's cryptography (``work``: a cipher or signature with a key made in advance), the
    answer's blobs base64-encoded and its JSON written (the answer is the captured one)."""

    def __init__(self, client: Any, cap: Capture, name: str, work: Work | None) -> None:
        import binascii
        import json

        op_model = client.meta.service_model.operation_model(name)
        self._sent_blobs = _blob_members(op_model.input_shape)
        answered_blobs = _blob_members(op_model.output_shape)
        # The answers as data with their blobs as bytes, made untimed: what a mock holds before
        # writing its answer
        self._answers = []
        for _status, _headers, body, _parsed in cap.answers[name]:
            wire = json.loads(body)
            blobs = {m: binascii.a2b_base64(wire[m]) for m in answered_blobs if m in wire}
            self._answers.append((wire, blobs))
        self._work = work
        self._count = 0

    def __call__(self, body: bytes) -> None:
        import binascii
        import json

        from kmsmock.backend.source import uuid_from

        request = json.loads(body)
        for member in self._sent_blobs:
            if member in request:
                request[member] = binascii.a2b_base64(request[member])
        if self._work is not None:
            self._work(request)
        uuid_from(os.urandom(16))  # the request id
        wire, blobs = self._answers[self._count % len(self._answers)]
        self._count += 1
        out = dict(wire)
        for member, raw in blobs.items():
            out[member] = binascii.b2a_base64(raw, newline=False).decode("ascii")
        json.dumps(out, separators=(",", ":")).encode()


def _blob_members(shape: Any) -> list[str]:
    if shape is None:
        return []
    return [name for name, member in shape.members.items() if member.type_name == "blob"]
