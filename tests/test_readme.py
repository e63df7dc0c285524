"""The README's Python examples run, and do what they say: directly, or under pytest when they
use the plugin's other fixtures or its marker."""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from kmsmock import mock_kms

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
_PLUGIN = re.compile(r"\bkms_mock\b|\bkms_client_factory\b|pytest\.mark\.kmsmock")
UNDER_PYTEST = [i for i, block in enumerate(BLOCKS) if _PLUGIN.search(block)]


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", [i for i in range(len(BLOCKS)) if i not in UNDER_PYTEST])
def test_example_runs(index: int) -> None:
    namespace: dict[str, Any] = {"pytest": pytest}
    exec(compile(BLOCKS[index], f"README.md[python block {index}]", "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_") and callable(fn)]
    assert tests, "each README example defines a test"
    for fn in tests:
        if "kms_client" in inspect.signature(fn).parameters:
            with mock_kms():
                fn(kms_client=boto3.client("kms", region_name="us-east-1"))
        else:
            fn()


@pytest.mark.parametrize("index", UNDER_PYTEST)
def test_plugin_example_runs_under_pytest(
    index: int, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a user runs it: the plugin from its entry point, ``--strict-markers``, and the venv's
    ``aws`` on PATH for the local-endpoint example."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    pytester.makepyfile(f"import pytest\n\n{BLOCKS[index]}")
    tests = len(re.findall(r"^def test_", BLOCKS[index], flags=re.M))
    assert tests, "each README example defines a test"
    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:randomly")
    result.assert_outcomes(passed=tests)
