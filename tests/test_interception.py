"""Interception: every KMS client in the process is served in-process, nothing else is touched."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws
from pytest_socket import SocketBlockedError, disable_socket

from kmsmock import mock_kms

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1)
# Clients made outside an activation need credentials of their own (else botocore asks the
# instance metadata service for some); these are never sent anywhere.
OWN_CREDENTIALS = {"aws_access_key_id": "AKIAOWNTESTKEY", "aws_secret_access_key": "own-secret"}


@pytest.fixture
def no_network() -> Iterator[None]:
    """Any socket the code under test opens raises SocketBlockedError (whatever guard the run
    already has, such as ``--disable-socket``, is put back afterwards)."""
    saved = (socket.socket, socket.getaddrinfo, socket.gethostbyname)
    disable_socket()
    try:
        yield
    finally:
        socket.socket, socket.getaddrinfo, socket.gethostbyname = saved  # type: ignore[misc]


def raises_blocked_socket(call: Any, **kwargs: Any) -> None:
    """The call tried to reach the network (and was stopped by the socket guard)."""
    with pytest.raises(Exception) as exc:  # noqa: PT011 - botocore may wrap the error
        call(**kwargs)
    chain: list[BaseException] = []
    error: BaseException | None = exc.value
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    # pytest-socket warns, then raises; with warnings as errors the warning is what propagates.
    assert any(
        isinstance(e, SocketBlockedError) or "A test tried to use socket" in str(e) for e in chain
    ), chain


@pytest.mark.usefixtures("no_network")
def test_client_created_before_activation_is_served_then_released() -> None:
    kms = boto3.client("kms", region_name="us-east-1", config=NO_RETRY, **OWN_CREDENTIALS)
    with mock_kms():
        key = kms.create_key()["KeyMetadata"]
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]
    raises_blocked_socket(kms.list_keys)  # after stop, the same client goes to AWS again


@pytest.mark.usefixtures("no_network")
def test_client_created_during_activation_is_served() -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        assert kms.list_keys()["Keys"] == []


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-1", "aws"),
        ("ap-southeast-2", "aws"),
        ("il-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
    ],
)
def test_any_region_is_served_with_its_own_keys(region: str, partition: str) -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name=region)
        other = boto3.client("kms", region_name="us-west-2")
        key = kms.create_key()["KeyMetadata"]
        assert key["Arn"] == f"arn:{partition}:kms:{region}:123456789012:key/{key['KeyId']}"
        assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [key["KeyId"]]
        assert other.list_keys()["Keys"] == []


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "endpoint_url",
    [
        "https://kms.us-east-1.amazonaws.com",
        "https://kms-fips.us-east-1.amazonaws.com",
        "http://localhost:4566",
        "https://vpce-0123456789abcdef-abcdefgh.kms.us-east-1.vpce.amazonaws.com",
    ],
)
def test_custom_endpoint_urls_are_served(endpoint_url: str) -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint_url)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        plain = boto3.client("kms", region_name="us-east-1")
        assert plain.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id


@pytest.mark.usefixtures("no_network")
def test_other_services_are_not_intercepted() -> None:
    with mock_kms():
        sts = boto3.client("sts", region_name="us-east-1", config=NO_RETRY)
        raises_blocked_socket(sts.get_caller_identity)


@pytest.mark.usefixtures("no_network")
@pytest.mark.usefixtures("no_network")
def test_handlers_on_the_request_loop_fire_and_nothing_is_sent() -> None:
    """A handler of the user's on an event of botocore's request loop sends the call through
    the loop: it fires as it would against AWS, and kmsmock answers at ``before-send``."""
    events: list[str] = []
    with mock_kms():
        kms = boto3.client(
            "kms",
            region_name="us-east-1",
            aws_access_key_id="AKIAREALLOOKINGKEY01",
            aws_secret_access_key="a-real-looking-secret",
        )
        for event in ("before-sign.kms", "request-created.kms", "before-send.kms"):
            kms.meta.events.register(event, lambda event_name, **_: events.append(event_name))
        kms.create_key()
        with pytest.raises(ClientError):
            kms.describe_key(KeyId="alias/missing")
    assert events == [
        "before-sign.kms.CreateKey",
        "request-created.kms.CreateKey",
        "before-send.kms.CreateKey",
        "before-sign.kms.DescribeKey",
        "request-created.kms.DescribeKey",
        "before-send.kms.DescribeKey",
    ]


@pytest.mark.usefixtures("no_network")
def test_errors_are_botocores_modeled_exception_classes() -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        with pytest.raises(kms.exceptions.NotFoundException) as exc:
            kms.describe_key(KeyId="alias/missing")
    error = exc.value.response
    assert error["Error"] == {
        "Code": "NotFoundException",
        "Message": "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found.",
    }
    assert error["message"] == error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ResponseMetadata"]["RetryAttempts"] == 0
    assert len(error["ResponseMetadata"]["RequestId"]) == 36
    assert str(exc.value) == (
        "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found."
    )


@pytest.mark.usefixtures("no_network")
def test_responses_go_through_botocores_parser() -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        meta = kms.create_key()["KeyMetadata"]
        encrypted = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"secret")
        response = kms.list_keys()
    assert meta["CreationDate"].tzinfo is not None  # a datetime, as botocore builds them
    assert isinstance(encrypted["CiphertextBlob"], bytes)  # base64 decoded by botocore
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == (
        "application/x-amz-json-1.1"
    )


@pytest.mark.usefixtures("no_network")
def test_paginators_work() -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        ids = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(5)}
        pages = list(kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["Keys"]) for p in pages] == [2, 2, 1]
    assert {k["KeyId"] for p in pages for k in p["Keys"]} == ids


@pytest.mark.usefixtures("no_network")
def test_a_stubber_still_wins() -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        with Stubber(kms) as stubber:
            stubber.add_response("list_keys", {"Keys": [], "Truncated": False})
            stubber.add_client_error("describe_key", "DisabledException", "stubbed")
            assert kms.list_keys()["Keys"] == []
            with pytest.raises(ClientError, match="stubbed"):
                kms.describe_key(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")
        assert kms.list_keys()["Keys"] == []  # back to kmsmock once the stubber is off


@pytest.mark.usefixtures("no_network")
def test_botocore_session_clients_are_served() -> None:
    with mock_kms():
        kms = botocore.session.get_session().create_client("kms", region_name="sa-east-1")
        assert kms.create_key()["KeyMetadata"]["Arn"].startswith("arn:aws:kms:sa-east-1:")


# -- composing with moto ------------------------------------------------------------------------


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("kms_outside", [True, False], ids=["kms-outside", "moto-outside"])
def test_composes_with_moto(kms_outside: bool) -> None:
    """moto serves S3, kmsmock serves KMS: envelope encryption across both."""
    first, second = (mock_kms(), mock_aws()) if kms_outside else (mock_aws(), mock_kms())
    with first, second:
        s3 = boto3.client("s3", region_name="us-east-1")
        kms = boto3.client("kms", region_name="us-east-1")
        key_id = kms.create_key(Description="for s3")["KeyMetadata"]["KeyId"]
        data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
        s3.create_bucket(Bucket="bucket")
        s3.put_object(Bucket="bucket", Key="wrapped", Body=data_key["CiphertextBlob"])
        stored = s3.get_object(Bucket="bucket", Key="wrapped")["Body"].read()
        assert kms.decrypt(CiphertextBlob=stored)["Plaintext"] == data_key["Plaintext"]
        # kmsmock answered KMS: its exact error texts, not moto's.
        with pytest.raises(ClientError) as exc:
            kms.describe_key(KeyId="not-a-key")
        assert exc.value.response["Error"]["Message"] == "Invalid keyId 'not-a-key'"
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bucket"]


@pytest.mark.usefixtures("no_network")
def test_moto_s3_sse_kms_with_a_kmsmock_key() -> None:
    with mock_aws(), mock_kms():
        s3 = boto3.client("s3", region_name="us-east-1")
        kms = boto3.client("kms", region_name="us-east-1")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        s3.create_bucket(Bucket="sse")
        s3.put_object(
            Bucket="sse", Key="k", Body=b"body", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
        )
        head = s3.head_object(Bucket="sse", Key="k")
        assert head["SSEKMSKeyId"] == key_arn
        assert s3.get_object(Bucket="sse", Key="k")["Body"].read() == b"body"


# -- no credentials, no configuration -------------------------------------------------------

NO_CONFIG_SCRIPT = textwrap.dedent(
    """
    import json, os, socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args))
        raise OSError("kmsmock test: the network is off limits")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse

    import botocore.session
    from botocore.exceptions import ClientError
    from kmsmock import mock_kms

    # A client made before activation, in an environment with nothing configured at all.
    early = botocore.session.get_session().create_client("kms", region_name="us-east-1")
    with mock_kms():
        names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        during = {k: os.environ.get(k) for k in names}
        kms = botocore.session.get_session().create_client("kms", region_name="eu-west-1")
        key = kms.create_key()["KeyMetadata"]
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hi")["CiphertextBlob"]
        plain = kms.decrypt(CiphertextBlob=blob)["Plaintext"]
        early_keys = early.list_keys()["Keys"]
        try:
            kms.describe_key(KeyId="alias/nope")
            error = None
        except ClientError as exc:
            error = exc.response["Error"]["Code"]
    print(json.dumps({
        "attempts": attempts,
        "plain": plain.decode(),
        "early_keys": early_keys,
        "error": error,
        "during": during,
        "after": sorted(k for k in os.environ if k.startswith("AWS_") and "FILE" not in k),
    }))
    """
)


def test_works_with_no_credentials_and_no_config_files(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "HOME": str(tmp_path),
            "AWS_CONFIG_FILE": str(tmp_path / "missing-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",  # only for the client made before activation
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", NO_CONFIG_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(out.stdout)
    assert report["attempts"] == []
    assert report["plain"] == "hi"
    assert report["early_keys"] == []  # us-east-1: the key was made in eu-west-1
    assert report["error"] == "NotFoundException"
    assert report["during"]["AWS_ACCESS_KEY_ID"] == "AKIAKMSMOCKTESTING00"
    assert report["after"] == ["AWS_EC2_METADATA_DISABLED"]
