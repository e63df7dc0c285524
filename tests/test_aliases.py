"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases (kms-facts §3.4, §6; research 1, 2,
6, 9)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine

from tests.helpers import new_client, raises_error

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}"
START = datetime(2025, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
MISSING_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as clock:
        yield clock


@pytest.fixture
def key(kms: KMSClient) -> dict[str, Any]:
    return dict(kms.create_key()["KeyMetadata"])


def aliases(kms: KMSClient, **kwargs: Any) -> list[dict[str, Any]]:
    return list(kms.list_aliases(**kwargs)["Aliases"])


def key_type(spec: str, usage: str) -> dict[str, str]:
    """CreateKey's parameters for a key of ``spec`` and ``usage``."""
    return {"KeySpec": spec, "KeyUsage": usage}


def not_found(name: str) -> dict[str, str]:
    return {"Code": "NotFoundException", "Message": f"Alias {ARN_PREFIX}:{name} is not found."}


# -- CreateAlias --------------------------------------------------------------------------------


def test_create_alias_and_use_it(kms: KMSClient, key: dict[str, Any]) -> None:
    response = kms.create_alias(AliasName="alias/orders", TargetKeyId=key["KeyId"])
    assert set(response) == {"ResponseMetadata"}
    assert aliases(kms) == [
        {
            "AliasName": "alias/orders",
            "AliasArn": f"{ARN_PREFIX}:alias/orders",
            "TargetKeyId": key["KeyId"],
            "CreationDate": START,
            "LastUpdatedDate": START,
        }
    ]
    assert kms.describe_key(KeyId="alias/orders")["KeyMetadata"]["KeyId"] == key["KeyId"]
    blob = kms.encrypt(KeyId="alias/orders", Plaintext=b"x")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["KeyId"] == key["Arn"]


def test_create_alias_by_key_arn(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/by-arn", TargetKeyId=key["Arn"])
    assert aliases(kms)[0]["TargetKeyId"] == key["KeyId"]


def test_a_key_may_have_several_aliases(kms: KMSClient, key: dict[str, Any]) -> None:
    for name in ("alias/b", "alias/a", "alias/c/nested_name-1"):
        kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    assert [a["AliasName"] for a in aliases(kms)] == ["alias/a", "alias/b", "alias/c/nested_name-1"]


def test_alias_name_needs_the_prefix(kms: KMSClient, key: dict[str, Any]) -> None:
    assert raises_error(kms.create_alias, AliasName="orders", TargetKeyId=key["KeyId"]) == {
        "Code": "ValidationException",
        "Message": 'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    }


@pytest.mark.parametrize("name", ["alias/aws/mine", "alias/aws/s3"])
def test_the_aws_prefix_is_reserved(kms: KMSClient, key: dict[str, Any], name: str) -> None:
    # The modeled code; AWS's text is not recorded anywhere (kms-facts §3.4).
    assert raises_error(kms.create_alias, AliasName=name, TargetKeyId=key["KeyId"]) == {
        "Code": "InvalidAliasNameException",
        "Message": f"{name} is not a valid alias name: the alias/aws/ prefix is reserved for "
        "AWS managed keys.",
    }
    assert aliases(kms) == []


@pytest.mark.parametrize("name", ["alias/Service:Test", "alias/"])
def test_characters_the_model_allows_but_the_service_does_not(
    kms: KMSClient, key: dict[str, Any], name: str
) -> None:
    assert raises_error(kms.create_alias, AliasName=name, TargetKeyId=key["KeyId"]) == {
        "Code": "ValidationException",
        "Message": f"{name} contains invalid characters for an alias",
    }


def test_alias_names_are_unique(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/dup", TargetKeyId=key["KeyId"])
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    assert raises_error(kms.create_alias, AliasName="alias/dup", TargetKeyId=other) == {
        "Code": "AlreadyExistsException",
        "Message": f"An alias with the name {ARN_PREFIX}:alias/dup already exists",
    }


def test_alias_names_are_per_region(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/same", TargetKeyId=key["KeyId"])
    west = new_client("us-west-2")
    west_key = west.create_key()["KeyMetadata"]["KeyId"]
    west.create_alias(AliasName="alias/same", TargetKeyId=west_key)
    assert west.describe_key(KeyId="alias/same")["KeyMetadata"]["KeyId"] == west_key
    assert kms.describe_key(KeyId="alias/same")["KeyMetadata"]["KeyId"] == key["KeyId"]


def test_target_must_exist(kms: KMSClient) -> None:
    assert raises_error(kms.create_alias, AliasName="alias/x", TargetKeyId=MISSING_ID) == {
        "Code": "NotFoundException",
        "Message": f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist",
    }


@pytest.mark.parametrize("target", ["alias/other", f"{ARN_PREFIX}:alias/other"])
def test_target_cannot_be_an_alias(kms: KMSClient, key: dict[str, Any], target: str) -> None:
    kms.create_alias(AliasName="alias/other", TargetKeyId=key["KeyId"])
    assert raises_error(kms.create_alias, AliasName="alias/x", TargetKeyId=target) == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


def test_target_pending_deletion(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert raises_error(kms.create_alias, AliasName="alias/x", TargetKeyId=key["KeyId"]) == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is pending deletion.",
    }


def test_aliases_per_key_quota(kms: KMSClient, key: dict[str, Any]) -> None:
    for i in range(50):
        kms.create_alias(AliasName=f"alias/a{i:02}", TargetKeyId=key["KeyId"])
    assert raises_error(
        kms.create_alias, AliasName="alias/one-too-many", TargetKeyId=key["KeyId"]
    ) == {
        "Code": "LimitExceededException",
        "Message": "Aliases per key quota for this account in this region is 50, "
        "current usage is 50.",
    }
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/one-too-many", TargetKeyId=other)  # the quota is per key


def test_aws_managed_key_cannot_be_a_target(kms: KMSClient) -> None:
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert raises_error(kms.create_alias, AliasName="alias/mine", TargetKeyId=managed["KeyId"]) == {
        "Code": "AccessDeniedException",
        "Message": f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: "
        f"kms:CreateAlias on resource: {managed['Arn']} because no resource-based policy "
        "allows the kms:CreateAlias action",
    }


# -- UpdateAlias -------------------------------------------------------------------------------


def test_update_alias_retargets_and_dates_the_change(
    kms: KMSClient, key: dict[str, Any], clock: time_machine.Coordinates
) -> None:
    kms.create_alias(AliasName="alias/current", TargetKeyId=key["KeyId"])
    clock.shift(timedelta(hours=2))
    other = kms.create_key()["KeyMetadata"]
    assert set(kms.update_alias(AliasName="alias/current", TargetKeyId=other["Arn"])) == {
        "ResponseMetadata"
    }
    [entry] = aliases(kms)
    assert entry["TargetKeyId"] == other["KeyId"]
    assert entry["CreationDate"] == START
    assert entry["LastUpdatedDate"] == START + timedelta(hours=2)
    assert kms.describe_key(KeyId="alias/current")["KeyMetadata"]["KeyId"] == other["KeyId"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({}, key_type("HMAC_256", "GENERATE_VERIFY_MAC")),
        ({}, key_type("RSA_2048", "ENCRYPT_DECRYPT")),
        (key_type("RSA_2048", "ENCRYPT_DECRYPT"), key_type("RSA_2048", "SIGN_VERIFY")),
        (key_type("HMAC_256", "GENERATE_VERIFY_MAC"), key_type("ECC_NIST_P256", "SIGN_VERIFY")),
    ],
)
def test_update_alias_needs_the_same_type_and_usage(
    kms: KMSClient, first: dict[str, str], second: dict[str, str]
) -> None:
    current = kms.create_key(**first)["KeyMetadata"]
    new = kms.create_key(**second)["KeyMetadata"]
    kms.create_alias(AliasName="alias/typed", TargetKeyId=current["KeyId"])
    assert raises_error(kms.update_alias, AliasName="alias/typed", TargetKeyId=new["KeyId"]) == {
        "Code": "ValidationException",
        "Message": f"{current['Arn']} key usage or key type is different from {new['Arn']}.",
    }
    assert aliases(kms)[0]["TargetKeyId"] == current["KeyId"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (key_type("RSA_2048", "SIGN_VERIFY"), key_type("ECC_NIST_P256", "SIGN_VERIFY")),
        (key_type("HMAC_224", "GENERATE_VERIFY_MAC"), key_type("HMAC_512", "GENERATE_VERIFY_MAC")),
    ],
)
def test_update_alias_between_keys_of_one_type_and_usage(
    kms: KMSClient, first: dict[str, str], second: dict[str, str]
) -> None:
    current = kms.create_key(**first)["KeyMetadata"]["KeyId"]
    new = kms.create_key(**second)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/typed", TargetKeyId=current)
    kms.update_alias(AliasName="alias/typed", TargetKeyId=new)
    assert aliases(kms)[0]["TargetKeyId"] == new


def test_update_missing_alias(kms: KMSClient, key: dict[str, Any]) -> None:
    assert raises_error(kms.update_alias, AliasName="alias/none", TargetKeyId=key["KeyId"]) == (
        not_found("alias/none")
    )


def test_update_alias_whose_key_is_pending_deletion(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/moving", TargetKeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    new = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/moving", TargetKeyId=new)  # the source may be pending
    assert aliases(kms)[0]["TargetKeyId"] == new


def test_update_alias_to_a_key_pending_deletion(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/moving", TargetKeyId=key["KeyId"])
    doomed = kms.create_key()["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=doomed["KeyId"])
    assert raises_error(
        kms.update_alias, AliasName="alias/moving", TargetKeyId=doomed["KeyId"]
    ) == {
        "Code": "KMSInvalidStateException",
        "Message": f"{doomed['Arn']} is pending deletion.",
    }


@pytest.mark.parametrize("target", ["alias/other", f"{ARN_PREFIX}:alias/other"])
def test_update_alias_target_cannot_be_an_alias(
    kms: KMSClient, key: dict[str, Any], target: str
) -> None:
    kms.create_alias(AliasName="alias/other", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/moving", TargetKeyId=key["KeyId"])
    assert raises_error(kms.update_alias, AliasName="alias/moving", TargetKeyId=target) == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


def test_aws_managed_aliases_cannot_be_updated_or_deleted(
    kms: KMSClient, key: dict[str, Any]
) -> None:
    managed = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]

    def denied(action: str) -> dict[str, str]:
        return {
            "Code": "AccessDeniedException",
            "Message": f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: "
            f"kms:{action} on resource: {managed['Arn']} because no resource-based policy "
            f"allows the kms:{action} action",
        }

    assert raises_error(kms.update_alias, AliasName="alias/aws/ebs", TargetKeyId=key["KeyId"]) == (
        denied("UpdateAlias")
    )
    assert raises_error(kms.delete_alias, AliasName="alias/aws/ebs") == denied("DeleteAlias")
    assert [a["AliasName"] for a in aliases(kms)] == ["alias/aws/ebs"]


def test_predefined_aws_aliases_not_yet_used_do_not_exist(
    kms: KMSClient, key: dict[str, Any]
) -> None:
    assert raises_error(kms.update_alias, AliasName="alias/aws/s3", TargetKeyId=key["KeyId"]) == (
        not_found("alias/aws/s3")
    )
    assert raises_error(kms.delete_alias, AliasName="alias/aws/s3") == not_found("alias/aws/s3")


# -- DeleteAlias -------------------------------------------------------------------------------


def test_delete_alias(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/gone", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/kept", TargetKeyId=key["KeyId"])
    assert set(kms.delete_alias(AliasName="alias/gone")) == {"ResponseMetadata"}
    assert [a["AliasName"] for a in aliases(kms)] == ["alias/kept"]
    assert raises_error(kms.describe_key, KeyId="alias/gone") == not_found("alias/gone")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_delete_missing_alias(kms: KMSClient) -> None:
    assert raises_error(kms.delete_alias, AliasName="alias/none") == not_found("alias/none")


def test_delete_alias_of_a_key_pending_deletion(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.create_alias(AliasName="alias/pending", TargetKeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    kms.delete_alias(AliasName="alias/pending")
    assert aliases(kms) == []


def test_deleting_a_key_deletes_its_aliases(
    kms: KMSClient, key: dict[str, Any], clock: time_machine.Coordinates
) -> None:
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert [a["AliasName"] for a in aliases(kms)] == ["alias/doomed"]  # still listed while pending
    clock.shift(timedelta(days=7))
    assert aliases(kms) == []
    assert raises_error(kms.delete_alias, AliasName="alias/doomed") == not_found("alias/doomed")
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])


# -- ListAliases -------------------------------------------------------------------------------


def test_list_aliases_of_an_empty_account(kms: KMSClient) -> None:
    response = kms.list_aliases()
    assert (response["Aliases"], response["Truncated"]) == ([], False)
    assert "NextMarker" not in response


def test_list_aliases_by_key(kms: KMSClient, key: dict[str, Any]) -> None:
    other = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/mine", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/theirs", TargetKeyId=other["KeyId"])
    for ident in (key["KeyId"], key["Arn"]):
        assert [a["AliasName"] for a in aliases(kms, KeyId=ident)] == ["alias/mine"]
    assert aliases(kms, KeyId=kms.create_key()["KeyMetadata"]["KeyId"]) == []


@pytest.mark.parametrize("ident", ["alias/mine", f"{ARN_PREFIX}:alias/mine"])
def test_list_aliases_key_filter_rejects_aliases(
    kms: KMSClient, key: dict[str, Any], ident: str
) -> None:
    kms.create_alias(AliasName="alias/mine", TargetKeyId=key["KeyId"])
    assert raises_error(kms.list_aliases, KeyId=ident) == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


def test_list_aliases_key_filter_for_a_missing_key(kms: KMSClient) -> None:
    assert raises_error(kms.list_aliases, KeyId=MISSING_ID) == {
        "Code": "NotFoundException",
        "Message": f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist",
    }


def _many_aliases(kms: KMSClient, count: int) -> list[str]:
    names = [f"alias/n{i:03}" for i in range(count)]
    for start in range(0, count, 50):
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        for name in names[start : start + 50]:
            kms.create_alias(AliasName=name, TargetKeyId=key_id)
    return names


def test_list_aliases_paging(kms: KMSClient) -> None:
    names = _many_aliases(kms, 5)
    first = kms.list_aliases(Limit=2)
    assert first["Truncated"] is True
    seen = [a["AliasName"] for a in first["Aliases"]]
    marker = first["NextMarker"]
    while marker:
        page = kms.list_aliases(Limit=2, Marker=marker)
        seen += [a["AliasName"] for a in page["Aliases"]]
        marker = page.get("NextMarker")
    assert seen == names
    assert page["Truncated"] is False


def test_list_aliases_default_limit_is_50_and_maximum_100(kms: KMSClient) -> None:
    _many_aliases(kms, 101)
    assert len(aliases(kms)) == 50
    clamped = kms.list_aliases(Limit=1000)
    assert (len(clamped["Aliases"]), clamped["Truncated"]) == (100, True)
    assert len(kms.list_aliases(Limit=100, Marker=clamped["NextMarker"])["Aliases"]) == 1


def test_list_aliases_invalid_marker(kms: KMSClient) -> None:
    assert raises_error(kms.list_aliases, Marker="bogus") == {
        "Code": "InvalidMarkerException",
        "Message": "Invalid marker",
    }


def test_list_aliases_paginator(kms: KMSClient) -> None:
    names = _many_aliases(kms, 7)
    paginator = kms.get_paginator("list_aliases")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [a["AliasName"] for p in pages for a in p["Aliases"]] == names
