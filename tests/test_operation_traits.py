"""What each operation is, as declared where it is defined and derived from the model."""

from __future__ import annotations

import pytest

from kmsmock.operations import OPERATIONS
from kmsmock.operations.registry import CIPHERTEXT, traits
from tests.model import MODEL

SERVED = sorted(name for name in MODEL.operation_names if name in OPERATIONS)
# IAM-only operations: their permission is checked on "*" (AWS KMS permissions reference).
STAR = {
    "CreateKey",
    "GenerateRandom",
    "ListAliases",
    "ListKeys",
    "ListRetirableGrants",
    "ConnectCustomKeyStore",
    "CreateCustomKeyStore",
    "DeleteCustomKeyStore",
    "DescribeCustomKeyStores",
    "DisconnectCustomKeyStore",
    "UpdateCustomKeyStore",
}


def test_every_operation_of_the_model_is_served() -> None:
    assert set(SERVED) == set(MODEL.operation_names)


@pytest.mark.parametrize("name", SERVED)
def test_the_key_an_operation_acts_on_is_a_member_of_its_request(name: str) -> None:
    op = OPERATIONS[name]
    members = MODEL.operation_model(name).input_shape.members
    if name in STAR:
        assert (op.resource, op.key) == ("*", None)
    else:
        assert op.resource == "key"
        assert op.key == CIPHERTEXT or op.key in members
        if op.key == CIPHERTEXT:
            assert "CiphertextBlob" in members


@pytest.mark.parametrize("name", SERVED)
def test_permissions_are_awss(name: str) -> None:
    expected = ("kms:ReEncryptFrom", "kms:ReEncryptTo") if name == "ReEncrypt" else (f"kms:{name}",)
    assert OPERATIONS[name].permissions == expected


@pytest.mark.parametrize("name", SERVED)
def test_dry_run_is_the_models(name: str) -> None:
    members = MODEL.operation_model(name).input_shape.members
    assert traits(MODEL, name).dry_run == ("DryRun" in members)
