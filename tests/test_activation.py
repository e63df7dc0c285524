"""Activation: every form of ``mock_kms``, counted nesting, and nothing left behind."""

from __future__ import annotations

import asyncio
import os
import threading
import unittest
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient

import kmsmock

# Imported here, before pytester's in-process runs, which drop the modules they import first:
# a second copy of cryptography's Python classes would not match its compiled core.
import kmsmock.protocol
from kmsmock import DEFAULT_ACCOUNT, KmsMock, is_active, mock_kms
from kmsmock.mock import FAKE_CREDENTIALS
from tests.activation_forms import FORMS

ORIGINAL_MAKE_REQUEST = BaseClient.__dict__["_make_request"]
CRED_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def client() -> Any:
    return boto3.client("kms", region_name="us-east-1")


def key_count() -> int:
    return len(client().list_keys()["Keys"])


def assert_untouched() -> None:
    """No activation in force and botocore exactly as it was before kmsmock."""
    assert not is_active()
    assert BaseClient.__dict__["_make_request"] is ORIGINAL_MAKE_REQUEST
    assert not hasattr(BaseClient._make_request, "__kmsmock__")


@pytest.fixture(autouse=True)
def _no_activation_leaks() -> Iterator[None]:
    assert_untouched()
    yield
    assert_untouched()


# -- the forms ----------------------------------------------------------------------------------


def test_public_names() -> None:
    assert kmsmock.__all__ == [
        "DEFAULT_ACCOUNT",
        "KmsMock",
        "Principal",
        "Role",
        "SeedError",
        "SnapshotError",
        "is_active",
        "mock_kms",
    ]
    assert kmsmock.Principal.__name__ == "Principal"  # imported on first use
    assert DEFAULT_ACCOUNT == "123456789012"


def test_bare_decorator_on_a_function() -> None:
    @mock_kms
    def create_and_count(description: str) -> tuple[bool, int, str]:
        key = client().create_key(Description=description)["KeyMetadata"]
        return is_active(), key_count(), key["Description"]

    assert create_and_count("first") == (True, 1, "first")
    assert create_and_count("again") == (True, 1, "again")  # each call starts empty
    assert create_and_count.__name__ == "create_and_count"


def test_called_decorator_on_a_function() -> None:
    @mock_kms()
    def create() -> int:
        client().create_key()
        client().create_key()
        return key_count()

    assert create() == 2
    assert create() == 2


def test_decorator_on_a_coroutine_function() -> None:
    @mock_kms
    async def create() -> int:
        await asyncio.sleep(0)
        client().create_key()
        return key_count()

    assert asyncio.iscoroutinefunction(create)
    assert asyncio.run(create()) == 1
    assert asyncio.run(create()) == 1


def test_decorator_on_a_generator_spans_the_whole_iteration() -> None:
    @mock_kms
    def keys() -> Iterator[int]:
        kms = client()
        kms.create_key()
        yield key_count()
        kms.create_key()
        yield key_count()

    gen = keys()
    assert not is_active()  # nothing starts before the first step
    assert next(gen) == 1
    assert is_active()
    assert next(gen) == 2
    with pytest.raises(StopIteration):
        next(gen)


def test_decorator_on_an_async_generator() -> None:
    @mock_kms
    async def keys() -> Any:
        client().create_key()
        yield key_count()
        client().create_key()
        yield key_count()

    async def collect() -> list[int]:
        return [n async for n in keys()]

    assert asyncio.run(collect()) == [1, 2]


def test_decorator_on_a_unittest_testcase_spans_setup_test_and_teardown() -> None:
    seen: list[tuple[str, int]] = []

    @mock_kms
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            self.kms = client()
            self.key_id = self.kms.create_key()["KeyMetadata"]["KeyId"]

        def tearDown(self) -> None:
            seen.append(("tearDown", key_count()))

        def test_one(self) -> None:
            self.kms.create_key()
            seen.append(("one", key_count()))

        def test_two(self) -> None:
            self.kms.describe_key(KeyId=self.key_id)
            seen.append(("two", key_count()))

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert sorted(seen) == [("one", 2), ("tearDown", 1), ("tearDown", 2), ("two", 1)]


def test_decorator_on_an_async_unittest_testcase() -> None:
    counts: list[int] = []

    @mock_kms
    class Case(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            client().create_key()

        async def test_one(self) -> None:
            counts.append(key_count())

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert counts == [1]


PLAIN_CLASS = """
import boto3
from kmsmock import is_active, mock_kms

def count():
    return len(boto3.client("kms", region_name="us-east-1").list_keys()["Keys"])

@mock_kms
class TestPlain:
    def setup_method(self, method):
        self.key = boto3.client("kms", region_name="us-east-1").create_key()
        self.setup_saw = count()

    def teardown_method(self):
        assert count() == 2

    def test_a(self):
        boto3.client("kms", region_name="us-east-1").create_key()
        assert (self.setup_saw, count()) == (1, 2)

    def test_b(self):
        boto3.client("kms", region_name="us-east-1").create_key()
        assert (self.setup_saw, count()) == (1, 2)

    def test_c_without_setup_argument_style(self):
        assert is_active()
        boto3.client("kms", region_name="us-east-1").create_key()

@mock_kms
class TestNoHooks:
    def test_served(self):
        assert count() == 0

def test_after_all_nothing_is_active():
    assert not is_active()
"""


def test_decorator_on_a_plain_test_class(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain=PLAIN_CLASS)
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=5)


def test_decorated_plain_class_methods_are_served_outside_pytest() -> None:
    @mock_kms
    class Plain:
        def test_count(self) -> int:
            client().create_key()
            return key_count()

    assert Plain().test_count() == 1
    assert Plain().test_count() == 1


def test_plain_class_setup_failure_does_not_leak_an_activation() -> None:
    @mock_kms
    class Plain:
        def setup_method(self) -> None:
            raise ValueError("setup broke")

    with pytest.raises(ValueError, match="setup broke"):
        Plain().setup_method(None)  # type: ignore[call-arg]


def test_context_manager() -> None:
    with mock_kms() as m:
        assert isinstance(m, KmsMock)
        assert m.active
        assert is_active()
        client().create_key()
        assert key_count() == 1
    assert not m.active


def test_context_manager_stops_when_the_block_raises() -> None:
    with pytest.raises(KeyError), mock_kms():
        raise KeyError("boom")


def test_start_and_stop() -> None:
    m = mock_kms()
    assert m.start() is m
    assert is_active()
    client().create_key()
    assert key_count() == 1
    m.stop()
    m.start()
    assert key_count() == 0  # a new outermost activation starts empty
    m.stop()


def test_stop_before_start_raises() -> None:
    with pytest.raises(RuntimeError, match="stop\\(\\) called without a matching start\\(\\)"):
        mock_kms().stop()


def test_stop_twice_raises() -> None:
    m = mock_kms().start()
    m.stop()
    with pytest.raises(RuntimeError, match="without a matching start"):
        m.stop()


def test_backend_only_while_active() -> None:
    m = mock_kms()
    with pytest.raises(RuntimeError, match="not active"):
        _ = m.backend
    with m:
        assert m.backend.default_account == DEFAULT_ACCOUNT
    with pytest.raises(RuntimeError, match="not active"):
        _ = m.backend


def test_repr() -> None:
    m = mock_kms(account_id="111122223333")
    assert repr(m) == "<KmsMock account=111122223333 inactive>"
    with m:
        assert repr(m) == "<KmsMock account=111122223333 active>"


# -- nesting ------------------------------------------------------------------------------------


def test_nested_activations_share_state_and_only_the_last_stop_uninstalls() -> None:
    with mock_kms() as outer:
        key_id = client().create_key()["KeyMetadata"]["KeyId"]
        with mock_kms() as inner:
            assert inner.backend is outer.backend
            assert key_count() == 1  # the inner start did not reset
            client().create_key()
        assert is_active()
        assert BaseClient.__dict__["_make_request"] is not ORIGINAL_MAKE_REQUEST
        assert key_count() == 2
        assert client().describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id


def test_nested_handles_may_stop_in_any_order() -> None:
    first, second = mock_kms(), mock_kms()
    first.start()
    second.start()
    first.stop()
    assert is_active()
    assert key_count() == 0
    second.stop()


def test_one_handle_started_twice_needs_two_stops() -> None:
    m = mock_kms()
    m.start()
    m.start()
    m.stop()
    assert m.active
    assert is_active()
    m.stop()
    assert not m.active


def test_decorated_function_inside_an_active_mock_shares_its_state() -> None:
    @mock_kms
    def count() -> int:
        return key_count()

    with mock_kms():
        client().create_key()
        assert count() == 1


def test_clients_in_other_threads_are_served() -> None:
    results: list[int] = []

    def work() -> None:
        kms = boto3.session.Session().client("kms", region_name="us-east-1")
        kms.create_key()
        results.append(len(kms.list_keys()["Keys"]))

    with mock_kms():
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results)[-1] == 4
        assert key_count() == 4


# -- accounts -----------------------------------------------------------------------------------


def test_default_account() -> None:
    with mock_kms():
        key = client().create_key()["KeyMetadata"]
    assert key["AWSAccountId"] == "123456789012"
    assert key["Arn"] == f"arn:aws:kms:us-east-1:123456789012:key/{key['KeyId']}"


@pytest.mark.parametrize(
    "form", ["context", "decorator"], ids=["with mock_kms(account_id)", "@mock_kms(account_id)"]
)
def test_configured_account(form: str) -> None:
    def create() -> Any:
        return client().create_key()["KeyMetadata"]

    if form == "context":
        with mock_kms(account_id="111122223333"):
            key = create()
    else:
        key = mock_kms(account_id="111122223333")(create)()
    assert key["AWSAccountId"] == "111122223333"
    assert key["Arn"].startswith("arn:aws:kms:us-east-1:111122223333:key/")


@pytest.mark.parametrize("bad", ["12345678901", "1234567890123", "abcdefghijkl", ""])
def test_account_must_be_twelve_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="account_id must be 12 digits"):
        mock_kms(account_id=bad)


# -- environment ------------------------------------------------------------------------------

ABSENT = None
ENV_STATES: dict[str, dict[str, str | None]] = {
    "absent": {"AWS_ACCESS_KEY_ID": ABSENT, "AWS_SECRET_ACCESS_KEY": ABSENT},
    "empty": {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
    "key-only": {"AWS_ACCESS_KEY_ID": "AKIAUSERKEY", "AWS_SECRET_ACCESS_KEY": ABSENT},
    "set": {"AWS_ACCESS_KEY_ID": "AKIAUSERKEY", "AWS_SECRET_ACCESS_KEY": "user-secret"},
}


def _snapshot() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in CRED_VARS}


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("state", sorted(ENV_STATES))
def test_environment_is_restored_exactly(
    form: str, state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV_STATES[state].items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    before = _snapshot()
    before_keys = set(os.environ)
    during: list[dict[str, str | None]] = []

    def body() -> None:
        during.append(_snapshot())
        client().create_key()

    FORMS[form](body)

    assert _snapshot() == before
    assert set(os.environ) == before_keys
    if state == "set":
        assert during == [before]  # real-looking credentials are left alone (and never sent)
    else:
        assert during == [dict(FAKE_CREDENTIALS)]


def test_environment_changes_made_by_the_test_to_other_variables_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("KMSMOCK_TEST_MARKER", raising=False)
    with mock_kms():
        os.environ["KMSMOCK_TEST_MARKER"] = "kept"
    assert os.environ.pop("KMSMOCK_TEST_MARKER") == "kept"
    assert "AWS_ACCESS_KEY_ID" not in os.environ


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_leaves_botocore_untouched(form: str) -> None:
    seen: list[bool] = []
    FORMS[form](lambda: seen.append(is_active()))
    assert seen == [True]
    assert_untouched()


# -- nesting and accounts ----------------------------------------------------------------------


def test_a_nested_activation_without_an_account_joins_the_outer_ones_account() -> None:
    with mock_kms(account_id="111122223333") as outer, mock_kms() as inner:
        assert inner.account_id == outer.account_id == "111122223333"
        assert client().create_key()["KeyMetadata"]["AWSAccountId"] == "111122223333"


def test_a_nested_activation_naming_the_same_account_joins_it() -> None:
    with mock_kms(account_id="111122223333"), mock_kms(account_id="111122223333") as inner:
        assert inner.backend.default_account == "111122223333"


def test_a_nested_activation_naming_another_account_is_refused_clearly() -> None:
    with mock_kms(account_id="111122223333") as outer:
        key_id = client().create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(RuntimeError, match="cannot start inside an active mock of account"):
            mock_kms(account_id="444455556666").start()
        with (
            pytest.raises(RuntimeError, match="cannot start inside"),
            mock_kms(account_id=DEFAULT_ACCOUNT),
        ):
            pass  # pragma: no cover - never entered
        # The refusal left the outer activation as it was.
        assert outer.active
        assert client().describe_key(KeyId=key_id)["KeyMetadata"]["AWSAccountId"] == (
            "111122223333"
        )
    assert not is_active()
