"""Runnable example ``conftest.py`` files for kmsmock: each directory here is one example, a
``conftest.py`` and the tests that use it. Copy the one that fits your project.

Each example runs in a pytest session of its own (``tests/test_conftest_examples.py`` does
that), because one of them keeps a mock active for its whole session. So a plain ``pytest``
from the repository root does not collect them; name one to run it by hand::

    pytest conftest_examples/time_travel
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect an example only when a command-line argument points into it."""
    if collection_path.parent != HERE or not collection_path.is_dir():
        return None
    for arg in config.args:
        asked = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if asked == collection_path or collection_path in asked.parents:
            return None
    return True
