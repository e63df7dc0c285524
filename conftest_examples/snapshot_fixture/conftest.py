"""Expensive state built once, and every test starting from a fresh copy of it.

``kms_snapshot_fixture`` turns a function that builds state (here 500 keys, with aliases and
rotation) into a fixture. The first test that asks for it runs the function; kmsmock keeps
the result frozen in memory, and every later test restores it in microseconds whatever the
number of keys: a key is copied only when a test first reads it. What one test changes,
the next never sees.

The same by hand: ``state = kms_mock.freeze()`` once, ``kms_mock.restore(state)`` per test;
``kms_mock.save("state.json")`` / ``kms_mock.load("state.json")`` keep it across runs.
"""

from __future__ import annotations

from typing import Any

import boto3

from kmsmock import KmsMock
from kmsmock.pytest_plugin import kms_snapshot_fixture

KEYS = 500


@kms_snapshot_fixture
def kms_with_keys(kms_mock: KmsMock) -> None:
    """Every tenant's key, as the application's setup script would make them."""
    kms: Any = boto3.client("kms", region_name="us-east-1")
    for n in range(KEYS):
        key_id = kms.create_key(Description=f"tenant {n}")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/tenant-{n}", TargetKeyId=key_id)
        kms.enable_key_rotation(KeyId=key_id)
