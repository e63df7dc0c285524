"""The AWS Encryption SDK through principals that have exactly the rights it needs (issue 13,
"Proof"): a writer with kms:GenerateDataKey, a reader with kms:Decrypt, each refused the other's
half."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.access.conftest import REGION, document

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock, Principal

sdk_module = pytest.importorskip("aws_encryption_sdk")


def only(action: str, key_arn: str) -> list[dict[str, Any]]:
    return [document({"Effect": "Allow", "Action": action, "Resource": key_arn})]


def provider(principal: Principal, key_arn: str, answers: list[str] | None = None) -> Any:
    """A key provider whose KMS calls sign as ``principal``; ``answers`` collects each call's
    outcome (the SDK words every refusal its own way)."""
    session = principal.session(region_name=REGION)._session  # the botocore session under it
    if answers is not None:

        def note(parsed: dict[str, Any], **_: Any) -> None:
            answers.append(parsed.get("Error", {}).get("Code", "ok"))

        session.register("after-call.kms", note)
    return sdk_module.StrictAwsKmsMasterKeyProvider(key_ids=[key_arn], botocore_session=session)


def test_writer_and_reader_each_with_only_their_half(kms: KMSClient, kms_mock: KmsMock) -> None:
    from aws_encryption_sdk.identifiers import CommitmentPolicy

    arn = kms.create_key()["KeyMetadata"]["Arn"]
    writer = kms_mock.add_role("Writer", identity_policies=only("kms:GenerateDataKey", arn))
    reader = kms_mock.add_role("Reader", identity_policies=only("kms:Decrypt", arn))
    writing, reading = writer.assume("w-1"), reader.assume("r-1")
    sdk = sdk_module.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    message, _ = sdk.encrypt(
        source=b"order 42", key_provider=provider(writing, arn), encryption_context={"t": "a"}
    )
    plaintext, _ = sdk.decrypt(source=message, key_provider=provider(reading, arn))
    assert plaintext == b"order 42"
    answers: list[str] = []
    with pytest.raises(sdk_module.exceptions.AWSEncryptionSDKClientError):
        sdk.decrypt(source=message, key_provider=provider(writing, arn, answers))
    with pytest.raises(sdk_module.exceptions.AWSEncryptionSDKClientError):
        sdk.encrypt(source=b"x", key_provider=provider(reading, arn, answers))
    assert answers == ["AccessDeniedException", "AccessDeniedException"]
