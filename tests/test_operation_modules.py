"""Operation families are imported on first use (issue 12, the cold first call), and the static
table saying which module registers each operation (``operations.MODULES``) is right."""

from __future__ import annotations

import json
import subprocess
import sys

from kmsmock import operations
from tests.model import LATER_OPERATIONS, MODEL

# In a fresh interpreter, for each operation: forget every operations module, import the package
# again (a new, empty registry) and load just that one operation.
_EACH_ALONE = """
import json, sys
import kmsmock.operations
names = sorted(kmsmock.operations.MODULES)
wrong = []
for name in names:
    for module in [m for m in sys.modules if m.startswith("kmsmock.operations")]:
        del sys.modules[module]
    import kmsmock.operations as ops
    if not ops.load(name) or name not in ops.registry.OPERATIONS:
        wrong.append(name)
print(json.dumps(wrong))
"""

# A first call that creates a key and encrypts imports none of these families.
_FIRST_CALL = """
import json, sys
import boto3, kmsmock
with kmsmock.mock_kms():
    c = boto3.client("kms", region_name="us-east-1")
    c.encrypt(KeyId=c.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"x")
print(json.dumps(sorted(m for m in sys.modules if m.startswith("kmsmock.operations."))))
"""


def _run(code: str) -> object:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_the_table_names_every_registered_operation_and_no_other() -> None:
    assert set(operations.MODULES) == set(operations.load_all())
    assert set(operations.OPERATIONS) == set(operations.MODULES)
    assert set(operations.MODULES) - LATER_OPERATIONS <= set(MODEL.operation_names)


def test_each_operation_loads_from_its_module_alone() -> None:
    assert _run(_EACH_ALONE) == []


def test_an_unknown_name_loads_nothing() -> None:
    assert not operations.load("NotAnOperation")


def test_a_first_call_imports_only_the_families_it_uses() -> None:
    loaded = {name.rsplit(".", 1)[1] for name in _run(_FIRST_CALL)}  # type: ignore[union-attr]
    assert {"keys", "encryption"} <= loaded
    assert not loaded & {"signing", "mac", "agreement", "datakeypairs", "imports", "rotation"}


# An operation registered by a module still being imported (in another thread) is not served
# until that module has been imported completely.
_HALF_IMPORTED = """
import json, sys
import kmsmock.operations as ops
ops.registry.OPERATIONS["Sign"] = object()  # as if signing.py's decorator had just run
served = ops.load("Sign")
print(json.dumps([served, "kmsmock.operations.signing" in sys.modules]))
"""


def test_a_half_imported_module_is_waited_for() -> None:
    assert _run(_HALF_IMPORTED) == [True, True]
