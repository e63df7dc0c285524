"""Raw HTTP callers: code that posts to the KMS endpoint with ``requests`` (signed with
requests-aws4auth, or a hand-built AWS JSON 1.1 request), answered through ``responses``.

``register(rsps, backend)`` adds one callback to a ``responses.RequestsMock`` for POSTs to every
KMS endpoint (``kms.<region>.amazonaws.com``, ``kms-fips.``, the ``.amazonaws.com.cn`` ones)
and to a custom ``endpoint_url`` if given; every other URL stays with the mock's own
registrations and passthrough rules. The answer is ``protocol.handle``'s, from the same backend
the activation serves boto3 from. The Region is the one the request was signed for, else the
one in the host name, else us-east-1.

``own_requests_mock()`` is the RequestsMock kmsmock starts itself when the test has none
(``mock_kms(responses=True)``): it lets every other URL through. ``responses`` is imported
only here, only when used: it is not a dependency of kmsmock.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import protocol
from .backend.store import Backend

if TYPE_CHECKING:
    import responses

KMS_ENDPOINT = re.compile(r"https://kms(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/?")


def _responses() -> Any:
    try:
        import responses
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "kmsmock's raw HTTP front door needs the 'responses' package: pip install responses"
        ) from None
    return responses


def own_requests_mock() -> responses.RequestsMock:
    """A ``responses.RequestsMock`` for kmsmock alone: every URL kmsmock does not answer goes
    on to whatever would have sent it (the network, or a RequestsMock started earlier), so
    only KMS URLs change."""
    module = _responses()
    from requests.adapters import HTTPAdapter

    # What sends a request now: the real adapter, or a RequestsMock the test started earlier.
    before = HTTPAdapter.send
    rsps: responses.RequestsMock = module.RequestsMock(
        assert_all_requests_are_fired=False, real_adapter_send=before
    )
    rsps.add_passthru(re.compile(r".*"))
    return rsps


def register(
    rsps: responses.RequestsMock, backend: Backend, *, endpoint_url: str | None = None
) -> None:
    """Answer KMS requests made with ``requests`` while ``rsps`` is active, from ``backend``."""
    post = _responses().POST

    def answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        host = KMS_ENDPOINT.match(request.url or "")
        region = (
            protocol.signed_region(request.headers.get("Authorization", ""))
            or (host.group(1) if host else None)
            or protocol.DEFAULT_REGION
        )
        body = request.body or b""
        return protocol.handle(
            backend,
            protocol.kms_service_model(),
            request.headers.get("X-Amz-Target", ""),
            body.encode() if isinstance(body, str) else body,
            region=region,
            access_key=protocol.signed_access_key(request.headers.get("Authorization")),
        )

    rsps.add_callback(post, KMS_ENDPOINT, callback=answer)
    if endpoint_url is not None:
        custom = re.compile(re.escape(endpoint_url.rstrip("/")) + "/?$")
        rsps.add_callback(post, custom, callback=answer)
