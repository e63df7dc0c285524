"""Partitions and accounts: ARNs, policies and region-bound key specs in aws, aws-cn, aws-us-gov."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kmsmock import mock_kms
from kmsmock.backend.store import partition_for
from tests.helpers import new_client, raises_error

ACCOUNT = "123456789012"
REGIONS = [
    ("us-east-1", "aws"),
    ("eu-west-3", "aws"),
    ("cn-north-1", "aws-cn"),
    ("cn-northwest-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"),
    ("us-gov-east-1", "aws-us-gov"),
]


@pytest.fixture
def active() -> Iterator[None]:
    with mock_kms():
        yield


@pytest.mark.parametrize(("region", "partition"), REGIONS)
def test_partition_for_region(region: str, partition: str) -> None:
    assert partition_for(region) == partition


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(("region", "partition"), REGIONS)
def test_key_and_alias_arns(region: str, partition: str) -> None:
    kms = new_client(region)
    meta = kms.create_key()["KeyMetadata"]
    prefix = f"arn:{partition}:kms:{region}:{ACCOUNT}"
    assert meta["Arn"] == f"{prefix}:key/{meta['KeyId']}"
    kms.create_alias(AliasName="alias/p", TargetKeyId=meta["Arn"])
    assert kms.list_aliases()["Aliases"][0]["AliasArn"] == f"{prefix}:alias/p"
    for ident in (meta["Arn"], f"{prefix}:alias/p"):
        assert kms.describe_key(KeyId=ident)["KeyMetadata"]["KeyId"] == meta["KeyId"]
    assert kms.list_keys()["Keys"] == [{"KeyId": meta["KeyId"], "KeyArn": meta["Arn"]}]


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(("region", "partition"), REGIONS)
def test_error_messages_carry_the_partition(region: str, partition: str) -> None:
    kms = new_client(region)
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    prefix = f"arn:{partition}:kms:{region}:{ACCOUNT}"
    assert raises_error(kms.describe_key, KeyId=missing)["Message"] == (
        f"Key '{prefix}:key/{missing}' does not exist"
    )
    assert raises_error(kms.describe_key, KeyId="alias/none")["Message"] == (
        f"Alias {prefix}:alias/none is not found."
    )


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(("region", "partition"), REGIONS)
def test_default_policy_root_is_in_the_partition(region: str, partition: str) -> None:
    kms = new_client(region)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    document = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    assert document["Statement"][0]["Principal"] == {"AWS": f"arn:{partition}:iam::{ACCOUNT}:root"}
    # ...and a policy naming that root keeps the key manageable in that partition.
    kms.put_key_policy(KeyId=key_id, Policy=json.dumps(document))


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn-north-1", "s3.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "s3.us-gov-west-1.amazonaws.com"),
    ],
)
def test_aws_managed_keys_in_other_partitions(region: str, host: str) -> None:
    kms = new_client(region)
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    partition = partition_for(region)
    assert meta["Arn"].startswith(f"arn:{partition}:kms:{region}:{ACCOUNT}:key/")
    document = json.loads(kms.get_key_policy(KeyId=meta["KeyId"])["Policy"])
    assert document["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"] == host
    assert document["Statement"][1]["Principal"] == {"AWS": f"arn:{partition}:iam::{ACCOUNT}:root"}
    assert raises_error(kms.disable_key, KeyId=meta["KeyId"])["Message"].startswith(
        f"User: arn:{partition}:iam::{ACCOUNT}:root is not authorized"
    )


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize("usage", ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"])
def test_sm2_in_china(usage: str) -> None:
    meta = new_client("cn-north-1").create_key(KeySpec="SM2", KeyUsage=usage)["KeyMetadata"]
    assert (meta["KeySpec"], meta["KeyUsage"]) == ("SM2", usage)


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize("region", ["us-east-1", "us-gov-west-1"])
def test_sm2_only_in_china(region: str) -> None:
    assert raises_error(new_client(region).create_key, KeySpec="SM2", KeyUsage="SIGN_VERIFY") == {
        "Code": "UnsupportedOperationException",
        "Message": "KeySpec SM2 is not supported in this Region",
    }


@pytest.mark.usefixtures("active")
def test_ml_kem_not_in_china() -> None:
    if "ML_KEM_768" not in new_client("us-east-1").meta.service_model.shape_for("KeySpec").enum:
        pytest.skip("this botocore predates ML-KEM")
    kwargs = {"KeySpec": "ML_KEM_768", "KeyUsage": "ENCAPSULATE_DECAPSULATE"}
    assert raises_error(new_client("cn-north-1").create_key, **kwargs) == {
        "Code": "UnsupportedOperationException",
        "Message": "KeySpec ML_KEM_768 is not supported in this Region",
    }
    assert (
        new_client("us-gov-west-1").create_key(**kwargs)["KeyMetadata"]["KeySpec"] == "ML_KEM_768"
    )


def test_accounts_are_separate_and_configurable() -> None:
    with mock_kms(account_id="210987654321"):
        kms = new_client("cn-north-1")
        meta = kms.create_key()["KeyMetadata"]
        assert meta["AWSAccountId"] == "210987654321"
        assert meta["Arn"] == f"arn:aws-cn:kms:cn-north-1:210987654321:key/{meta['KeyId']}"
    with mock_kms():
        assert new_client("cn-north-1").list_keys()["Keys"] == []


@pytest.mark.usefixtures("active")
def test_a_key_arn_names_its_region() -> None:
    gov = new_client("us-gov-west-1")
    arn = gov.create_key()["KeyMetadata"]["Arn"]
    assert raises_error(new_client("us-gov-east-1").describe_key, KeyId=arn) == {
        "Code": "NotFoundException",
        "Message": "Invalid arn us-gov-west-1",
    }
