"""The local endpoint: botocore clients (and anything speaking KMS's JSON protocol) over
loopback HTTP, with the same behaviour as in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from kmsmock.server import KmsServer

# Loopback only: the endpoint under test is local, anything else stays blocked.
pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


@pytest.fixture
def server() -> Iterator[KmsServer]:
    with KmsServer() as s:
        yield s


def client(server: KmsServer, region: str = "eu-west-1") -> Any:
    return boto3.client(
        "kms",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
    )


def test_round_trip_over_http(server: KmsServer) -> None:
    kms = client(server)
    md = kms.create_key()["KeyMetadata"]
    assert md["Arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    blob = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"over http")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over http"
    assert server.backend.store("123456789012", "eu-west-1").keys  # state lives in the server


def test_errors_over_http(server: KmsServer) -> None:
    kms = client(server)
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId="nope")
    assert exc.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": "Invalid keyId 'nope'",
    }
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_region_comes_from_the_signature(server: KmsServer) -> None:
    client(server, "ap-south-1").create_key()
    assert [
        k["KeyArn"].split(":")[3] for k in client(server, "ap-south-1").list_keys()["Keys"]
    ] == ["ap-south-1"]
    assert client(server, "us-east-1").list_keys()["Keys"] == []


def test_aws_cli_in_a_subprocess(server: KmsServer, tmp_path: Path) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "PATH": "",
    }
    run = [sys.executable, "-m", "awscli", "--endpoint-url", server.url, "kms"]
    created = subprocess.run(
        [*run, "create-key"], env=env, capture_output=True, text=True, check=True
    )
    key_id = json.loads(created.stdout)["KeyMetadata"]["KeyId"]
    listed = subprocess.run(
        [*run, "list-keys"], env=env, capture_output=True, text=True, check=True
    )
    assert [k["KeyId"] for k in json.loads(listed.stdout)["Keys"]] == [key_id]
