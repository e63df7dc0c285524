"""The installed botocore's KMS service model, which kmsmock validates against, for the tests.

kmsmock supports botocore releases whose KMS models differ (1.43.11 has no ML-KEM, no
ENCAPSULATE_DECAPSULATE key usage, no Encapsulate/Decapsulate). A test of a feature the installed
model lacks is skipped with ``requires``, its reason naming the botocore release and the missing
feature; ``lacks`` marks the tests proving that such a feature is refused as that model says.

A feature is written one of three ways:

* ``"Encapsulate"`` — an operation;
* ``"KeySpec=ML_KEM_768"`` — a value of an enum shape;
* ``"GetPublicKeyResponse.EncapsulationAlgorithms"`` — a member of a structure shape.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import botocore
import botocore.session
import pytest

MODEL: Any = botocore.session.get_session().get_service_model("kms")
BOTOCORE = botocore.__version__
OPERATIONS = frozenset(MODEL.operation_names)

# Operations kmsmock serves that botocore's model gained after the oldest supported release
# (1.43.11): an older model lacks exactly these, and kmsmock refuses them there as unknown.
LATER_OPERATIONS = frozenset({"Encapsulate", "Decapsulate"})


@functools.cache
def enum(shape: str) -> tuple[str, ...]:
    """The values of enum ``shape`` in model order; empty when the model has no such shape."""
    if shape not in MODEL.shape_names:
        return ()
    return tuple(MODEL.shape_for(shape).enum)


def has_operation(name: str) -> bool:
    return name in OPERATIONS


def has_member(shape: str, member: str) -> bool:
    return shape in MODEL.shape_names and member in MODEL.shape_for(shape).members


def has(feature: str) -> bool:
    """Whether the installed model has ``feature`` (see the module docstring for its forms)."""
    if "=" in feature:
        shape, value = feature.split("=", 1)
        return value in enum(shape)
    if "." in feature:
        shape, member = feature.split(".", 1)
        return has_member(shape, member)
    return has_operation(feature)


def _describe(feature: str) -> str:
    if "=" in feature:
        shape, value = feature.split("=", 1)
        return f"{shape} value {value}"
    if "." in feature:
        return f"member {feature}"
    return f"operation {feature}"


def _missing(features: Iterable[str]) -> list[str]:
    return [f for f in features if not has(f)]


def requires(*features: str) -> pytest.MarkDecorator:
    """Skip unless the installed model has every one of ``features``."""
    missing = _missing(features)
    return pytest.mark.skipif(
        bool(missing),
        reason=f"botocore {BOTOCORE}'s KMS model has no "
        + ", no ".join(_describe(f) for f in missing),
    )


def lacks(*features: str) -> pytest.MarkDecorator:
    """Skip unless the installed model lacks every one of ``features`` (an older model)."""
    present = [f for f in features if has(f)]
    return pytest.mark.skipif(
        bool(present),
        reason=f"botocore {BOTOCORE}'s KMS model has "
        + ", ".join(_describe(f) for f in present)
        + "; this test is for older models",
    )


def param(*values: Any, needs: Iterable[str] = (), id: str | None = None) -> Any:
    """``pytest.param(*values)``, skipped (see ``requires``) when the model lacks ``needs``."""
    needs = tuple(needs)
    marks = [requires(*needs)] if _missing(needs) else []
    return pytest.param(*values, marks=marks, id=id)


# The order AWS lists these enums' values in its validation errors (kms-facts §0 and the research
# notes' us-east-1 recording); values not seen there follow in model order.
# KeySpec's as AWS's message shows it ("Member must satisfy enum value set: [...]"), written
# here independently of kmsmock's own table.
_KEY_SPEC_SET = (
    "[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
    "ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, "
    "HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87]"
)
AWS_ORDER: dict[str, tuple[str, ...]] = {
    "KeySpec": tuple(_KEY_SPEC_SET.strip("[]").split(", ")),
    "KeyUsageType": ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
}


def enum_list(shape: str) -> str:
    """``[A, B, ...]``: the installed model's values of ``shape`` as AWS lists them in an enum
    validation error (``AWS_ORDER`` first, then the rest in model order)."""
    values = enum(shape)
    aws_order: Sequence[str] = AWS_ORDER.get(shape, ())
    ordered = [v for v in aws_order if v in values] + [v for v in values if v not in aws_order]
    return "[" + ", ".join(ordered) + "]"
