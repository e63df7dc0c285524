"""The call log: every request an activation answered, as a frozen record, on the activation and
the fixture; plaintexts and other sensitive members redacted unless the test asks; bounded."""

from __future__ import annotations

import http.client
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from kmsmock import KmsMock, mock_kms, protocol
from kmsmock.calls import REDACTED, Call, CallError, CallLog

from .helpers import new_client, public_xks_store

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
START = datetime(2025, 3, 15, 12, 0, tzinfo=timezone.utc)


def test_a_call_is_recorded_with_what_it_asked_and_what_it_got(kms_mock: KmsMock) -> None:
    with time_machine.travel(START, tick=False):
        kms = new_client()
        made = kms.create_key(Description="logged")
    call = kms_mock.calls.last
    assert isinstance(call, Call)
    assert call.operation == "CreateKey"
    assert call.request == {"Description": "logged"}
    assert call.response is not None
    assert call.response["KeyMetadata"]["KeyId"] == made["KeyMetadata"]["KeyId"]
    assert (call.ok, call.error, call.status) == (True, None, 200)
    assert (call.caller, call.account, call.region) == (ROOT, ACCOUNT, "us-east-1")
    assert call.time == START
    assert call.request_id == made["ResponseMetadata"]["RequestId"]
    assert call.attempt == 1


def test_a_record_is_frozen(kms_mock: KmsMock) -> None:
    new_client().list_keys()
    with pytest.raises(AttributeError):
        kms_mock.calls.last.operation = "Other"  # type: ignore[misc]


def test_an_error_is_recorded_with_its_code_message_and_status(kms_mock: KmsMock) -> None:
    missing = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc:
        new_client().describe_key(KeyId=missing)
    call = kms_mock.calls.last
    err = exc.value.response["Error"]
    assert (
        call.error
        == CallError(err["Code"], err["Message"])
        == (
            "NotFoundException",
            f"Key '{missing}' does not exist",
        )
    )
    assert (call.ok, call.status, call.response) == (False, 400, None)
    assert call.request_id == exc.value.response["ResponseMetadata"]["RequestId"]


def test_requests_refused_before_any_operation_are_recorded_too(kms_mock: KmsMock) -> None:
    """Requests that are not JSON, name no operation or fail validation were answered too."""
    backend, model = kms_mock.backend, protocol.kms_service_model()
    protocol.handle(backend, model, "TrentService.Nope", b"{}", region="eu-west-1")
    protocol.handle(backend, model, "TrentService.ListKeys", b"{not json", region="eu-west-1")
    body = json.dumps({"KeyId": ""}).encode()
    protocol.handle(backend, model, "TrentService.DescribeKey", body, region="eu-west-1")
    calls = list(kms_mock.calls)
    assert [(c.operation, c.error and c.error.code) for c in calls] == [
        ("", "UnknownOperationException"),
        ("ListKeys", "SerializationException"),
        ("DescribeKey", "ValidationException"),
    ]
    assert calls[2].request == {"KeyId": ""}
    assert {(c.caller, c.region) for c in calls} == {(ROOT, "eu-west-1")}


def test_the_caller_is_in_the_partition_of_the_region(kms_mock: KmsMock) -> None:
    new_client("cn-north-1").list_keys()
    assert kms_mock.calls.last.caller == f"arn:aws-cn:iam::{ACCOUNT}:root"
    assert kms_mock.calls.last.region == "cn-north-1"


def test_the_fast_path_and_the_request_loop_both_record(kms_mock: KmsMock) -> None:
    kms = new_client()
    kms.list_keys()  # fast path
    kms.meta.events.register("before-send.kms.ListAliases", lambda **_: None)
    kms.list_aliases()  # a handler of the test's: botocore's loop
    assert [(c.operation, c.attempt, c.status) for c in kms_mock.calls] == [
        ("ListKeys", 1, 200),
        ("ListAliases", 1, 200),
    ]


# -- secrets ---------------------------------------------------------------------------------


def test_plaintexts_are_redacted_and_ciphertexts_kept(kms_mock: KmsMock) -> None:
    kms = new_client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"top secret")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    encrypt, decrypt, data_key = kms_mock.calls[-3:]
    assert encrypt.request == {"KeyId": key, "Plaintext": REDACTED}
    assert encrypt.response is not None
    assert encrypt.response["CiphertextBlob"] == blob
    assert decrypt.request == {"CiphertextBlob": blob}
    assert decrypt.response is not None
    assert decrypt.response["Plaintext"] == REDACTED
    assert data_key.response is not None
    assert data_key.response["Plaintext"] == REDACTED
    assert isinstance(data_key.response["CiphertextBlob"], bytes)
    assert b"top secret" not in repr(list(kms_mock.calls)).encode()


def test_every_way_of_reading_the_log_redacts(kms_mock: KmsMock) -> None:
    """Records are redacted when read, so each reading form must do it."""
    kms = new_client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.encrypt(KeyId=key, Plaintext=b"top secret")
    calls = kms_mock.calls
    assert calls.last.request["Plaintext"] == REDACTED
    assert calls[-1].request["Plaintext"] == REDACTED
    assert calls[-1:][0].request["Plaintext"] == REDACTED
    assert [c.request.get("Plaintext") for c in calls] == [None, REDACTED]
    assert calls.of("Encrypt")[0].request["Plaintext"] == REDACTED
    assert calls.count("Encrypt", Plaintext=REDACTED) == 1
    assert calls.count("Encrypt", Plaintext=b"top secret") == 0
    calls.assert_called("Encrypt", Plaintext=REDACTED)


def test_nested_secrets_are_redacted(kms_mock: KmsMock) -> None:
    """The model marks XKS proxy credentials sensitive inside a structure: redacted in place,
    the rest of the structure kept."""
    new_client().create_custom_key_store(**public_xks_store("logged", "s" * 43))  # type: ignore[arg-type]
    request = kms_mock.calls.last.request
    assert request["XksProxyAuthenticationCredential"] == {
        "AccessKeyId": REDACTED,
        "RawSecretAccessKey": REDACTED,
    }
    assert request["XksProxyUriEndpoint"] == "https://xks.example.com"


def test_log_secrets_keeps_them() -> None:
    with mock_kms(log_secrets=True) as m:
        kms = new_client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.encrypt(KeyId=key, Plaintext=b"top secret")
        assert m.calls.last.request["Plaintext"] == b"top secret"


def test_redaction_does_not_touch_what_the_client_sent_or_got(kms_mock: KmsMock) -> None:
    kms = new_client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    out = kms.generate_data_key(KeyId=key, NumberOfBytes=32)
    assert len(out["Plaintext"]) == 32


# -- helpers ---------------------------------------------------------------------------------


def _three_encrypts(kms: KMSClient) -> tuple[str, str]:
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    second = kms.create_key()["KeyMetadata"]["KeyId"]
    for key in (first, first, second):
        kms.encrypt(KeyId=key, Plaintext=b"x")
    return first, second


def test_len_iteration_indexing_and_counts(kms_mock: KmsMock) -> None:
    first, second = _three_encrypts(new_client())
    calls = kms_mock.calls
    assert len(calls) == 5
    assert [c.operation for c in calls] == ["CreateKey"] * 2 + ["Encrypt"] * 3
    assert calls[0].operation == "CreateKey"
    assert calls[-1].request["KeyId"] == second
    assert calls.count("Encrypt") == 3
    assert calls.count("Decrypt") == 0
    assert calls.count("Encrypt", KeyId=first) == 2
    assert [c.request["KeyId"] for c in calls.of("Encrypt", KeyId=second)] == [second]
    assert len(calls.of()) == 5
    assert dict(calls.counts()) == {"CreateKey": 2, "Encrypt": 3}
    assert repr(calls) == "<CallLog 5 calls: {'CreateKey': 2, 'Encrypt': 3}>"


def test_assert_called_finds_a_call_with_those_members(kms_mock: KmsMock) -> None:
    first, _ = _three_encrypts(new_client())
    found = kms_mock.assert_called("Encrypt", KeyId=first)
    assert len(found) == 2
    kms_mock.assert_called("Encrypt", KeyId=first, times=2)
    kms_mock.calls.assert_called("CreateKey")
    kms_mock.assert_not_called("Decrypt")


def test_assert_called_says_what_was_called_instead(kms_mock: KmsMock) -> None:
    first, second = _three_encrypts(new_client())
    with pytest.raises(AssertionError) as exc:
        kms_mock.assert_called("Encrypt", KeyId="alias/other")
    message = str(exc.value)
    assert message.startswith(
        "expected Encrypt(KeyId='alias/other') at least once; it matched 0 of 3 Encrypt "
        "call(s) in the log (5 calls in all)"
    )
    assert f"#1 Encrypt(KeyId='{second}', Plaintext='{REDACTED}') -> ok" in message
    with pytest.raises(AssertionError, match=r"expected Encrypt\(KeyId='.*'\) 1 time\(s\)"):
        kms_mock.assert_called("Encrypt", KeyId=first, times=1)
    with pytest.raises(AssertionError, match=r"calls made: \{'CreateKey': 2, 'Encrypt': 3\}"):
        kms_mock.assert_called("Decrypt")
    with pytest.raises(AssertionError, match="expected Encrypt\\(\\) 0 time"):
        kms_mock.assert_not_called("Encrypt")


def test_reset_empties_the_log(kms_mock: KmsMock) -> None:
    kms = new_client()
    kms.list_keys()
    kms_mock.calls.reset()
    assert len(kms_mock.calls) == 0
    with pytest.raises(IndexError):
        _ = kms_mock.calls.last
    kms.list_aliases()
    assert [c.operation for c in kms_mock.calls] == ["ListAliases"]


def test_the_fixture_and_nested_activations_share_one_log(
    kms_mock: KmsMock, kms_calls: CallLog, kms_client: Any
) -> None:
    kms_client.list_keys()
    with mock_kms() as nested:
        new_client().list_aliases()
        assert nested.calls is kms_mock.calls is kms_calls
    assert [c.operation for c in kms_calls] == ["ListKeys", "ListAliases"]


def test_each_outermost_activation_starts_with_an_empty_log() -> None:
    with mock_kms() as m:
        new_client().list_keys()
        assert len(m.calls) == 1
    with mock_kms() as m:
        assert len(m.calls) == 0


def test_the_log_keeps_the_last_max_calls() -> None:
    with mock_kms(max_calls=3) as m:
        kms = new_client()
        for n in range(5):
            kms.create_key(Description=str(n))
        assert [c.request["Description"] for c in m.calls] == ["2", "3", "4"]
        m.calls.max_calls = 2  # the newest are kept
        assert [c.request["Description"] for c in m.calls] == ["3", "4"]
        assert m.calls.max_calls == 2
        with pytest.raises(ValueError, match="max_calls"):
            m.calls.max_calls = -1


def test_an_unknown_option_is_refused() -> None:
    with pytest.raises(TypeError, match="log_secret"):
        mock_kms(log_secret=True)  # type: ignore[call-overload]


def test_the_default_bound() -> None:
    with mock_kms() as m:
        assert m.calls.max_calls == 10_000


def test_time_is_kmsmocks_clock() -> None:
    """The clock time of each call, as the (frozen) test clock and kmsmock's offset say."""
    with time_machine.travel(START, tick=False), mock_kms() as m:
        kms = new_client()
        kms.list_keys()
        m.backend.clock_offset += timedelta(days=1)
        kms.list_keys()
        assert [c.time for c in m.calls] == [START, START + timedelta(days=1)]


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_requests_over_the_local_endpoint_are_recorded() -> None:
    with mock_kms() as m, m.serve_http() as server:
        conn = http.client.HTTPConnection(server.url.split("//")[1])
        headers = {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": protocol.CONTENT_TYPE}
        conn.request("POST", "/", body=b"{}", headers=headers)
        assert conn.getresponse().status == 200
        conn.close()
        assert [c.operation for c in m.calls] == ["ListKeys"]
