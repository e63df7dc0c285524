"""pytest fixtures and the ``kmsmock`` marker, registered through the ``pytest11`` entry point.

Importing this module does nothing but define fixtures and hooks: no mock starts, nothing is
patched and botocore is not imported until a test asks for a fixture. Disable it with
``-p no:kmsmock``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from .mock import KmsMock

if TYPE_CHECKING:
    from .backend.clone import Frozen
    from .calls import CallLog

CLIENT_REGION = "us-east-1"
MARKER = "kmsmock"
_MARKER_OPTIONS = ("region", "account_id")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(region=..., account_id=...): the Region of kms_client (and of "
        "kms_client_factory's clients) and the account kms_mock serves",
    )


def _marked(request: pytest.FixtureRequest) -> dict[str, str]:
    """The options of every ``kmsmock`` marker on the test, the closest one winning each."""
    options: dict[str, str] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):  # module, class, function
        unknown = [name for name in marker.kwargs if name not in _MARKER_OPTIONS]
        if marker.args or unknown:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes only keyword arguments region= and account_id=; "
                f"got {', '.join([*map(repr, marker.args), *(f'{n}=' for n in unknown)])}",
                pytrace=False,
            )
        options.update(marker.kwargs)
    return options


class KmsClientFactory(Protocol):
    """``kms_client_factory``'s type: ``(region=None, **client_kwargs) -> KMS client``."""

    def __call__(self, region: str | None = None, **client_kwargs: Any) -> Any: ...


def _new_client(region: str, **client_kwargs: Any) -> Any:
    """boto3's KMS client when boto3 is installed, otherwise botocore's (boto3 is not a
    dependency of kmsmock)."""
    try:
        import boto3
    except ImportError:
        from botocore.session import get_session

        return get_session().create_client("kms", region_name=region, **client_kwargs)
    return boto3.client("kms", region_name=region, **client_kwargs)


@pytest.fixture
def kms_mock(request: pytest.FixtureRequest, kms_mock_options: dict[str, Any]) -> Iterator[KmsMock]:
    """An active kmsmock for the duration of one test, starting from empty state, with an empty
    call log (``kms_mock.calls``) and no fault queued (``kms_mock.fail_next(...)``); its
    options are settable (``kms_mock.retry_sleep = False``, ``kms_mock.latency = 0.2``,
    ``kms_mock.calls.log_secrets = True``) or given by ``kms_mock_options``.

    In the account a ``@pytest.mark.kmsmock(account_id=...)`` marker names, if any."""
    options = dict(kms_mock_options)
    account_id = _marked(request).get("account_id", options.pop("account_id", None))
    with KmsMock(account_id=account_id, **options) as mock:
        yield mock


@pytest.fixture
def kms_client_factory(kms_mock: KmsMock, request: pytest.FixtureRequest) -> KmsClientFactory:
    """Makes KMS clients served by ``kms_mock``: ``kms_client_factory(region="eu-west-1")``.

    The Region defaults to the ``kmsmock`` marker's, else ``us-east-1``; other keyword arguments
    go to ``client()`` (``config=``, ``endpoint_url=``, ...)."""
    default_region = _marked(request).get("region", CLIENT_REGION)

    def make(region: str | None = None, **client_kwargs: Any) -> Any:
        return _new_client(region or default_region, **client_kwargs)

    return make


@pytest.fixture
def kms_client(kms_client_factory: KmsClientFactory) -> Any:
    """A KMS client in ``us-east-1`` served by ``kms_mock``: boto3's when boto3 is installed,
    otherwise botocore's. ``@pytest.mark.kmsmock(region=...)`` picks another Region."""
    return kms_client_factory()


def kms_snapshot_fixture(build: Callable[[KmsMock], object]) -> Any:
    """Decorator: a fixture, named after ``build``, giving each test a ``kms_mock`` that
    starts from the state ``build(kms_mock)`` made. ``build`` runs once per test process (the
    first test that asks); every later test restores a frozen copy of its result in
    microseconds, whatever the number of keys (see ``KmsMock.freeze``)::

        @kms_snapshot_fixture
        def kms_with_keys(kms_mock):
            kms = boto3.client("kms", region_name="us-east-1")
            for n in range(1000):
                kms.create_key(Description=f"key {n}")
    """
    built: list[Frozen] = []

    def fixture(kms_mock: KmsMock) -> KmsMock:
        if not built:
            build(kms_mock)
            built.append(kms_mock.freeze())
            # The test that happened to build starts as every other does: from a restored
            # copy, its call log and events empty (whichever test runs first)
            kms_mock.calls.reset()
            kms_mock.events.clear()
        kms_mock.restore(built[0])
        return kms_mock

    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=getattr(build, "__name__", "kms_snapshot"))(fixture)


@pytest.fixture
def kms_calls(kms_mock: KmsMock) -> CallLog:
    """``kms_mock``'s call log: ``len(kms_calls)``, ``kms_calls.of("Encrypt")``,
    ``kms_calls.assert_called("Encrypt", KeyId=...)``, ``kms_calls.reset()``."""
    return kms_mock.calls


@pytest.fixture
def kms_mock_options() -> dict[str, Any]:
    """The keyword arguments ``kms_mock`` starts kmsmock with (``mock_kms``'s: ``seed=``,
    ``seed_keys=``, ``log_secrets=``, ``max_calls=``, ``retry_sleep=``, ``latency=``): none.
    Override this fixture in a ``conftest.py`` to give every test of a directory other ones."""
    return {}
