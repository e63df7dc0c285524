"""Tags: TagResource, UntagResource, ListResourceTags and CreateKey's Tags (kms-facts §3.5, §4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import new_client, raises_error

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}"


@pytest.fixture
def key(kms: KMSClient) -> dict[str, Any]:
    return dict(kms.create_key()["KeyMetadata"])


def tag(k: str, v: str = "v") -> dict[str, str]:
    return {"TagKey": k, "TagValue": v}


def tags(kms: KMSClient, key_id: str, **kwargs: Any) -> list[dict[str, str]]:
    return list(kms.list_resource_tags(KeyId=key_id, **kwargs)["Tags"])


def tag_error(message: str) -> dict[str, str]:
    return {"Code": "TagException", "Message": message}


def test_untagged_key(kms: KMSClient, key: dict[str, Any]) -> None:
    response = kms.list_resource_tags(KeyId=key["KeyId"])
    assert (response["Tags"], response["Truncated"]) == ([], False)
    assert "NextMarker" not in response


def test_tags_keep_insertion_order_and_updates_keep_their_place(kms: KMSClient) -> None:
    key_id = kms.create_key(Tags=[tag("tag1", "a"), tag("tag2", "b"), tag("tag3", "c")])[
        "KeyMetadata"
    ]["KeyId"]
    response = kms.tag_resource(
        KeyId=key_id, Tags=[tag("tag2", "updated"), tag("tag4", "d"), tag("tag5", "e")]
    )
    assert set(response) == {"ResponseMetadata"}
    assert tags(kms, key_id) == [
        tag("tag1", "a"),
        tag("tag2", "updated"),
        tag("tag3", "c"),
        tag("tag4", "d"),
        tag("tag5", "e"),
    ]


def test_tag_values_may_be_empty_and_keys_are_case_sensitive(
    kms: KMSClient, key: dict[str, Any]
) -> None:
    kms.tag_resource(KeyId=key["Arn"], Tags=[tag("Env", ""), tag("env", "prod")])
    assert tags(kms, key["Arn"]) == [tag("Env", ""), tag("env", "prod")]


def test_untag(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("a"), tag("b"), tag("c")])
    assert set(kms.untag_resource(KeyId=key["KeyId"], TagKeys=["b", "missing"])) == {
        "ResponseMetadata"
    }
    assert tags(kms, key["KeyId"]) == [tag("a"), tag("c")]
    kms.untag_resource(KeyId=key["Arn"], TagKeys=["a", "c"])
    assert tags(kms, key["KeyId"]) == []
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["never-there"])  # silent


def test_empty_tag_list_changes_nothing(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("a")])
    kms.tag_resource(KeyId=key["KeyId"], Tags=[])
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=[])
    assert tags(kms, key["KeyId"]) == [tag("a")]


def test_duplicate_tag_keys(kms: KMSClient, key: dict[str, Any]) -> None:
    assert raises_error(kms.create_key, Tags=[tag("a", "1"), tag("a", "2")]) == tag_error(
        "Duplicate tag keys"
    )
    assert raises_error(
        kms.tag_resource, KeyId=key["KeyId"], Tags=[tag("a"), tag("a")]
    ) == tag_error("Duplicate tag keys")
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [key["KeyId"]]


@pytest.mark.parametrize("reserved", ["aws:created-by", "AWS:x", "Aws:y", "aWs:"])
def test_aws_prefix_is_reserved(kms: KMSClient, key: dict[str, Any], reserved: str) -> None:
    message = tag_error("Tags beginning with aws: are reserved")
    assert raises_error(kms.create_key, Tags=[tag(reserved)]) == message
    assert (
        raises_error(kms.tag_resource, KeyId=key["KeyId"], Tags=[tag("ok"), tag(reserved)])
        == message
    )
    assert raises_error(kms.untag_resource, KeyId=key["KeyId"], TagKeys=[reserved]) == message
    assert tags(kms, key["KeyId"]) == []


def test_aws_inside_a_key_is_fine(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("my:aws:thing"), tag("aws")])
    assert [t["TagKey"] for t in tags(kms, key["KeyId"])] == ["my:aws:thing", "aws"]


def test_fifty_tags_at_most(kms: KMSClient) -> None:
    fifty = [tag(f"k{i}") for i in range(50)]
    key_id = kms.create_key(Tags=fifty)["KeyMetadata"]["KeyId"]
    assert raises_error(kms.create_key, Tags=[*fifty, tag("k50")]) == tag_error("Too many tags")
    assert raises_error(kms.tag_resource, KeyId=key_id, Tags=[tag("one-more")]) == tag_error(
        "Too many tags"
    )
    kms.tag_resource(KeyId=key_id, Tags=[tag("k0", "replaced")])  # replacing adds nothing
    assert len(tags(kms, key_id)) == 50


def test_tag_lengths_are_validated_by_the_service(kms: KMSClient, key: dict[str, Any]) -> None:
    unchecked = new_client(validate=False)
    long_key = "k" * 129
    assert raises_error(unchecked.tag_resource, KeyId=key["KeyId"], Tags=[tag(long_key)]) == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{long_key}' at 'tags.1.member.tagKey' "
        "failed to satisfy constraint: Member must have length less than or equal to 128",
    }
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("k" * 128, "v" * 256)])


def test_list_resource_tags_paging(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag(f"k{i}") for i in range(5)])
    first = kms.list_resource_tags(KeyId=key["KeyId"], Limit=2)
    assert (first["Tags"], first["Truncated"]) == ([tag("k0"), tag("k1")], True)
    second = kms.list_resource_tags(KeyId=key["KeyId"], Limit=3, Marker=first["NextMarker"])
    assert (second["Tags"], second["Truncated"]) == ([tag("k2"), tag("k3"), tag("k4")], False)
    assert "NextMarker" not in second


def test_list_resource_tags_limit_is_clamped_to_50(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag(f"k{i:02}") for i in range(50)])
    assert len(tags(kms, key["KeyId"])) == 50
    assert len(tags(kms, key["KeyId"], Limit=1000)) == 50


def test_list_resource_tags_invalid_marker(kms: KMSClient, key: dict[str, Any]) -> None:
    assert raises_error(kms.list_resource_tags, KeyId=key["KeyId"], Marker="nope") == {
        "Code": "InvalidMarkerException",
        "Message": "Invalid marker",
    }


def test_tags_of_a_key_pending_deletion_can_be_read_not_changed(
    kms: KMSClient, key: dict[str, Any]
) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("a")])
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    pending = {"Code": "KMSInvalidStateException", "Message": f"{key['Arn']} is pending deletion."}
    assert raises_error(kms.tag_resource, KeyId=key["KeyId"], Tags=[tag("b")]) == pending
    assert raises_error(kms.untag_resource, KeyId=key["KeyId"], TagKeys=["a"]) == pending
    assert tags(kms, key["KeyId"]) == [tag("a")]


def test_tags_on_a_missing_key(kms: KMSClient) -> None:
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    not_found = {
        "Code": "NotFoundException",
        "Message": f"Key '{ARN_PREFIX}:key/{missing}' does not exist",
    }
    assert raises_error(kms.tag_resource, KeyId=missing, Tags=[tag("a")]) == not_found
    assert raises_error(kms.untag_resource, KeyId=missing, TagKeys=["a"]) == not_found
    assert raises_error(kms.list_resource_tags, KeyId=missing) == not_found


def test_tags_are_per_key(kms: KMSClient, key: dict[str, Any]) -> None:
    other = kms.create_key(Tags=[tag("other")])["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag("mine")])
    assert tags(kms, key["KeyId"]) == [tag("mine")]
    assert tags(kms, other) == [tag("other")]


def test_list_resource_tags_paginator(kms: KMSClient, key: dict[str, Any]) -> None:
    kms.tag_resource(KeyId=key["KeyId"], Tags=[tag(f"k{i}") for i in range(7)])
    pages = kms.get_paginator("list_resource_tags").paginate(
        KeyId=key["KeyId"], PaginationConfig={"PageSize": 3}
    )
    assert [t["TagKey"] for p in pages for t in p["Tags"]] == [f"k{i}" for i in range(7)]
