"""Declaring principals keeps every other feature working for them: custom key stores, imported
key material, multi-Region replicas (principals of the same account in every Region), time
travel (aws:CurrentTime is the mock's clock) and snapshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.access.conftest import REGION, allow, document, not_authorized
from tests.helpers import refusal
from tests.keystores.stores import START, connected
from tests.keystores.xks import xks_store
from tests.timetravel import Clock, frozen

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

KEY_ADMIN = [document(allow(["kms:*"]))]


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Every test here runs on a stopped clock (custom key stores connect after a delay)."""
    with frozen("time-machine", START) as stopped:
        yield stopped


def test_a_principal_in_a_custom_key_store(kms: KMSClient, kms_mock: KmsMock, clock: Clock) -> None:
    store_id = connected(kms, clock, xks_store(kms))
    user = kms_mock.add_user("xks-user", identity_policies=KEY_ADMIN)
    client = user.client(region_name=REGION)
    key = client.create_key(
        Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="bb8562717f809024"
    )["KeyMetadata"]
    blob = client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
    stores = client.describe_custom_key_stores()["CustomKeyStores"]
    assert [s["CustomKeyStoreId"] for s in stores] == [store_id]
    nobody = kms_mock.add_user("no-xks", identity_policies=[])
    assert refusal(nobody.client(region_name=REGION).describe_custom_key_stores) == not_authorized(
        nobody.arn, "kms:DescribeCustomKeyStores", "*", "identity-based"
    )


def test_a_principal_imports_key_material(kms_mock: KmsMock) -> None:
    user = kms_mock.add_user("importer", identity_policies=KEY_ADMIN)
    client = user.client(region_name=REGION)
    key = client.create_key(Origin="EXTERNAL")["KeyMetadata"]
    params = client.get_parameters_for_import(
        KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    wrapping = load_der_public_key(params["PublicKey"])
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    client.import_key_material(
        KeyId=key["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapping.encrypt(os.urandom(32), oaep),  # type: ignore[union-attr]
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    blob = client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_a_replica_serves_the_principals_of_its_account(kms_mock: KmsMock) -> None:
    user = kms_mock.add_user("global", identity_policies=KEY_ADMIN)
    east, west = user.client(region_name=REGION), user.client(region_name="us-west-2")
    primary = east.create_key(MultiRegion=True)["KeyMetadata"]
    east.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2")
    blob = east.encrypt(KeyId=primary["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert west.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
    reader = kms_mock.add_user("west-reader", identity_policies=[])
    assert refusal(
        reader.client(region_name="us-west-2").describe_key, KeyId=primary["KeyId"]
    ) == not_authorized(
        reader.arn,
        "kms:DescribeKey",
        primary["Arn"].replace(REGION, "us-west-2"),
        "identity-based",
    )


def test_time_travel_moves_aws_current_time(kms_mock: KmsMock, clock: Clock) -> None:
    until = {"DateLessThan": {"aws:CurrentTime": (START + timedelta(days=30)).isoformat()}}
    user = kms_mock.add_user(
        "temporary",
        identity_policies=[document(allow("kms:CreateKey"), allow("kms:Encrypt", Condition=until))],
    )
    client = user.client(region_name=REGION)
    key = client.create_key()["KeyMetadata"]
    client.encrypt(KeyId=key["KeyId"], Plaintext=b"p")
    clock.advance(timedelta(days=31))
    assert refusal(client.encrypt, KeyId=key["KeyId"], Plaintext=b"p") == not_authorized(
        user.arn, "kms:Encrypt", key["Arn"], "identity-based"
    )


def test_principals_outlive_a_restored_snapshot(kms: KMSClient, kms_mock: KmsMock) -> None:
    key = kms.create_key()["KeyMetadata"]
    frozen_state = kms_mock.freeze()
    user = kms_mock.add_user("survivor", identity_policies=[document(allow("kms:DescribeKey"))])
    kms_mock.restore(frozen_state)
    client = user.client(region_name=REGION)
    assert client.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]
    assert refusal(client.encrypt, KeyId=key["KeyId"], Plaintext=b"p") == not_authorized(
        user.arn, "kms:Encrypt", key["Arn"], "identity-based"
    )
