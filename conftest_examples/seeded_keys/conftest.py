"""Keys declared in a file, so ciphertexts committed with the tests decrypt in every run.

``keys.json`` gives the key its id, alias, tags and key material (32 bytes, base64: any bytes
you like, they only have to be the same in every run). ``ciphertexts.json`` was made once with
that key (``kms.encrypt(KeyId="alias/app-secrets", ...)``) and committed; the code under test
decrypts it as it would decrypt what production stored. A YAML file works too, with PyYAML
installed (``pip install kmsmock[yaml]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from kmsmock import mock_kms

HERE = Path(__file__).parent


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_kms(seed_keys=HERE / "keys.json"):
        yield boto3.client("kms", region_name="us-east-1")


@pytest.fixture
def stored() -> dict[str, Any]:
    """What the application stored earlier: ciphertexts made once and committed."""
    data: dict[str, Any] = json.loads((HERE / "ciphertexts.json").read_text())
    return data
