"""Issue 14's pieces used together, as a test author would: a restored snapshot goes on rotating
into the events and the call log; faults for declared principals; deterministic mode for every
request id (error answers too) and every event id; faults for a key a Decrypt names only in its
ciphertext."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from kmsmock import mock_kms
from tests.helpers import new_client, without_retries
from tests.timetravel import frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

START = utc(2024, 1, 1, 9)
MISSING = "00000000-0000-4000-8000-000000000000"


# -- a restored snapshot in the events and the call log -------------------------------------


@pytest.mark.parametrize("form", ["document", "frozen"])
def test_a_restored_key_rotates_into_the_events_and_the_call_log(form: str) -> None:
    with frozen("freezegun", START) as clock:
        with mock_kms() as builder:
            kms = new_client()
            key_id = kms.create_key()["KeyMetadata"]["KeyId"]
            kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
            state: Any = builder.snapshot() if form == "document" else builder.freeze()
        clock.advance(timedelta(days=10))
        with mock_kms() as m:
            m.restore(state)
            assert m.events.cloudtrail.names == []  # a new activation: its own story
            kms = new_client()
            clock.advance(timedelta(days=100))
            kms.rotate_key_on_demand(KeyId=key_id)

            automatic, on_demand = m.events.cloudtrail.named("RotateKey", key_id=key_id)
            assert automatic.time == utc(2024, 3, 31, 9)  # its own schedule, not the restore's
            assert automatic["serviceEventDetails"]["rotationType"] == "AUTOMATIC"
            assert on_demand["serviceEventDetails"]["rotationType"] == "ON_DEMAND"
            assert sorted(m.events.cloudtrail.names) == [
                "RotateKey",
                "RotateKey",
                "RotateKeyOnDemand",
            ]
            [event, _] = m.events.eventbridge.named("KMS CMK Rotation", key_id=key_id)
            assert event.as_dict()["time"] == "2024-03-31T09:00:00Z"
            [call] = m.assert_called("RotateKeyOnDemand", KeyId=key_id)
            assert call.time == utc(2024, 4, 20, 9)
            assert m.events.cloudtrail.named("RotateKeyOnDemand")[0]["requestID"] == (
                call.request_id
            )


def test_restoring_keeps_the_call_log_and_the_events_of_the_activation(kms_mock: Any) -> None:
    kms = new_client()
    kms.create_key()
    frozen_state = kms_mock.freeze()
    kms.list_keys()
    kms_mock.restore(frozen_state)
    kms.list_keys()
    assert kms_mock.calls.counts() == {"CreateKey": 1, "ListKeys": 2}
    assert kms_mock.events.cloudtrail.names == ["CreateKey", "ListKeys", "ListKeys"]


# -- faults and declared principals -------------------------------------------------------


def test_a_faulted_call_is_logged_for_the_principal_that_made_it() -> None:
    with mock_kms(retry_sleep=False) as m:
        admin = new_client()
        key_id = admin.create_key()["KeyMetadata"]["KeyId"]
        reader = m.add_user("reader")
        role = m.add_role("app").assume("job-7")
        config = Config(retries={"mode": "standard", "total_max_attempts": 3})
        kms: KMSClient = reader.client(region_name="us-east-1", config=config)
        m.fail_next("ThrottlingException", times=2, operation="Encrypt")
        assert kms.encrypt(KeyId=key_id, Plaintext=b"x")["ResponseMetadata"]["RetryAttempts"] == 2
        encrypts = m.calls.of("Encrypt")
        assert [(c.caller, c.attempt) for c in encrypts] == [
            (reader.arn, 1),
            (reader.arn, 2),
            (reader.arn, 3),
        ]
        assert [c.error.code if c.error else None for c in encrypts] == [
            "ThrottlingException",
            "ThrottlingException",
            None,
        ]
        [logged] = m.events.cloudtrail.named("Encrypt")
        assert logged["userIdentity"]["arn"] == reader.arn

        m.fail_next(EndpointConnectionError, key_id=key_id)
        session: KMSClient = role.client(region_name="us-east-1", config=config)
        session.describe_key(KeyId=key_id)
        first, second = m.calls.of("DescribeKey")
        assert first.caller == second.caller == role.arn
        assert (first.error and first.error.code, first.status) == ("EndpointConnectionError", None)


def test_an_unknown_access_key_is_refused_before_any_fault() -> None:
    with mock_kms() as m:
        m.add_user("reader")
        m.fail_next("KMSInternalException")
        stranger = boto3.client(
            "kms",
            region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x" * 40,
        )
        with pytest.raises(ClientError) as refused:
            stranger.list_keys()
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
        assert len(m.faults.pending) == 1  # still queued for a caller AWS would answer


# -- deterministic mode: every request id, every event id -----------------------------------


def _request_ids(seed: int) -> tuple[list[str], list[str], list[str]]:
    """The request ids a test sees (successes and every kind of error), the call log's, and
    the CloudTrail eventIDs (calls and service events)."""
    seen: list[str] = []
    with frozen("freezegun", START) as clock, mock_kms(seed=seed) as m:
        kms, unchecked = without_retries(), new_client(validate=False)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
        m.fail_next("KMSInternalException", operation="ListKeys")
        attempts: list[Any] = [
            lambda: kms.describe_key(KeyId=MISSING),  # NotFoundException
            lambda: unchecked.generate_random(NumberOfBytes=5000),  # a validation error
            lambda: kms.list_keys(),  # an injected fault
            lambda: kms.decrypt(CiphertextBlob=b"x" * 40),  # InvalidCiphertextException
        ]
        for attempt in attempts:
            with pytest.raises(ClientError) as refused:
                attempt()
            seen.append(refused.value.response["ResponseMetadata"]["RequestId"])
        seen.append(kms.list_keys()["ResponseMetadata"]["RequestId"])
        clock.advance(timedelta(days=100))
        log = [c.request_id or "" for c in m.calls]
        events = [r["eventID"] for r in m.events.cloudtrail]
        events += [e["id"] for e in m.events.eventbridge]
    return seen, log, events


def test_deterministic_mode_reproduces_error_request_ids_and_event_ids() -> None:
    first, again, other = _request_ids(42), _request_ids(42), _request_ids(43)
    assert first == again
    seen, log, events = first
    assert len(set(seen)) == len(seen) == 5
    assert set(seen) <= set(log)
    assert len(events) == len(set(events)) >= 6  # the calls, the rotation in both views
    assert other[0][0] != seen[0]
    assert other[2] != events


# -- a fault for a key that a Decrypt names only in its ciphertext --------------------------


def test_a_fault_for_a_key_finds_decrypts_by_their_ciphertext(kms_mock: Any) -> None:
    kms = without_retries()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    other_blob = kms.encrypt(KeyId=other, Plaintext=b"y")["CiphertextBlob"]
    kms_mock.fail_next("KeyUnavailableException", key_id="alias/app", times=None)

    assert kms.decrypt(CiphertextBlob=other_blob)["Plaintext"] == b"y"
    with pytest.raises(ClientError) as refused:
        kms.decrypt(CiphertextBlob=blob)
    assert refused.value.response["Error"]["Code"] == "KeyUnavailableException"
    with pytest.raises(ClientError):
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other)
    with pytest.raises(ClientError):  # not readable as kmsmock's: no key, the fault passes by
        kms.decrypt(CiphertextBlob=b"not a ciphertext at all, of any key")
    assert [c.error.code if c.error else None for c in kms_mock.calls.of("Decrypt")] == [
        None,
        "KeyUnavailableException",
        "InvalidCiphertextException",
    ]
