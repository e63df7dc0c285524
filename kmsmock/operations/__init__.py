"""KMS operations: one function per operation, validated request dict -> response dict.

Each family lives in its own module and registers with ``@operation`` when imported. A family's
module is imported on the first request for one of its operations (``load``): a test that only
creates keys and encrypts never pays for the grants', imports' or custom key stores' modules
(issue 12: the cold first call). ``MODULES`` says statically which module defines each
operation, so kmsmock knows every name it serves without importing them all;
tests/test_operation_modules.py checks it against what the modules register. Reading
``OPERATIONS`` from this package imports every family first, so it names everything.
"""

from __future__ import annotations

import importlib

from ..lazy import import_for
from . import registry
from .dispatch import dispatch
from .registry import Context, Handler, Operation, operation

# The module of this package that registers each operation (importing it registers it).
MODULES: dict[str, str] = {
    "Decapsulate": "agreement",
    "DeriveSharedSecret": "agreement",
    "Encapsulate": "agreement",
    "CreateAlias": "aliases",
    "DeleteAlias": "aliases",
    "ListAliases": "aliases",
    "UpdateAlias": "aliases",
    "GenerateDataKeyPair": "datakeypairs",
    "GenerateDataKeyPairWithoutPlaintext": "datakeypairs",
    "Decrypt": "encryption",
    "Encrypt": "encryption",
    "GenerateDataKey": "encryption",
    "GenerateDataKeyWithoutPlaintext": "encryption",
    "GenerateRandom": "encryption",
    "ReEncrypt": "encryption",
    "CreateGrant": "grants",
    "ListGrants": "grants",
    "ListRetirableGrants": "grants",
    "RetireGrant": "grants",
    "RevokeGrant": "grants",
    "DeleteImportedKeyMaterial": "imports",
    "GetParametersForImport": "imports",
    "ImportKeyMaterial": "imports",
    "CancelKeyDeletion": "keys",
    "CreateKey": "keys",
    "DescribeKey": "keys",
    "DisableKey": "keys",
    "EnableKey": "keys",
    "ListKeys": "keys",
    "ScheduleKeyDeletion": "keys",
    "UpdateKeyDescription": "keys",
    "ConnectCustomKeyStore": "keystores",
    "CreateCustomKeyStore": "keystores",
    "DeleteCustomKeyStore": "keystores",
    "DescribeCustomKeyStores": "keystores",
    "DisconnectCustomKeyStore": "keystores",
    "UpdateCustomKeyStore": "keystores",
    "GenerateMac": "mac",
    "VerifyMac": "mac",
    "ReplicateKey": "multiregion",
    "UpdatePrimaryRegion": "multiregion",
    "GetKeyPolicy": "policies",
    "ListKeyPolicies": "policies",
    "PutKeyPolicy": "policies",
    "DisableKeyRotation": "rotation",
    "EnableKeyRotation": "rotation",
    "GetKeyRotationStatus": "rotation",
    "ListKeyRotations": "rotation",
    "RotateKeyOnDemand": "rotation",
    "GetPublicKey": "signing",
    "Sign": "signing",
    "Verify": "signing",
    "ListResourceTags": "tags",
    "TagResource": "tags",
    "UntagResource": "tags",
    "GetKeyLastUsage": "usage",
}


# Operations whose module has been imported completely. ``OPERATIONS`` alone cannot say so: a
# module registers its operations while it is still being imported, and another thread must
# not run one before the rest of its module exists (``import_module`` waits for an import
# under way).
_ready: set[str] = set()


def load(name: str) -> bool:
    """Whether kmsmock serves operation ``name``, importing its module on first use."""
    if name not in _ready and not import_for(__name__, MODULES, _ready, name):
        return False
    return name in registry.OPERATIONS


def load_all() -> dict[str, Operation]:
    """Every operation kmsmock serves, each family imported."""
    for module in sorted(set(MODULES.values())):
        importlib.import_module(f"{__name__}.{module}")
    return registry.OPERATIONS


def __getattr__(attr: str) -> dict[str, Operation]:
    # ``OPERATIONS`` is not bound here, so reading it always completes it first.
    if attr == "OPERATIONS":
        return load_all()
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


__all__ = [
    "MODULES",
    "OPERATIONS",
    "Context",
    "Handler",
    "Operation",
    "dispatch",
    "load",
    "load_all",
    "operation",
]
