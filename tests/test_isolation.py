"""Isolation: every activation starts clean and leaves nothing behind — no patch, no handler,
no environment change, no state, no thread — whatever the form, whatever the body did; and the
suite is order- and process-independent (pytest-randomly, pytest-xdist)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient

# Imported before pytester's in-process runs, which drop the modules they import first (a
# second copy of cryptography's Python classes would not match its compiled core).
import kmsmock.protocol  # noqa: F401
from kmsmock import is_active, mock_kms
from kmsmock.mock import _activations
from tests.activation_forms import FORMS, Body

REGION = "us-east-1"
ORIGINAL_MAKE_REQUEST = BaseClient.__dict__["_make_request"]
PRE_EXISTING_CLIENT = boto3.client(
    "kms", region_name=REGION, aws_access_key_id="AKIAPREEXISTING00000", aws_secret_access_key="x"
)
EVENTS = [
    f"{stage}.kms.{operation}"
    for stage in ("provide-client-params", "before-parameter-build", "before-call", "before-send")
    for operation in ("CreateKey", "Encrypt", "ListKeys")
] + ["after-call.kms", "needs-retry.kms", "before-sign.kms"]


# -- what "nothing left behind" means ------------------------------------------------------------


def _handlers(client: Any) -> dict[str, list[Any]]:
    emitter = client.meta.events._emitter
    return {event: list(emitter._handlers.prefix_search(event)) for event in EVENTS}


def _snapshot() -> dict[str, Any]:
    kmsmock_logger = logging.getLogger("kmsmock")
    return {
        "environ": list(os.environb.items()),  # byte for byte, in order
        "BaseClient": dict(vars(BaseClient)),
        "client handlers": _handlers(PRE_EXISTING_CLIENT),
        "kmsmock logger": (
            list(kmsmock_logger.handlers),
            kmsmock_logger.level,
            kmsmock_logger.propagate,
            kmsmock_logger.disabled,
        ),
        "root handlers": list(logging.getLogger().handlers),
        "threads": sorted(t.name for t in threading.enumerate()),
    }


def assert_nothing_left(before: dict[str, Any]) -> None:
    assert not is_active()
    assert _activations.depth == 0
    assert _activations.interceptor is None
    assert _activations.saved_env == {}
    assert BaseClient.__dict__["_make_request"] is ORIGINAL_MAKE_REQUEST
    after = _snapshot()
    for what in before:
        assert after[what] == before[what], f"{what} changed"


def assert_starts_empty() -> None:
    """A new activation sees nothing from any earlier one."""
    with mock_kms():
        kms = boto3.client("kms", region_name=REGION)
        assert kms.list_keys()["Keys"] == []
        assert [
            a for a in kms.list_aliases()["Aliases"] if "alias/aws/" not in a["AliasName"]
        ] == []
        with pytest.raises(kms.exceptions.NotFoundException):
            kms.describe_key(KeyId="alias/isolation")


# -- a body that leaves traces in the mock's state -----------------------------------------------


def _use_the_mock(observed: list[dict[str, Any]]) -> None:
    kms = boto3.client("kms", region_name=REGION)
    assert kms.list_keys()["Keys"] == [], "the activation did not start from empty state"
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/isolation", TargetKeyId=key)
    kms.encrypt(KeyId="alias/isolation", Plaintext=b"x")
    PRE_EXISTING_CLIENT.list_keys()  # a client made before activation is served too
    observed.append(dict(os.environ))


ENVIRONMENTS: dict[str, dict[str, str | None]] = {
    "absent": {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
    "empty": {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
    "key only": {"AWS_ACCESS_KEY_ID": "AKIAUSERKEY000000000", "AWS_SECRET_ACCESS_KEY": None},
    "secret only": {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": "user-secret"},
    "one empty": {"AWS_ACCESS_KEY_ID": "AKIAUSERKEY000000000", "AWS_SECRET_ACCESS_KEY": ""},
    "both set": {"AWS_ACCESS_KEY_ID": "AKIAUSERKEY000000000", "AWS_SECRET_ACCESS_KEY": "secret"},
}


@pytest.fixture
def environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENTS[request.param].items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize("environment", sorted(ENVIRONMENTS), indirect=True)
@pytest.mark.parametrize("raises", [False, True], ids=["passes", "raises"])
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.usefixtures("environment")
def test_each_activation_leaves_nothing_behind(form: str, raises: bool) -> None:
    before = _snapshot()
    observed: list[dict[str, Any]] = []

    def body() -> None:
        _use_the_mock(observed)
        if raises:
            raise Body

    if raises:
        with pytest.raises(Body):
            FORMS[form](body)
    else:
        FORMS[form](body)
    assert len(observed) == 1, "the body did not run inside the activation"
    assert_nothing_left(before)
    assert_starts_empty()
    assert_nothing_left(before)


# -- the pytest fixtures, in a real pytest session ------------------------------------------------

ISOLATION_SUITE = """
import asyncio
import os
import unittest

import boto3
import pytest
from botocore.client import BaseClient

from kmsmock import is_active, mock_kms

ORIGINAL = BaseClient.__dict__["_make_request"]
ENVIRON = dict(os.environ)


def clean():
    assert not is_active()
    assert BaseClient.__dict__["_make_request"] is ORIGINAL
    now = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    assert now == {k: v for k, v in ENVIRON.items() if k != "PYTEST_CURRENT_TEST"}


@pytest.fixture(autouse=True)
def clean_around():
    clean()
    yield
    clean()


def fresh():
    kms = boto3.client("kms", region_name="us-east-1")
    assert kms.list_keys()["Keys"] == []
    kms.create_alias(AliasName="alias/x", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])


@mock_kms
def test_bare():
    fresh()


@mock_kms()
def test_called():
    fresh()


def test_context():
    with mock_kms():
        fresh()


def test_start_stop():
    m = mock_kms()
    m.start()
    try:
        fresh()
    finally:
        m.stop()


def test_fixture(kms_client, kms_mock):
    assert kms_client.list_keys()["Keys"] == []
    fresh()


def test_mock_fixture_alone(kms_mock):
    fresh()


def test_coroutine():
    @mock_kms
    async def run():
        fresh()

    asyncio.run(run())


def test_fails_inside_and_still_cleans_up():
    with pytest.raises(ZeroDivisionError), mock_kms():
        fresh()
        1 / 0


@mock_kms
class TestPlain:
    def test_one(self):
        fresh()

    def test_two(self):
        fresh()


@mock_kms
class TestUnit(unittest.TestCase):
    def test_one(self):
        fresh()

    def test_two(self):
        fresh()
"""


@pytest.fixture
def isolation_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_iso_a=ISOLATION_SUITE, test_iso_b=ISOLATION_SUITE)
    return pytester


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fixtures_and_every_form_are_isolated_in_random_order(
    isolation_suite: pytest.Pytester, seed: int
) -> None:
    before = _snapshot()
    result = isolation_suite.runpytest_inprocess(
        "-p", "randomly", f"--randomly-seed={seed}", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=24)
    assert_nothing_left({k: v for k, v in before.items() if k != "environ"})


def test_the_suite_passes_under_xdist(isolation_suite: pytest.Pytester) -> None:
    result = isolation_suite.runpytest_subprocess(
        "-n", "2", "-p", "randomly", "--randomly-seed=7", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=24)


def test_this_run_uses_random_order_and_disables_sockets(request: pytest.FixtureRequest) -> None:
    """The project's own suite runs shuffled (pytest-randomly) with sockets off (pytest-socket):
    removing either from the test setup fails here rather than silently."""
    manager = request.config.pluginmanager
    if manager.is_blocked("randomly"):
        pytest.skip("pytest-randomly disabled on the command line (-p no:randomly)")
    assert manager.hasplugin("randomly")
    assert manager.hasplugin("socket")
    assert request.config.getoption("disable_socket")


@pytest.fixture
def _inert() -> Iterator[None]:
    yield
    assert not is_active()


@pytest.mark.usefixtures("_inert")
def test_kmsmock_is_inert_between_tests() -> None:
    # Outside any activation, a KMS client is not served by kmsmock: interception is gone.
    assert BaseClient.__dict__["_make_request"] is ORIGINAL_MAKE_REQUEST
    assert not hasattr(BaseClient.__dict__["_make_request"], "__kmsmock__")
