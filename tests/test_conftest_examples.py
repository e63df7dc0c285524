"""Each example under ``conftest_examples/`` runs, in a pytest session of its own, as a user who
copied it would run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "conftest_examples"
PASSES = {
    "function_scoped": 3,
    "time_travel": 2,
    "with_moto": 2,
    "session_client": 2,
    "rotation_events": 2,
    "seeded_keys": 3,
    "snapshot_fixture": 4,
    "call_log": 2,
    "retries": 4,
}


def test_every_example_is_listed_here() -> None:
    found = {p.name for p in EXAMPLES.iterdir() if (p / "conftest.py").is_file()}
    assert found == set(PASSES)


@pytest.mark.parametrize("name", sorted(PASSES))
def test_example_runs(pytester: pytest.Pytester, name: str) -> None:
    """In a fresh interpreter, in random order (pytest-randomly), warnings as errors."""
    shutil.copytree(EXAMPLES / name, pytester.path / name)
    result = pytester.runpytest_subprocess(name, "-W", "error", timeout=120)
    result.assert_outcomes(passed=PASSES[name])


def _collected(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", *args],
        cwd=EXAMPLES.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return [line for line in out.stdout.splitlines() if "::" in line]


def test_examples_are_not_collected_by_the_main_run() -> None:
    assert _collected("conftest_examples") == []


def test_an_example_is_collected_when_named() -> None:
    assert _collected("conftest_examples/time_travel") == [
        "conftest_examples/time_travel/test_time_travel.py::"
        "test_automatic_rotation_keeps_old_ciphertext_readable",
        "conftest_examples/time_travel/test_time_travel.py::"
        "test_a_key_is_gone_when_its_deletion_window_ends",
    ]
