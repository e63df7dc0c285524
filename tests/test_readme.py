"""The README's Python examples run, and do what they say."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import boto3
import pytest

from kmsmock import mock_kms

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
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
