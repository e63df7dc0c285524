"""Raw HTTP callers: ``requests`` against the KMS endpoint, answered through ``responses`` from
the same backend as boto3."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
import responses
from requests_aws4auth import AWS4Auth

from kmsmock import KmsMock, mock_kms

ENDPOINT = "https://kms.eu-west-1.amazonaws.com/"


@pytest.fixture
def served() -> Iterator[tuple[KmsMock, responses.RequestsMock]]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps, mock_kms() as kms:
        kms.serve_responses(rsps)
        yield kms, rsps


def call(operation: str, body: dict[str, Any], *, url: str = ENDPOINT, **kwargs: Any) -> Any:
    return requests.post(
        url,
        data=json.dumps(body),
        headers={
            "X-Amz-Target": f"TrentService.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=5,
        **kwargs,
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.usefixtures("served")
def test_a_signed_request_round_trip() -> None:
    auth = AWS4Auth("AKIAIOSFODNN7EXAMPLE", "secret", "eu-west-1", "kms")
    created = call("CreateKey", {"Description": "raw"}, auth=auth)
    assert created.status_code == 200
    key = created.json()["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    sealed = call("Encrypt", {"KeyId": key["KeyId"], "Plaintext": b64(b"hello")}, auth=auth)
    opened = call("Decrypt", {"CiphertextBlob": sealed.json()["CiphertextBlob"]}, auth=auth)
    assert base64.b64decode(opened.json()["Plaintext"]) == b"hello"
    assert opened.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert opened.headers["x-amzn-RequestId"]


@pytest.mark.usefixtures("served")
def test_the_region_is_the_signed_one_else_the_hosts() -> None:
    signed = AWS4Auth("AKIAIOSFODNN7EXAMPLE", "secret", "ap-southeast-2", "kms")
    key = call("CreateKey", {}, auth=signed).json()["KeyMetadata"]
    assert ":ap-southeast-2:" in key["Arn"]
    unsigned = call("CreateKey", {}, url="https://kms-fips.us-west-2.amazonaws.com/")
    assert ":us-west-2:" in unsigned.json()["KeyMetadata"]["Arn"]
    china = call("CreateKey", {}, url="https://kms.cn-north-1.amazonaws.com.cn/")
    assert china.json()["KeyMetadata"]["Arn"].startswith("arn:aws-cn:kms:cn-north-1:")


@pytest.mark.usefixtures("served")
def test_errors_are_awss_envelope() -> None:
    missing = call("DescribeKey", {"KeyId": "alias/missing"})
    assert missing.status_code == 400
    assert missing.json() == {
        "__type": "NotFoundException",
        "message": "Alias arn:aws:kms:eu-west-1:123456789012:alias/missing is not found.",
    }
    bad = call("GenerateRandom", {"NumberOfBytes": 2000})
    assert bad.status_code == 400
    assert bad.json()["__type"] == "ValidationException"


def test_boto3_and_raw_http_share_the_backend(
    served: tuple[KmsMock, responses.RequestsMock],
) -> None:
    kms = boto3.client("kms", region_name="eu-west-1")
    key_id = kms.create_key(Description="from boto3")["KeyMetadata"]["KeyId"]
    described = call("DescribeKey", {"KeyId": key_id}).json()["KeyMetadata"]
    assert described["Description"] == "from boto3"
    blob = call("Encrypt", {"KeyId": key_id, "Plaintext": b64(b"raw")}).json()["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=base64.b64decode(blob))["Plaintext"] == b"raw"


def test_other_urls_stay_with_the_users_registrations(
    served: tuple[KmsMock, responses.RequestsMock],
) -> None:
    _, rsps = served
    rsps.add(responses.GET, "https://example.com/health", json={"ok": True})
    rsps.add(responses.POST, "https://sqs.eu-west-1.amazonaws.com/", body="<sqs/>")
    assert requests.get("https://example.com/health", timeout=5).json() == {"ok": True}
    assert requests.post("https://sqs.eu-west-1.amazonaws.com/", timeout=5).text == "<sqs/>"
    with pytest.raises(requests.exceptions.ConnectionError):  # responses' own refusal
        requests.get("https://kms.eu-west-1.amazonaws.com/", timeout=5)  # not a POST


def test_a_custom_endpoint_url() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps, mock_kms() as kms:
        kms.serve_responses(rsps, endpoint_url="http://localhost:4566")
        auth = AWS4Auth("AKIAIOSFODNN7EXAMPLE", "secret", "us-east-2", "kms")
        key = call("CreateKey", {}, url="http://localhost:4566", auth=auth).json()
        assert ":us-east-2:" in key["KeyMetadata"]["Arn"]


def test_mock_kms_responses_true_brings_its_own_requests_mock() -> None:
    @mock_kms(responses=True)
    def under_decorator() -> Any:
        return call("GenerateRandom", {"NumberOfBytes": 8}).json()

    assert len(base64.b64decode(under_decorator()["Plaintext"])) == 8
    with mock_kms(responses=True):
        key = call("CreateKey", {"Description": "own"}).json()["KeyMetadata"]
        assert (
            boto3.client("kms", region_name="eu-west-1").describe_key(KeyId=key["KeyId"])[
                "KeyMetadata"
            ]["Description"]
            == "own"
        )


def test_its_own_requests_mock_lets_other_urls_through_and_stops_with_the_mock() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as outer:
        outer.add(responses.GET, "https://example.com/outer", body="outer")
        with mock_kms() as kms:
            own = kms.serve_responses()
            assert own is not outer
            # A URL kmsmock does not answer goes through to what handled it before: the outer
            # RequestsMock here.
            assert requests.get("https://example.com/outer", timeout=5).text == "outer"
            assert call("ListKeys", {}).json()["Keys"] == []
        # Stopped with the activation: KMS URLs are the outer mock's again (none registered).
        with pytest.raises(requests.exceptions.ConnectionError):
            call("ListKeys", {})
