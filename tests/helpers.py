"""What many test files need: AWS's answer to a refused call, and clients beside ``kms``.

Two ways to read a refusal, by how the test makes the call:

- ``error_of(exc)`` after ``with pytest.raises(ClientError) as exc:`` (a block that does more
  than one call, or a call that needs a statement) gives ``(code, message)``;
- ``refusal(kms.describe_key, KeyId=...)`` makes one call that must be refused and gives the same
  ``(code, message)``;
- ``raises_error(kms.describe_key, KeyId=...)`` makes one call and gives the whole ``Error``
  member, so comparing it with ``{"Code": ..., "Message": ...}`` also says nothing else came back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:  # the stubs come with the lint extra; the test extra alone runs the suite
    from mypy_boto3_kms import KMSClient

REGION, ACCOUNT = "us-east-1", "123456789012"

# The service's own checks answer with the texts under test only when the client's are off.
UNCHECKED = Config(parameter_validation=False)


# How a key leaves the Enabled state, and the refusal that follows: (change, code, message end).
STATE_REFUSALS = [
    ("disable", "DisabledException", "is disabled."),
    ("schedule", "KMSInvalidStateException", "is pending deletion."),
]


def change_state(kms: KMSClient, key_id: str, change: str) -> None:
    """Take a key out of the Enabled state the way ``change`` in ``STATE_REFUSALS`` names."""
    if change == "disable":
        kms.disable_key(KeyId=key_id)
    else:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


# The changes alone, for tests that take ``out_of_service``'s word for the refusal.
STATE_CHANGES = [change for change, _, _ in STATE_REFUSALS]


def out_of_service(kms: KMSClient, key: Mapping[str, Any], change: str) -> tuple[str, str]:
    """Take ``key`` (its KeyMetadata) out of the Enabled state as ``change`` names, and give the
    refusal that using it meets from then on."""
    change_state(kms, key["KeyId"], change)
    code, text = next((code, text) for name, code, text in STATE_REFUSALS if name == change)
    return code, f"{key['Arn']} {text}"


def wrong_usage(arn: str, usage: str, operation: str) -> tuple[str, str]:
    """The refusal of an operation that the key's KeyUsage does not allow."""
    return (
        "InvalidKeyUsageException",
        f"{arn} key usage is {usage} which is not valid for {operation}.",
    )


def public_xks_store(name: str, secret: str) -> dict[str, Any]:
    """CreateCustomKeyStore's parameters for an external key store on a public endpoint."""
    return {
        "CustomKeyStoreName": name,
        "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyUriEndpoint": "https://xks.example.com",
        "XksProxyUriPath": "/kms/xks/v1",
        "XksProxyConnectivity": "PUBLIC_ENDPOINT",
        "XksProxyAuthenticationCredential": {
            "AccessKeyId": "ABCDEFGHIJKLMNOPQRST",
            "RawSecretAccessKey": secret,
        },
    }


# The RSA signing algorithms, in the order DescribeKey lists them.
RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The code and message of a refusal caught with ``pytest.raises(ClientError)``."""
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


def refusal(call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """Make one call that must be refused, and give the code and message of the refusal."""
    with pytest.raises(ClientError) as exc:
        call(*args, **kwargs)
    return error_of(exc)


def raises_error(call: Callable[..., Any], /, **kwargs: Any) -> dict[str, str]:
    """Make one call that must be refused, and give the ``Error`` member of the answer."""
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return dict(exc.value.response["Error"])


def new_client(region: str = REGION, *, validate: bool = True) -> KMSClient:
    """A KMS client in ``region`` (served by whichever kmsmock is active); ``validate=False``
    turns botocore's own parameter checks off, so the mock's checks answer."""
    return boto3.client("kms", region_name=region, config=None if validate else UNCHECKED)


def replace_handler(
    monkeypatch: pytest.MonkeyPatch, name: str, handler: Callable[[Any, Any], Any]
) -> None:
    """Serve operation ``name`` with ``handler`` for the rest of the test."""
    import dataclasses

    from kmsmock.operations import OPERATIONS

    monkeypatch.setitem(OPERATIONS, name, dataclasses.replace(OPERATIONS[name], handler=handler))


def without_retries(region: str = REGION) -> KMSClient:
    """A client that makes one attempt: a 5xx answer reaches the test at once, not after
    botocore's retries and their back-off."""
    client: KMSClient = boto3.client(
        "kms", region_name=region, config=Config(retries={"total_max_attempts": 1})
    )
    return client


def policy_held(kms_mock: Any, key_arn: str) -> str | None:
    """The policy text kmsmock holds for a key: what GetKeyPolicy would return to a caller the
    policy still lets read it (a policy that locks the account's root out refuses it that)."""
    _, _, _, region, account, rest = key_arn.split(":", 5)
    held: str | None = kms_mock.backend.store(account, region).keys[rest.split("/", 1)[1]].policy
    return held
