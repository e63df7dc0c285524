"""The request path is botocore's own: retries, the loop's events, the client's parser.

kmsmock answers inside botocore's request loop (at ``before-send``) whenever the loop could
make a difference, and on its fast path only when it provably cannot (kmsmock/interceptor.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from kmsmock import mock_kms
from kmsmock.interceptor import UnservedKmsRequest
from tests.helpers import replace_handler


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry handlers back off with ``time.sleep``: record instead of waiting."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def client(mode: str | None = None, attempts: int | None = None) -> Any:
    """A client with the given retry mode and total attempts (first attempt included)."""
    retries: dict[str, Any] = {}
    if mode:
        retries["mode"] = mode
    if attempts:
        retries["total_max_attempts"] = attempts
    return boto3.client("kms", region_name="us-east-1", config=Config(retries=retries))


def exhaust_on_demand_rotations(kms: Any) -> str:
    key_id: str = kms.create_key()["KeyMetadata"]["KeyId"]
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key_id)
    return key_id


@pytest.fixture
def active() -> Iterator[None]:
    with mock_kms():
        yield


# -- retries -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(
    ("mode", "attempts", "retried"),
    [
        # The standard and adaptive modes count LimitExceededException as throttling.
        ("standard", 3, 2),
        ("adaptive", 4, 3),
        # The legacy mode retries throttling codes only by name; LimitExceededException is not
        # one of them.
        ("legacy", 5, 0),
    ],
)
def test_a_throttling_error_is_retried_as_the_clients_retry_mode_decides(
    sleeps: list[float], mode: str, attempts: int, retried: int
) -> None:
    kms = client(mode, attempts)
    key_id = exhaust_on_demand_rotations(kms)
    with pytest.raises(kms.exceptions.LimitExceededException) as exc:
        kms.rotate_key_on_demand(KeyId=key_id)
    assert exc.value.response["ResponseMetadata"]["RetryAttempts"] == retried
    assert len(sleeps) >= retried  # each retry backed off first (adaptive may also rate-limit)
    # Each attempt reached the service: the limit is still what refuses it.
    assert "on-demand rotations limit has been reached" in exc.value.response["Error"]["Message"]


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(("mode", "attempts"), [("legacy", 5), ("standard", 3), ("adaptive", 2)])
def test_a_server_error_is_retried_by_every_mode(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float], mode: str, attempts: int
) -> None:
    calls: list[int] = []

    def broken(ctx: Any, req: Any) -> Any:
        calls.append(1)
        raise ZeroDivisionError("oops")

    replace_handler(monkeypatch, "ListKeys", broken)
    kms = client(mode, attempts)
    with pytest.raises(kms.exceptions.KMSInternalException) as exc:
        kms.list_keys()
    assert exc.value.response["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert len(calls) == attempts  # one operation per attempt: none run twice, none skipped
    assert len(sleeps) == attempts - 1


@pytest.mark.usefixtures("active")
def test_a_success_after_an_error_reports_no_retry(sleeps: list[float]) -> None:
    kms = client("standard")
    assert kms.list_keys()["ResponseMetadata"]["RetryAttempts"] == 0
    with pytest.raises(kms.exceptions.NotFoundException) as exc:
        kms.describe_key(KeyId="alias/missing")
    assert exc.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert sleeps == []


# -- the loop's events -------------------------------------------------------------------------


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(
    "event", ["before-send", "needs-retry", "response-received", "before-parse", "after-call"]
)
def test_handlers_of_the_user_fire_on_every_event_of_the_loop(event: str) -> None:
    kms = client()
    seen: list[str] = []
    kms.meta.events.register(f"{event}.kms", lambda event_name, **_: seen.append(event_name))
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="alias/missing")
    kms.describe_key(KeyId=key_id)
    assert seen == [f"{event}.kms.{op}" for op in ("CreateKey", "DescribeKey", "DescribeKey")]


@pytest.mark.usefixtures("active")
def test_response_received_sees_the_answer_aws_would_send() -> None:
    kms = client()
    received: list[dict[str, Any]] = []
    kms.meta.events.register(
        "response-received.kms.CreateKey",
        lambda response_dict, parsed_response, **_: received.append(
            {"status": response_dict["status_code"], "parsed": parsed_response}
        ),
    )
    created = kms.create_key(Description="seen")
    assert received[0]["status"] == 200
    assert received[0]["parsed"]["KeyMetadata"] == created["KeyMetadata"]


@pytest.mark.usefixtures("active")
def test_a_stubber_still_wins() -> None:
    from botocore.stub import Stubber

    kms = client()
    with Stubber(kms) as stub:
        stub.add_response("list_keys", {"Keys": [], "Truncated": False})
        assert kms.list_keys()["Keys"] == []
    assert kms.list_keys()["Keys"] == []  # served by kmsmock again, with no key made


# -- the fast path answers at before-call ------------------------------------------------------


def _reached_make_request(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Operations that got past ``before-call`` unanswered (botocore then compresses the
    request, if its model asks, on its way to ``_make_request``)."""
    import botocore.client

    reached: list[str] = []
    compress = botocore.client.maybe_compress_request

    def spy(config: Any, request_dict: Any, operation_model: Any) -> None:
        reached.append(operation_model.name)
        compress(config, request_dict, operation_model)

    monkeypatch.setattr(botocore.client, "maybe_compress_request", spy)
    return reached


@pytest.mark.usefixtures("active")
def test_the_fast_path_answers_at_before_call_after_every_other_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reached = _reached_make_request(monkeypatch)
    kms = client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]  # kmsmock's before-call handler: last
    seen: list[str] = []
    kms.meta.events.register("before-call.kms", lambda event_name, **_: seen.append(event_name))
    kms.meta.events.register("after-call.kms", lambda event_name, **_: seen.append(event_name))
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
    assert reached == ["CreateKey"]  # the first call registered the handler on its way
    assert seen == ["before-call.kms.DescribeKey", "after-call.kms.DescribeKey"]


@pytest.mark.usefixtures("active")
def test_a_before_call_handler_registered_after_kmsmocks_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reached = _reached_make_request(monkeypatch)
    kms, other = client(), client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    seen: list[str] = []
    kms.meta.events.register_last("before-call", lambda event_name, **_: seen.append(event_name))
    mine = kms.describe_key(KeyId=key_id)
    other.describe_key(KeyId=key_id)  # registers kmsmock's handler
    theirs = other.describe_key(KeyId=key_id)
    assert seen == ["before-call.kms.DescribeKey"]
    assert reached == ["CreateKey", "DescribeKey", "DescribeKey"]  # kmsmock stepped aside once
    assert mine["KeyMetadata"] == theirs["KeyMetadata"]
    mine_meta, theirs_meta = mine["ResponseMetadata"], theirs["ResponseMetadata"]
    assert mine_meta.keys() == theirs_meta.keys()
    assert mine_meta["HTTPHeaders"].keys() == theirs_meta["HTTPHeaders"].keys()
    assert mine_meta["RetryAttempts"] == theirs_meta["RetryAttempts"] == 0


def test_an_error_made_at_before_call_is_delivered_by_the_loop_once(sleeps: list[float]) -> None:
    with mock_kms() as mock:
        kms = client("standard")
        kms.list_keys()
        statuses: list[int] = []
        kms.meta.events.register(
            "after-call.kms", lambda http_response, **_: statuses.append(http_response.status_code)
        )
        with pytest.raises(kms.exceptions.NotFoundException):
            kms.describe_key(KeyId="alias/missing")
        assert kms.list_keys()["ResponseMetadata"]["RetryAttempts"] == 0
        assert statuses == [400, 200]
        assert mock.calls.count("DescribeKey") == 1  # not run again by _make_request
        assert sleeps == []


@pytest.mark.usefixtures("active")
def test_a_stubber_activated_after_kmsmock_answered_still_wins() -> None:
    from botocore.stub import Stubber

    kms = client()
    kms.list_keys()  # kmsmock's before-call handler is registered
    with Stubber(kms) as stub:
        stub.add_response("list_keys", {"Keys": [{"KeyId": "stubbed"}], "Truncated": False})
        assert kms.list_keys()["Keys"] == [{"KeyId": "stubbed"}]
    assert kms.list_keys()["Keys"] == []


# -- the client's own parser -------------------------------------------------------------------


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize("loop", [False, True], ids=["fast path", "request loop"])
def test_a_client_with_its_own_parser_settings_gets_its_own_output(loop: bool) -> None:
    session = botocore.session.get_session()
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=lambda value: ("raw", value), blob_parser=lambda value: ("raw", value)
    )
    kms = session.create_client("kms", region_name="us-east-1")
    if loop:
        kms.meta.events.register("before-send.kms", lambda **_: None)
    key = kms.create_key()["KeyMetadata"]
    assert key["CreationDate"][0] == "raw"
    assert isinstance(key["CreationDate"][1], (int, float))
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert blob[0] == "raw"
    assert isinstance(blob[1], str)  # base64 text, as AWS sent it


# -- nothing escapes ---------------------------------------------------------------------------


@pytest.mark.usefixtures("active")
def test_a_kms_request_that_gets_past_kmsmock_is_refused_before_any_socket() -> None:
    kms = client(attempts=1)
    model = kms.meta.service_model.operation_model("ListKeys")
    request = kms._convert_to_request_dict({}, model, kms.meta.endpoint_url, context={})
    with pytest.raises(UnservedKmsRequest, match="refused to send it"):
        kms._endpoint.make_request(model, request)  # straight to the endpoint: no kmsmock


def test_the_guard_is_gone_after_stop() -> None:
    from botocore.endpoint import Endpoint

    original = Endpoint.__dict__["_send"]
    with mock_kms():
        assert Endpoint.__dict__["_send"] is not original
    assert Endpoint.__dict__["_send"] is original


def test_an_error_answer_left_by_a_call_that_failed_before_sending_is_never_delivered() -> None:
    """The fast path hands an error answer to the loop of the same call; a call that fails
    before its request is sent (its credentials cannot sign) leaves it behind, and the next
    call on the thread must get its own answer, not that one."""
    from botocore.credentials import Credentials

    class Unsignable(Credentials):
        def get_frozen_credentials(self) -> Any:
            raise RuntimeError("these credentials cannot sign")

    with mock_kms():
        broken = boto3.client("kms", region_name="us-east-1")
        broken._request_signer._credentials = Unsignable("AKIDEXAMPLE", "secret")
        with pytest.raises(RuntimeError, match="cannot sign"):
            broken.describe_key(KeyId="alias/missing")  # NotFoundException, handed over
        kms = boto3.client("kms", region_name="us-east-1")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
