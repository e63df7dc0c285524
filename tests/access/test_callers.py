"""Who is calling: the access key a request is signed with, on every front door (issue 13)."""

from __future__ import annotations

import importlib
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import boto3
import pytest

import kmsmock
from kmsmock import mock_kms
from tests.access.conftest import ACCOUNT, REGION, allow, document, not_authorized
from tests.helpers import raises_error, refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

UNRECOGNIZED = {
    "Code": "UnrecognizedClientException",
    "Message": "The security token included in the request is invalid.",
}


def stranger() -> Any:
    return boto3.client(
        "kms",
        region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )


def test_a_default_activation_accepts_any_credentials() -> None:
    with mock_kms():
        key = stranger().create_key()["KeyMetadata"]
        assert key["AWSAccountId"] == ACCOUNT


def test_an_undeclared_access_key_is_refused_once_principals_exist(
    kms: KMSClient, kms_mock: KmsMock
) -> None:
    kms_mock.add_user("someone")
    error = stranger()
    with pytest.raises(error.exceptions.ClientError) as exc:
        error.list_keys()
    assert exc.value.response["Error"] == UNRECOGNIZED
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    kms.list_keys()  # the environment's credentials stay the account's root


def test_the_request_loop_identifies_the_caller(kms: KMSClient, kms_mock: KmsMock) -> None:
    """A handler of the test's on the loop sends calls through it: the Authorization header
    names the caller there."""
    key = kms.create_key()["KeyMetadata"]
    reader = kms_mock.add_user("reader", identity_policies=[document(allow("kms:DescribeKey"))])
    client = reader.client(region_name=REGION)
    seen: list[str] = []
    client.meta.events.register("before-send.kms", lambda request, **_: seen.append("x"))
    client.describe_key(KeyId=key["KeyId"])
    assert refusal(client.disable_key, KeyId=key["KeyId"]) == not_authorized(
        reader.arn, "kms:DisableKey", key["Arn"], "identity-based"
    )
    assert seen
    looped = stranger()
    looped.meta.events.register("before-send.kms", lambda request, **_: None)
    assert raises_error(looped.list_keys) == UNRECOGNIZED


def _post(url: str, target: str, body: dict[str, Any], access_key: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "X-Amz-Target": f"TrentService.{target}",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{REGION}/kms/"
            "aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_local_endpoint_identifies_the_caller(kms_mock: KmsMock) -> None:
    user = kms_mock.add_user("remote", account="222233334444")
    with kms_mock.serve_http() as server:
        status, body = _post(server.url, "CreateKey", {}, user.access_key_id)
        assert status == 200
        assert body["KeyMetadata"]["AWSAccountId"] == "222233334444"
        assert _post(server.url, "ListKeys", {}, "AKIAUNKNOWN000000000") == (
            400,
            {"__type": UNRECOGNIZED["Code"], "message": UNRECOGNIZED["Message"]},
        )


def test_raw_http_identifies_the_caller(kms_mock: KmsMock) -> None:
    requests = pytest.importorskip("requests")
    pytest.importorskip("responses")
    user = kms_mock.add_user("raw", identity_policies=[])
    kms_mock.serve_responses()
    answer = requests.post(
        f"https://kms.{REGION}.amazonaws.com/",
        data=b"{}",
        headers={
            "X-Amz-Target": "TrentService.CreateKey",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={user.access_key_id}/20260101/"
            f"{REGION}/kms/aws4_request, SignedHeaders=host, Signature=0",
        },
        timeout=5,
    )
    assert answer.status_code == 400
    assert (
        answer.json()["message"]
        == not_authorized(user.arn, "kms:CreateKey", "*", "identity-based")[1]
    )


def test_an_aiobotocore_client_signs_as_its_principal(kms_mock: KmsMock) -> None:
    import asyncio

    aio = pytest.importorskip("aiobotocore.session")
    user = kms_mock.add_user("async", identity_policies=[])

    async def create() -> Any:
        session = aio.get_session()
        async with session.create_client("kms", region_name=REGION, **user.credentials()) as client:
            try:
                await client.create_key()
            except client.exceptions.ClientError as error:
                return error.response["Error"]
        return None

    assert asyncio.run(create()) == {
        "Code": "AccessDeniedException",
        "Message": not_authorized(user.arn, "kms:CreateKey", "*", "identity-based")[1],
    }


def test_dry_run_includes_the_decision(kms: KMSClient, kms_mock: KmsMock) -> None:
    key = kms.create_key()["KeyMetadata"]
    reader = kms_mock.add_user("reader", identity_policies=[document(allow("kms:Decrypt"))])
    client = reader.client(region_name=REGION)
    assert refusal(client.encrypt, KeyId=key["KeyId"], Plaintext=b"p", DryRun=True) == (
        not_authorized(reader.arn, "kms:Encrypt", key["Arn"], "identity-based")
    )
    writer = kms_mock.add_user("writer", identity_policies=[document(allow("kms:Encrypt"))])
    assert refusal(
        writer.client(region_name=REGION).encrypt, KeyId=key["KeyId"], Plaintext=b"p", DryRun=True
    ) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def test_a_default_activation_never_evaluates_a_policy(
    kms: KMSClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default key policy and the account root: a few attribute checks, no evaluation."""

    def evaluate(*_: Any, **__: Any) -> Any:
        raise AssertionError("evaluated")

    # where dispatch and the identity checks read it when they decide
    monkeypatch.setattr(importlib.import_module("kmsmock.access"), "evaluate", evaluate)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key_id)
    kms.list_keys()
    kms.disable_key(KeyId=key_id)


def test_principals_are_declared_on_an_active_mock() -> None:
    idle = kmsmock.KmsMock()
    with pytest.raises(RuntimeError, match="not active"):
        idle.add_user("early")
    with mock_kms() as m:
        with pytest.raises(ValueError, match="invalid identity policy"):
            m.add_user("bad", identity_policies=[{"Statement": []}])
        with pytest.raises(ValueError, match="12 digits"):
            m.add_role("r", account="1234")
        with pytest.raises(TypeError, match="identity_policy"):
            m.add_user("typo", identity_policy=[])  # type: ignore[call-arg]
        user = m.add_user("ok", path="/team/", tags={"team": "blue"})
        assert user.arn == f"arn:aws:iam::{ACCOUNT}:user/team/ok"
        assert isinstance(user, kmsmock.Principal)
        assert user.credentials()["aws_access_key_id"].startswith("AKIA")


@pytest.mark.parametrize(
    ("explicit", "policy"),
    [
        (False, "resource-based"),
        (False, "identity-based"),
        (True, "resource-based"),
        (True, "identity-based"),
    ],
)
def test_refusals_are_worded_as_the_evaluator_words_them(explicit: bool, policy: str) -> None:
    from kmsmock.access import Decision, denial_message

    decision = Decision(False, explicit, policy)
    caller, resource = f"arn:aws:iam::{ACCOUNT}:user/u", "*"
    expected = denial_message(caller, "kms:CreateKey", resource, decision)
    refusal_of = importlib.import_module("kmsmock.operations.dispatch")._refusal
    assert refusal_of(caller, "kms:CreateKey", resource, decision).message == expected
