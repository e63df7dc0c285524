"""docs/operations.md is generated from botocore's model and kmsmock's operation table, and is
up to date."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import botocore
import botocore.session
import pytest

from kmsmock.operations import OPERATIONS

ROOT = Path(__file__).parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "operations_table", ROOT / "scripts" / "operations_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_up_to_date() -> None:
    script = _script()
    table = script.current()
    generated_with = re.search(r"botocore (\S+?)\.\s", table)
    assert generated_with is not None
    if generated_with.group(1) != botocore.__version__:
        pytest.skip(f"the table was generated with botocore {generated_with.group(1)}")
    assert table == script.render(), (
        "README.md's operations table is out of date: run python scripts/operations_table.py"
    )
    assert script.main(["--check"]) == 0


def test_table_lists_every_model_operation_once_with_its_status() -> None:
    model = botocore.session.get_session().get_service_model("kms")
    rows = re.findall(r"^\| [^|]+ \| \[(\w+)\]\([^)]+\) \| ([^|]+) \|$", _script().render(), re.M)
    assert sorted(name for name, _ in rows) == sorted(model.operation_names)
    for name, status in rows:
        assert (status == "served") == (name in OPERATIONS), name
    served = sum(name in OPERATIONS for name in model.operation_names)
    assert f"kmsmock serves **{served} of the {len(model.operation_names)}**" in _script().render()
