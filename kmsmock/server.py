"""A local KMS endpoint: the same protocol and backend, served over HTTP on loopback.

For clients that cannot be intercepted in-process — the AWS CLI v2, other languages' SDKs,
subprocesses — point them at ``http://127.0.0.1:<port>`` (``--endpoint-url``). The Region is
read from the request's SigV4 credential scope; signatures are not checked.

A server has a backend of its own, or serves an in-process activation's
(``KmsServer(backend=mock.backend)``): then a subprocess and the test see the same keys, and
every request, from the server's threads or in-process, is serialised by ``Backend.lock``. Its
clock can be moved from outside through ``/_kmsmock/clock`` (``clock_control``), which is on by
default only when the server listens on a loopback address.
"""

from __future__ import annotations

import ipaddress
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import clock_control, protocol
from .backend.store import DEFAULT_ACCOUNT, Backend
from .lifecycle import StartStop


class _Handler(BaseHTTPRequestHandler):
    server: KmsHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self._for_clock_control():
            self._send(*self.server.clock(body))
            return
        region = protocol.signed_region(self.headers.get("Authorization", ""))
        self._send(
            *protocol.handle(
                self.server.backend,
                self.server.service_model,
                self.headers.get("X-Amz-Target", ""),
                body,
                region=region or protocol.DEFAULT_REGION,
                access_key=protocol.signed_access_key(self.headers.get("Authorization")),
            )
        )

    def do_GET(self) -> None:
        if self._for_clock_control():
            self._send(*self.server.clock(None))
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _for_clock_control(self) -> bool:
        return self.path.partition("?")[0] == clock_control.PATH

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet, like a test double
        pass


class KmsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], backend: Backend, clock_control: bool | None = None
    ) -> None:
        super().__init__(address, _Handler)
        self.backend = backend
        self.service_model = protocol.kms_service_model()
        self.clock_control = (
            is_loopback(self.server_address[0]) if clock_control is None else clock_control
        )

    def clock(self, body: bytes | None) -> protocol.Answer:
        """Answer a clock-control request: a GET (``body`` None) or a POST."""
        if not self.clock_control:
            return clock_control.refused(
                "clock control is off on this server (turn it on with --clock-control, "
                "or KmsServer(clock_control=True))"
            )
        if body is None:
            return clock_control.state(self.backend)
        return clock_control.move(self.backend, body)


def is_loopback(host: Any) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class KmsServer(StartStop):
    """A kmsmock endpoint on a background thread: ``with KmsServer() as server: server.url``.

    ``backend``: serve an existing backend (an activation's, ``mock.backend``) instead of a new
    one in ``account_id``. ``clock_control``: whether ``/_kmsmock/clock`` may move this
    backend's clock; by default on when the server listens on a loopback address, else off.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account_id: str | None = None,
        backend: Backend | None = None,
        clock_control: bool | None = None,
    ) -> None:
        if backend is None:
            backend = Backend(account_id or DEFAULT_ACCOUNT)
        elif account_id is not None and account_id != backend.default_account:
            raise ValueError(
                f"account_id {account_id!r} differs from the backend's account "
                f"{backend.default_account!r}: a shared backend keeps its own account"
            )
        self.backend = backend
        self._httpd = KmsHTTPServer((host, port), backend, clock_control)
        self._thread: threading.Thread | None = None

    @property
    def clock_control(self) -> bool:
        """Whether ``/_kmsmock/clock`` answers (see ``kmsmock.clock_control``)."""
        return self._httpd.clock_control

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> KmsServer:
        """Serve on a background thread (a no-op if already serving)."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a loop that must have started
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m kmsmock serve``)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()
