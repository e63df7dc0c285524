from __future__ import annotations

from typing import Any

import pytest

KEYS = 500  # what conftest.py's kms_with_keys builds


def everything(kms: Any, listing: str) -> list[Any]:
    result = kms.get_paginator(listing).paginate().build_full_result()
    return list(result["Aliases" if listing == "list_aliases" else "Keys"])


@pytest.mark.parametrize("tenant", [3, 499])
def test_each_tenant_encrypts_with_its_own_key(
    kms_with_keys: Any, kms_client: Any, tenant: int
) -> None:
    alias = f"alias/tenant-{tenant}"
    blob = kms_client.encrypt(KeyId=alias, Plaintext=b"data")["CiphertextBlob"]
    answer = kms_client.decrypt(CiphertextBlob=blob)
    assert answer["KeyId"] == kms_client.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]


def test_a_test_may_change_anything(kms_with_keys: Any, kms_client: Any) -> None:
    kms_client.delete_alias(AliasName="alias/tenant-0")
    kms_client.create_key(Description="one more")
    assert len(everything(kms_client, "list_aliases")) == KEYS - 1


def test_and_the_next_starts_from_the_built_state(kms_with_keys: Any, kms_client: Any) -> None:
    assert len(everything(kms_client, "list_aliases")) == KEYS
    assert len(everything(kms_client, "list_keys")) == KEYS
