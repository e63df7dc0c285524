"""A cold first call imports only what it uses (issue 12, the cold first call): activation, a
symmetric CreateKey and Encrypt load no asymmetric key-spec family, none of ``cryptography``'s
asymmetric, hashing or serialization modules, and no policy evaluator; each is loaded the
first time a request needs it."""

from __future__ import annotations

import json
import subprocess
import sys

# In a fresh interpreter: activate, create a symmetric key and encrypt, then (``{then}``) more;
# print which of the watched modules were imported after the first call and after the rest.
_PROGRAM = """
import json, sys
import boto3, kmsmock
WATCHED = {watched!r}
def loaded():
    return sorted(m for m in WATCHED if m in sys.modules)
with kmsmock.mock_kms() as mock:
    c = boto3.client("kms", region_name="us-east-1")
    c.encrypt(KeyId=c.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"x")
    first = loaded()
    {then}
print(json.dumps([first, loaded()]))
"""

_FAMILIES = [
    f"kmsmock.crypto.families.{name}"
    for name in ("asymmetric", "rsa", "ecc", "ed25519", "mldsa", "mlkem", "hmac", "sm2")
]
_CRYPTOGRAPHY = [
    "cryptography.hazmat.primitives.serialization",
    "cryptography.hazmat.primitives.asymmetric.rsa",
    "cryptography.hazmat.primitives.asymmetric.ec",
    "cryptography.hazmat.primitives.hashes",
]


def _run(watched: list[str], then: str = "pass") -> tuple[list[str], list[str]]:
    code = _PROGRAM.format(watched=watched, then=then)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, after = json.loads(out.stdout.splitlines()[-1])
    return first, after


def test_a_symmetric_first_call_imports_no_asymmetric_family_or_cryptography() -> None:
    first, after = _run(
        _FAMILIES + _CRYPTOGRAPHY,
        then='c.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")',
    )
    assert first == []
    # RSA's family and the cryptography it needs come with the first RSA key, nothing else
    assert after == sorted(
        [f"kmsmock.crypto.families.{name}" for name in ("asymmetric", "rsa")] + _CRYPTOGRAPHY
    )


_ACCESS = [
    "kmsmock.access.decision",
    "kmsmock.access.policy",
    "kmsmock.access.conditions",
    "kmsmock.access.request_keys",
    "kmsmock.access.grants",
    "kmsmock.operations.grants",
    "kmsmock.operations.policies",
]


_KEY_STORES = [
    "kmsmock.backend.keystore",
    "kmsmock.backend.keystore_rules",
    "kmsmock.backend.outside",
    "kmsmock.operations.keystores",
]


def test_a_first_call_outside_custom_key_stores_imports_none_of_their_modules() -> None:
    first, after = _run(
        _KEY_STORES,
        then="c.describe_custom_key_stores()",
    )
    assert first == []
    assert after == sorted(_KEY_STORES)


def test_a_default_first_call_parses_no_policy() -> None:
    """The default key policy and callers without identity policies need no decision."""
    first, after = _run([*_ACCESS, "kmsmock.access.identity"])
    assert first == []
    assert after == []


def test_the_first_custom_policy_loads_the_parser_and_evaluator() -> None:
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
        '{"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}'
    )
    first, after = _run(
        _ACCESS,
        then=f"c.encrypt(KeyId=c.create_key(Policy={policy!r})['KeyMetadata']['KeyId'], "
        "Plaintext=b'x')",
    )
    assert first == []
    # the policy checked at CreateKey, then Encrypt decided by it: no grant was asked
    assert after == sorted(set(_ACCESS) - {"kmsmock.access.grants", "kmsmock.operations.grants"})


def test_each_name_exported_on_first_use_is_its_modules() -> None:
    """``access._LAZY`` and ``kmsmock._LAZY`` name, for each exported name, where it lives."""
    import importlib

    import kmsmock
    from kmsmock import access

    for package in (access, kmsmock):
        lazy: dict[str, str] = package._LAZY  # type: ignore[attr-defined]
        assert set(lazy) <= set(package.__all__)
        for name, module in lazy.items():
            found = getattr(importlib.import_module(f"{package.__name__}.{module}"), name)
            assert getattr(package, name) is found
