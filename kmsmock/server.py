"""A local KMS endpoint: the same protocol and backend, served over HTTP on loopback.

For clients that cannot be intercepted in-process — the AWS CLI v2, other languages' SDKs,
subprocesses — point them at ``http://127.0.0.1:<port>`` (``--endpoint-url``). The Region is
read from the request's SigV4 credential scope; signatures are not checked.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from . import protocol
from .backend.store import DEFAULT_ACCOUNT, Backend

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/kms/aws4_request")
DEFAULT_REGION = "us-east-1"


def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("kms")


class _Handler(BaseHTTPRequestHandler):
    server: KmsHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        status, headers, payload = protocol.handle(
            self.server.backend,
            self.server.service_model,
            self.headers.get("X-Amz-Target", ""),
            body,
            region=scope.group(1) if scope else DEFAULT_REGION,
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet, like a test double
        pass


class KmsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], backend: Backend) -> None:
        super().__init__(address, _Handler)
        self.backend = backend
        self.service_model = _service_model()


class KmsServer:
    """A kmsmock endpoint on a background thread: ``with KmsServer() as server: server.url``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, account_id: str = DEFAULT_ACCOUNT
    ) -> None:
        self.backend = Backend(account_id)
        self._httpd = KmsHTTPServer((host, port), self.backend)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> KmsServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> KmsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m kmsmock serve``)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()
