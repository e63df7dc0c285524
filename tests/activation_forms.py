"""Every way a test can activate kmsmock, as drivers that run a body inside one activation.

Shared by the activation and isolation tests: ``FORMS[name](body)`` runs ``body`` inside that
form of activation and lets an exception from the body propagate (``Body`` is the one the tests
raise on purpose).
"""

from __future__ import annotations

import asyncio
import unittest
from collections.abc import Callable

from kmsmock import mock_kms


class Body(Exception):
    """Raised by a body to check that a failing test cleans up as well as a passing one."""


# -- the forms -----------------------------------------------------------------------

Form = Callable[[Callable[[], None]], None]


def _decorator(body: Callable[[], None]) -> None:
    mock_kms(body)()


def _called_decorator(body: Callable[[], None]) -> None:
    mock_kms()(body)()


def _context_manager(body: Callable[[], None]) -> None:
    with mock_kms():
        body()


def _start_stop(body: Callable[[], None]) -> None:
    m = mock_kms()
    m.start()
    try:
        body()
    finally:
        m.stop()


def _nested(body: Callable[[], None]) -> None:
    with mock_kms(), mock_kms():
        body()


def _coroutine(body: Callable[[], None]) -> None:
    async def run() -> None:
        await asyncio.sleep(0)
        body()

    asyncio.run(mock_kms(run)())


def _unittest_class(body: Callable[[], None]) -> None:
    @mock_kms
    class Case(unittest.TestCase):
        def test(self) -> None:
            body()

    result = unittest.TestResult()
    Case("test").run(result)
    for _, trace in result.errors + result.failures:
        if "Body" in trace:
            raise Body
        raise AssertionError(trace)


def _plain_class(body: Callable[[], None]) -> None:
    @mock_kms
    class TestPlain:
        def test(self) -> None:
            body()

    case = TestPlain()
    case.setup_method(TestPlain.test)  # type: ignore[attr-defined]  # as pytest calls them
    try:
        case.test()
    finally:
        case.teardown_method(TestPlain.test)  # type: ignore[attr-defined]


FORMS: dict[str, Form] = {
    f.__name__.strip("_"): f
    for f in (
        _decorator,
        _called_decorator,
        _context_manager,
        _start_stop,
        _nested,
        _coroutine,
        _unittest_class,
        _plain_class,
    )
}
