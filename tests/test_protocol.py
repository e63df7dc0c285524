"""The AWS JSON 1.1 wire protocol: targets, bodies, the error envelope, unknown operations."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from pytest_socket import disable_socket

from kmsmock import protocol
from kmsmock.backend.store import Backend
from kmsmock.operations import OPERATIONS
from tests.helpers import replace_handler, without_retries

from . import model

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

MODEL = botocore.session.get_session().get_service_model("kms")


def call(target: str, body: Any, backend: Backend | None = None) -> tuple[int, dict[str, str], Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, headers, out = protocol.handle(
        backend or Backend(), MODEL, target, raw, region="us-east-1"
    )
    return status, headers, json.loads(out)


@pytest.fixture
def offline_kms(kms: KMSClient) -> Iterator[KMSClient]:
    saved = (socket.socket, socket.getaddrinfo, socket.gethostbyname)
    disable_socket()  # an operation kmsmock does not serve must not reach the network
    try:
        yield kms
    finally:
        socket.socket, socket.getaddrinfo, socket.gethostbyname = saved  # type: ignore[misc]


def test_metadata_is_json_1_1_trent_service() -> None:
    assert MODEL.metadata["protocol"] == "json"
    assert MODEL.metadata["jsonVersion"] == "1.1"
    assert MODEL.metadata["targetPrefix"] == "TrentService"
    assert protocol.TARGET_PREFIX == "TrentService."


def test_success_answer_is_json_with_aws_headers() -> None:
    status, headers, body = call("TrentService.CreateKey", {"Description": "d"})
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert len(headers["x-amzn-RequestId"]) == 36
    meta = body["KeyMetadata"]
    assert meta["Description"] == "d"
    assert isinstance(meta["CreationDate"], float)  # epoch seconds, as AWS sends timestamps


def test_blobs_travel_as_base64() -> None:
    backend = Backend()
    _, _, created = call("TrentService.CreateKey", {}, backend)
    key_id = created["KeyMetadata"]["KeyId"]
    plaintext = base64.b64encode(b"hello").decode()
    _, _, enc = call("TrentService.Encrypt", {"KeyId": key_id, "Plaintext": plaintext}, backend)
    blob = enc["CiphertextBlob"]
    assert isinstance(blob, str)
    _, _, dec = call("TrentService.Decrypt", {"CiphertextBlob": blob}, backend)
    assert base64.b64decode(dec["Plaintext"]) == b"hello"


def test_an_error_is_http_400_with_type_and_message() -> None:
    status, headers, body = call("TrentService.DescribeKey", {"KeyId": "nope"})
    assert status == 400
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert body == {"__type": "NotFoundException", "message": "Invalid keyId 'nope'"}


def test_an_error_with_nothing_to_say_has_no_message_member() -> None:
    backend = Backend()
    _, _, created = call("TrentService.CreateKey", {}, backend)
    key_id = created["KeyMetadata"]["KeyId"]
    plaintext = base64.b64encode(b"x").decode()
    _, _, enc = call(
        "TrentService.Encrypt",
        {"KeyId": key_id, "Plaintext": plaintext, "EncryptionContext": {"a": "b"}},
        backend,
    )
    blob = {"CiphertextBlob": enc["CiphertextBlob"]}
    status, _, body = call("TrentService.Decrypt", blob, backend)
    assert status == 400
    assert body == {"__type": "InvalidCiphertextException"}


@pytest.mark.parametrize("target", ["TrentService.NoSuchOperation", "Other.DescribeKey", ""])
def test_an_unknown_target_is_an_unknown_operation(target: str) -> None:
    status, _, body = call(target, {})
    assert status == 400
    assert body == {
        "__type": "UnknownOperationException",
        "message": f"Unrecognized operation {target!r}",
    }


@pytest.mark.parametrize("raw", [b"not json", b"{", b"[1, 2"])
def test_a_body_that_is_not_json(raw: bytes) -> None:
    status, _, body = call("TrentService.ListKeys", raw)
    assert status == 400
    assert body["__type"] == "SerializationException"


def test_an_empty_body_is_an_empty_request() -> None:
    status, _, body = call("TrentService.ListKeys", b"")
    assert status == 200
    assert body == {"Keys": [], "Truncated": False}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"Limit": "ten"}, "limit"),
        ({"Limit": True}, "limit"),
        ({"Marker": 5}, "marker"),
    ],
)
def test_a_value_of_the_wrong_json_type(body: dict[str, Any], path: str) -> None:
    status, _, out = call("TrentService.ListKeys", body)
    assert status == 400
    assert out["__type"] == "SerializationException"
    assert path in out["message"]


def test_a_json_array_body_is_a_serialization_error() -> None:
    status, _, out = call("TrentService.ListKeys", [])
    assert status == 400
    assert out["__type"] == "SerializationException"


def test_an_operation_kmsmock_does_not_serve_names_itself(
    offline_kms: KMSClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(OPERATIONS, "ListKeys")
    with pytest.raises(ClientError) as exc:  # and no network call: sockets are off
        offline_kms.list_keys()
    assert exc.value.response["Error"] == {
        "Code": "NotImplementedByKmsmock",
        "Message": "kmsmock does not implement the KMS operation ListKeys yet.",
    }
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_validation_runs_even_for_an_operation_kmsmock_does_not_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(OPERATIONS, "ListKeys")
    status, _, body = call("TrentService.ListKeys", {"Limit": 0})
    assert status == 400
    assert body["__type"] == "ValidationException"


def test_every_served_operation_is_in_the_model() -> None:
    # An older botocore model lacks the operations added since; the newest has every one.
    unknown_to_the_model = model.LATER_OPERATIONS - set(MODEL.operation_names)
    assert set(OPERATIONS) - set(MODEL.operation_names) == unknown_to_the_model


@model.lacks(*sorted(model.LATER_OPERATIONS))
@pytest.mark.parametrize("name", sorted(model.LATER_OPERATIONS))
def test_an_operation_the_model_lacks_is_unknown_though_kmsmock_serves_it(name: str) -> None:
    assert name in OPERATIONS
    target = f"TrentService.{name}"
    status, _, body = call(target, {"KeyId": "alias/any", "EncapsulationAlgorithm": "ML_KEM"})
    assert status == 400
    assert body == {
        "__type": "UnknownOperationException",
        "message": f"Unrecognized operation {target!r}",
    }


def test_a_kmsmock_bug_is_an_aws_shaped_internal_error(
    offline_kms: KMSClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ctx: Any, req: Any) -> Any:
        raise ZeroDivisionError("oops")

    replace_handler(monkeypatch, "ListKeys", broken)
    # A 500 is retried by botocore as AWS's would be: one attempt here, so the test is quick.
    once = without_retries()
    with pytest.raises(once.exceptions.KMSInternalException) as exc:
        once.list_keys()
    assert exc.value.response["Error"]["Message"] == (
        "kmsmock internal error (ZeroDivisionError: oops); please report it."
    )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "kmsmock failed to serve TrentService.ListKeys" in caplog.text


def test_modeled_errors_carry_message_at_the_top_level_validation_errors_do_not(
    offline_kms: KMSClient,
) -> None:
    with pytest.raises(ClientError) as modeled:
        offline_kms.describe_key(KeyId="nope")
    assert modeled.value.response["message"] == "Invalid keyId 'nope'"
    with pytest.raises(ClientError) as unmodeled:
        offline_kms.schedule_key_deletion(
            KeyId=offline_kms.create_key()["KeyMetadata"]["KeyId"], PendingWindowInDays=5
        )
    assert unmodeled.value.response["Error"]["Code"] == "ValidationException"
    assert "message" not in unmodeled.value.response


def test_operations_without_output_answer_an_empty_object() -> None:
    backend = Backend()
    _, _, created = call("TrentService.CreateKey", {}, backend)
    key_id = created["KeyMetadata"]["KeyId"]
    status, _, body = call("TrentService.DisableKey", {"KeyId": key_id}, backend)
    assert (status, body) == (200, {})


def test_the_callers_account_can_be_chosen_per_request() -> None:
    backend = Backend()
    status, _, out = protocol.handle(
        backend, MODEL, "TrentService.CreateKey", b"{}", region="eu-west-1", account="111122223333"
    )
    assert status == 200
    assert json.loads(out)["KeyMetadata"]["Arn"].startswith("arn:aws:kms:eu-west-1:111122223333:")
    assert backend.store("123456789012", "eu-west-1").keys == {}
