"""The AWS CLI (awscli's ``clidriver``, in-process) prints under kmsmock exactly what it prints
for the same answer from AWS: base64 blobs, its own timestamp format, json, text and table.

"What it prints against AWS" is made concrete: each answer kmsmock gave is replayed, byte for
byte, to a CLI with no kmsmock, through a ``before-send`` handler — where AWS's bytes would
arrive — and the two outputs must be identical.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

from kmsmock import mock_kms

clidriver = pytest.importorskip("awscli.clidriver")

REGION = ["--region", "us-east-1"]


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def run(args: list[str], *, answer: tuple[int, dict[str, str], bytes] | None = None) -> Any:
    """Run the CLI; return (exit code, stdout, stderr, what the service answered)."""
    from botocore.awsrequest import AWSResponse

    driver = clidriver.create_clidriver()
    seen: list[tuple[int, dict[str, str], bytes]] = []

    def record(http_response: Any, **_: Any) -> None:
        seen.append((http_response.status_code, dict(http_response.headers), http_response.content))

    def replay(request: Any, **_: Any) -> Any:
        assert answer is not None
        status, headers, body = answer
        return AWSResponse(request.url, status, headers, _Raw(body))

    driver.session.register("after-call.kms", record)
    if answer is not None:
        driver.session.register("before-send.kms", replay)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = driver.main([*args, *REGION])
    return code, out.getvalue(), err.getvalue(), seen[0] if seen else None


def same_as_against_aws(args: list[str]) -> str:
    with mock_kms():
        code, printed, _, answer = run(args)
    assert code == 0
    assert answer is not None
    replayed_code, replayed, _, _ = run(args, answer=answer)
    assert (code, printed) == (replayed_code, replayed)
    return str(printed)


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # The replaying CLI runs outside kmsmock: it needs credentials to sign (never sent).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_create_key_prints_as_against_aws(output: str) -> None:
    printed = same_as_against_aws(["kms", "create-key", "--output", output])
    assert "ENCRYPT_DECRYPT" in printed


def test_blobs_print_as_base64_and_timestamps_as_the_cli_formats_them() -> None:
    with mock_kms():
        key = json.loads(run(["kms", "create-key"])[1])["KeyMetadata"]
        # AWS CLI v1's default timestamp format is the value as the service sent it.
        assert isinstance(key["CreationDate"], float)
        code, printed, _, answer = run(
            ["kms", "encrypt", "--key-id", key["KeyId"], "--plaintext", "aGVsbG8="]
        )
    assert code == 0
    blob = json.loads(printed)["CiphertextBlob"]
    assert blob == json.loads(answer[2])["CiphertextBlob"]  # base64, as sent; never b'...'
    assert not blob.startswith("b'")
    assert (
        run(["kms", "encrypt", "--key-id", key["KeyId"], "--plaintext", "aGVsbG8="], answer=answer)[
            1
        ]
        == printed
    )


@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_an_error_prints_as_against_aws(output: str) -> None:
    args = ["kms", "describe-key", "--key-id", "alias/missing", "--output", output]
    with mock_kms():
        code, printed, complaint, _ = run(args)
    assert (code, printed) == (255, "")  # AWS CLI v1's exit code for a service error
    assert "(NotFoundException) when calling the DescribeKey operation: Alias " in complaint
    answer = (
        400,
        {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r"},
        b'{"__type":"NotFoundException","message":"Alias '
        b'arn:aws:kms:us-east-1:123456789012:alias/missing is not found."}',
    )
    assert run(args, answer=answer)[:3] == (code, printed, complaint)
