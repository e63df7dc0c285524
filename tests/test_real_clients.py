"""Real clients work unchanged against kmsmock: the AWS Encryption SDK and the AWS CLI (v1,
which runs on botocore in the same process)."""

from __future__ import annotations

import contextlib
import io
import json
from typing import TYPE_CHECKING

import aws_encryption_sdk
import pytest
from aws_encryption_sdk.identifiers import CommitmentPolicy
from awscli.clidriver import create_clidriver

from kmsmock import KmsMock

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


def test_encryption_sdk_round_trip_across_rotation(kms_client: KMSClient) -> None:
    arn = kms_client.create_key()["KeyMetadata"]["Arn"]
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[arn])
    message, _ = sdk.encrypt(
        source=b"order 42", key_provider=provider, encryption_context={"tenant": "acme"}
    )
    kms_client.rotate_key_on_demand(KeyId=arn)
    plaintext, header = sdk.decrypt(source=message, key_provider=provider)
    assert plaintext == b"order 42"
    assert header.encryption_context["tenant"] == "acme"


def test_encryption_sdk_refuses_a_disabled_key(kms_client: KMSClient) -> None:
    arn = kms_client.create_key()["KeyMetadata"]["Arn"]
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[arn])
    message, _ = sdk.encrypt(source=b"x", key_provider=provider)
    kms_client.disable_key(KeyId=arn)
    with pytest.raises(aws_encryption_sdk.exceptions.AWSEncryptionSDKClientError):
        sdk.decrypt(source=message, key_provider=provider)


def aws(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = create_clidriver().main(["--region", "us-east-1", *args])
    return code, out.getvalue(), err.getvalue()


def test_aws_cli(kms_mock: KmsMock) -> None:
    code, out, _ = aws("kms", "create-key", "--description", "from the CLI")
    assert code == 0
    key_id = json.loads(out)["KeyMetadata"]["KeyId"]
    code, out, _ = aws("kms", "list-keys")
    assert [k["KeyId"] for k in json.loads(out)["Keys"]] == [key_id]
    code, _, err = aws("kms", "describe-key", "--key-id", "nope")
    assert code == 255  # the CLI's exit code for a service error
    assert err.strip().endswith(
        "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        "Invalid keyId 'nope'"
    )
