"""Fault injection: the next N calls (of an operation, for a key, or all) fail with an AWS error
or a connection failure, through the client's real retry handler; backoff and latency can move
kmsmock's clock instead of the test sleeping."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from kmsmock import KmsMock, errors, mock_kms

from .helpers import new_client, without_retries

THROTTLED = (
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
)
START = datetime(2025, 3, 15, tzinfo=timezone.utc)


def retrying(mode: str, total_max_attempts: int = 4) -> Any:
    return boto3.client(
        "kms",
        region_name="us-east-1",
        config=Config(retries={"mode": mode, "total_max_attempts": total_max_attempts}),
    )


@pytest.fixture
def no_sleep() -> Iterator[KmsMock]:
    """An activation on a stopped clock whose retries move kmsmock's clock instead of sleeping."""
    with time_machine.travel(START, tick=False), mock_kms(retry_sleep=False) as m:
        yield m


def waited(m: KmsMock) -> timedelta:
    """The backoffs as kmsmock's clock added them up (one timedelta each)."""
    return sum((timedelta(seconds=s) for s in m.backoffs), timedelta(0))


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = exc.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# -- what fails, and with what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("ThrottlingException", 400, THROTTLED),
        ("KMSInternalException", 500, errors.INTERNAL_FAULT().message),
        ("DependencyTimeoutException", 503, errors.DEPENDENCY_TIMEOUT().message),
        ("KeyUnavailableException", 500, errors.KEY_UNAVAILABLE().message),
    ],
)
def test_a_known_aws_error_comes_with_its_status_and_text(
    kms_mock: KmsMock, code: str, status: int, message: str
) -> None:
    kms = without_retries()
    kms_mock.fail_next(code)
    with pytest.raises(ClientError) as exc:
        kms.list_keys()
    assert _error(exc) == (code, message, status)
    assert kms.list_keys()["Keys"] == []  # once only


def test_the_default_is_throttling(kms_mock: KmsMock) -> None:
    kms_mock.fail_next()
    with pytest.raises(ClientError) as exc:
        without_retries().list_keys()
    assert _error(exc) == ("ThrottlingException", THROTTLED, 400)


def test_a_custom_code_message_and_status(kms_mock: KmsMock) -> None:
    kms_mock.fail_next("AccessDeniedException", message="not you", status=403)
    kms_mock.fail_next("ThrottlingException", message="slow down", status=429)
    kms = without_retries()
    for expected in [
        ("AccessDeniedException", "not you", 403),
        ("ThrottlingException", "slow down", 429),
    ]:
        with pytest.raises(ClientError) as exc:
            kms.list_keys()
        assert _error(exc) == expected
    kms_mock.fail_next("SomethingElse")
    with pytest.raises(ClientError) as exc:
        kms.list_keys()
    assert _error(exc)[0::2] == ("SomethingElse", 400)


def test_the_failed_operation_does_not_run(kms_mock: KmsMock) -> None:
    kms = without_retries()
    kms_mock.fail_next("KMSInternalException", operation="CreateKey")
    with pytest.raises(ClientError):
        kms.create_key()
    assert kms.list_keys()["Keys"] == []


def test_times_counts_the_failing_calls_and_none_fails_until_cleared(kms_mock: KmsMock) -> None:
    kms = without_retries()
    kms_mock.fail_next(times=2)
    outcomes = []
    for _ in range(3):
        try:
            kms.list_keys()
            outcomes.append("ok")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
    assert outcomes == ["ThrottlingException", "ThrottlingException", "ok"]

    fault = kms_mock.fail_next(times=None)
    for _ in range(5):
        with pytest.raises(ClientError):
            kms.list_keys()
    assert kms_mock.faults.pending == [(fault, None)]
    kms_mock.faults.clear()
    kms.list_keys()


def test_a_fault_for_an_operation_leaves_the_others_alone(kms_mock: KmsMock) -> None:
    kms = without_retries()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms_mock.fail_next(operation="Decrypt")
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms.describe_key(KeyId=key)
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


@pytest.mark.parametrize("named_as", ["id", "arn", "alias", "alias_arn"])
def test_a_fault_for_a_key_takes_requests_naming_it_any_way(
    kms_mock: KmsMock, named_as: str
) -> None:
    kms = without_retries()
    meta = kms.create_key()["KeyMetadata"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/faulty", TargetKeyId=meta["KeyId"])
    alias_arn = meta["Arn"].replace(f"key/{meta['KeyId']}", "alias/faulty")
    names = {"id": meta["KeyId"], "arn": meta["Arn"]}
    names |= {"alias": "alias/faulty", "alias_arn": alias_arn}
    kms_mock.fail_next("KeyUnavailableException", key_id=names[named_as], times=None)
    kms.encrypt(KeyId=other, Plaintext=b"x")
    kms.list_keys()
    for ref in names.values():
        with pytest.raises(ClientError) as exc:
            kms.encrypt(KeyId=ref, Plaintext=b"x")
        assert exc.value.response["Error"]["Code"] == "KeyUnavailableException"
    # ReEncrypt names its destination in DestinationKeyId
    blob = kms.encrypt(KeyId=other, Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError):
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=meta["KeyId"])


def test_fail_next_refuses_what_it_cannot_do(kms_mock: KmsMock) -> None:
    with pytest.raises(ValueError, match="times"):
        kms_mock.fail_next(times=0)
    with pytest.raises(TypeError, match="error must be"):
        kms_mock.fail_next(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        kms_mock.fail_next(latency=-1)
    assert kms_mock.faults.pending == []


def test_an_injected_error_is_in_the_call_log(kms_mock: KmsMock) -> None:
    kms_mock.fail_next("DependencyTimeoutException")
    with pytest.raises(ClientError):
        without_retries().list_keys()
    call = kms_mock.calls.last
    assert (call.operation, call.status) == ("ListKeys", 503)
    assert call.error == ("DependencyTimeoutException", errors.DEPENDENCY_TIMEOUT().message)


# -- through botocore's retry handler --------------------------------------------------------


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_retryable_faults_are_retried_by_the_clients_mode(no_sleep: KmsMock, mode: str) -> None:
    kms = retrying(mode)
    no_sleep.fail_next("ThrottlingException", times=2)
    out = kms.list_keys()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.attempt, c.error and c.error.code) for c in no_sleep.calls] == [
        (1, "ThrottlingException"),
        (2, "ThrottlingException"),
        (3, None),
    ]
    assert len(no_sleep.backoffs) == 2
    assert all(0 <= delay <= 20 for delay in no_sleep.backoffs)


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_retries_give_up_after_the_modes_attempts(no_sleep: KmsMock, mode: str) -> None:
    kms = retrying(mode, total_max_attempts=3)
    no_sleep.fail_next("KMSInternalException", times=None)
    with pytest.raises(ClientError) as exc:
        kms.list_keys()
    assert exc.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert "(reached max retries: 2)" in str(exc.value)
    assert [c.attempt for c in no_sleep.calls] == [1, 2, 3]


def test_legacy_mode_retries_four_times_by_default(no_sleep: KmsMock) -> None:
    kms = boto3.client("kms", region_name="us-east-1", config=Config(retries={"mode": "legacy"}))
    no_sleep.fail_next(times=None)
    with pytest.raises(ClientError):
        kms.list_keys()
    assert [c.attempt for c in no_sleep.calls] == [1, 2, 3, 4, 5]


def test_a_client_error_that_is_not_retryable_is_tried_once(no_sleep: KmsMock) -> None:
    no_sleep.fail_next("AccessDeniedException", message="no", times=None)
    with pytest.raises(ClientError):
        retrying("standard").list_keys()
    assert len(no_sleep.calls) == 1
    assert no_sleep.backoffs == []


@pytest.mark.parametrize("error", [EndpointConnectionError, ReadTimeoutError, ConnectTimeoutError])
def test_connection_failures_are_raised_where_botocore_sends(
    no_sleep: KmsMock, error: type[Exception]
) -> None:
    kms = retrying("standard")
    no_sleep.fail_next(error, times=1)
    out = kms.list_keys()
    assert out["ResponseMetadata"]["RetryAttempts"] == 1
    first, second = no_sleep.calls
    assert (first.attempt, first.status, first.request_id) == (1, None, None)
    assert first.error is not None
    assert first.error.code == error.__name__
    assert (second.attempt, second.status) == (2, 200)

    no_sleep.fail_next(error, times=None)
    with pytest.raises(error) as exc:
        kms.list_keys()
    assert "https://kms.us-east-1.amazonaws.com" in str(exc.value)


def test_a_connection_failure_does_not_run_the_operation(no_sleep: KmsMock) -> None:
    no_sleep.fail_next(EndpointConnectionError, operation="CreateKey", times=None)
    with pytest.raises(EndpointConnectionError):
        retrying("standard", total_max_attempts=2).create_key()
    assert new_client().list_keys()["Keys"] == []


def test_a_fault_is_taken_on_the_loop_even_where_the_fast_path_would_answer(
    kms_mock: KmsMock,
) -> None:
    """The fast path answers only when no fault is queued, so the retry handler sees each."""
    kms = retrying("standard")
    kms.list_keys()
    kms_mock.retry_sleep = False
    kms_mock.fail_next(EndpointConnectionError)
    assert kms.list_keys()["ResponseMetadata"]["RetryAttempts"] == 1


# -- time: backoff and latency ---------------------------------------------------------------


def test_backoff_moves_kmsmocks_clock_instead_of_sleeping(
    no_sleep: KmsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    kms = retrying("standard")
    no_sleep.fail_next(times=3)
    kms.list_keys()
    assert slept == []
    assert len(no_sleep.backoffs) == 3
    assert no_sleep.calls.last.time == START + waited(no_sleep)
    assert no_sleep.backend.clock_offset == waited(no_sleep)


def test_by_default_botocore_really_sleeps_its_backoff(
    kms_mock: KmsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    kms_mock.fail_next(times=2)
    retrying("standard").list_keys()
    assert kms_mock.retry_sleep is True
    assert slept == kms_mock.backoffs
    assert len(slept) == 2
    assert kms_mock.backend.clock_offset == timedelta(0)


def test_other_services_backoff_is_left_alone(
    no_sleep: KmsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a KMS client's waits are kmsmock's: another service's retries sleep as before."""
    import botocore.endpoint

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    botocore.endpoint.time.sleep(0.25)  # as botocore's endpoint does outside a KMS request
    assert slept == [0.25]
    assert no_sleep.backoffs == []


def test_latency_moves_the_clock_on_with_every_answer() -> None:
    with time_machine.travel(START, tick=False), mock_kms(latency=timedelta(seconds=2)) as m:
        kms = new_client()
        kms.list_keys()
        kms.list_keys()
        assert [c.time for c in m.calls] == [START, START + timedelta(seconds=2)]
        m.latency = 0.5
        assert m.latency == timedelta(seconds=0.5)
        with pytest.raises(ClientError):
            kms.describe_key(KeyId="alias/missing")  # an error takes as long as an answer
        kms.list_keys()
        assert m.calls[-1].time - m.calls[-2].time == timedelta(seconds=0.5)


def test_a_faults_latency_is_how_long_it_took_to_fail(no_sleep: KmsMock) -> None:
    no_sleep.fail_next(ReadTimeoutError, latency=60)
    retrying("standard").list_keys()
    first, second = no_sleep.calls
    assert second.time - first.time == timedelta(seconds=60) + waited(no_sleep)


# -- other clients and front doors -----------------------------------------------------------


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_local_endpoint_answers_aws_faults_and_keeps_connection_faults(
    kms_mock: KmsMock,
) -> None:
    import http.client

    from kmsmock import protocol

    kms_mock.fail_next(EndpointConnectionError)
    kms_mock.fail_next("KMSInternalException")
    with kms_mock.serve_http() as server:
        conn = http.client.HTTPConnection(server.url.split("//")[1])
        headers = {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": protocol.CONTENT_TYPE}
        conn.request("POST", "/", body=b"{}", headers=headers)
        assert conn.getresponse().status == 500
        conn.close()
    assert [f.code for f, _ in kms_mock.faults.pending] == ["EndpointConnectionError"]


def test_aiobotocore_clients_take_the_same_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    aio_session = pytest.importorskip("aiobotocore.session")
    import asyncio

    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float, *args: Any) -> Any:
        if seconds:
            slept.append(seconds)
        return await real_sleep(seconds, *args)

    monkeypatch.setattr(asyncio, "sleep", sleep)

    async def call() -> Any:
        config = Config(retries={"mode": "standard", "total_max_attempts": 4})
        async with aio_session.get_session().create_client(
            "kms", region_name="us-east-1", config=config
        ) as kms:
            return await kms.list_keys()

    with time_machine.travel(START, tick=False), mock_kms(retry_sleep=False) as m:
        m.fail_next(times=2)
        m.fail_next(EndpointConnectionError)
        out = asyncio.run(call())
        assert slept == []
        assert out["ResponseMetadata"]["RetryAttempts"] == 3
        assert [c.attempt for c in m.calls] == [1, 2, 3, 4]
        assert [c.error.code if c.error else None for c in m.calls] == [
            "ThrottlingException",
            "ThrottlingException",
            "EndpointConnectionError",
            None,
        ]
        assert m.backend.clock_offset == waited(m)
