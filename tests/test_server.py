"""The local endpoint: botocore clients (and anything speaking KMS's JSON protocol) over
loopback HTTP, with the same behaviour as in-process."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from kmsmock import mock_kms
from kmsmock.server import KmsServer, is_loopback

# Loopback only: the endpoint under test is local, anything else stays blocked.
pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


@pytest.fixture
def server() -> Iterator[KmsServer]:
    with KmsServer() as s:
        yield s


def client(server: KmsServer, region: str = "eu-west-1") -> Any:
    return boto3.client(
        "kms",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
    )


def test_round_trip_over_http(server: KmsServer) -> None:
    kms = client(server)
    md = kms.create_key()["KeyMetadata"]
    assert md["Arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    blob = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"over http")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over http"
    assert server.backend.store("123456789012", "eu-west-1").keys  # state lives in the server


def test_errors_over_http(server: KmsServer) -> None:
    kms = client(server)
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId="nope")
    assert exc.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": "Invalid keyId 'nope'",
    }
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_region_comes_from_the_signature(server: KmsServer) -> None:
    client(server, "ap-south-1").create_key()
    assert [
        k["KeyArn"].split(":")[3] for k in client(server, "ap-south-1").list_keys()["Keys"]
    ] == ["ap-south-1"]
    assert client(server, "us-east-1").list_keys()["Keys"] == []


def test_aws_cli_in_a_subprocess(server: KmsServer, tmp_path: Path) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "PATH": "",
    }
    run = [sys.executable, "-m", "awscli", "--endpoint-url", server.url, "kms"]
    created = subprocess.run(
        [*run, "create-key"], env=env, capture_output=True, text=True, check=True
    )
    key_id = json.loads(created.stdout)["KeyMetadata"]["KeyId"]
    listed = subprocess.run(
        [*run, "list-keys"], env=env, capture_output=True, text=True, check=True
    )
    assert [k["KeyId"] for k in json.loads(listed.stdout)["Keys"]] == [key_id]


# -- sharing an activation's state -----------------------------------------------------------


def cli_env(tmp_path: Path) -> dict[str, str]:
    """A bare environment for the AWS CLI: the venv's ``aws`` on PATH, no config, no
    credentials or Region (each test's command line says what it needs)."""
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }


def test_the_aws_cli_and_boto3_share_an_activations_keys(tmp_path: Path) -> None:
    env = {**cli_env(tmp_path), "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    with mock_kms() as mock, mock.serve_http() as server:
        kms = boto3.client("kms", region_name="us-east-1")  # served in-process
        made_here = kms.create_key(Description="boto3")["KeyMetadata"]["KeyId"]
        aws = ["aws", "--region", "us-east-1", "--endpoint-url", server.url, "kms"]

        def cli(*args: str) -> Any:
            out = subprocess.run([*aws, *args], env=env, capture_output=True, text=True)
            assert out.returncode == 0, out.stderr
            return json.loads(out.stdout)

        assert [k["KeyId"] for k in cli("list-keys")["Keys"]] == [made_here]
        made_there = cli("create-key", "--description", "cli")["KeyMetadata"]["KeyId"]
        assert kms.describe_key(KeyId=made_there)["KeyMetadata"]["Description"] == "cli"


def test_server_threads_and_in_process_calls_are_serialised() -> None:
    per_thread, threads = 10, 4
    with mock_kms() as mock, mock.serve_http() as server:
        kms = boto3.client("kms", region_name="us-east-1")

        def over_http() -> None:
            for _ in range(per_thread):
                status, _answer = kms_request(server.url, "CreateKey", {})
                assert status == 200

        workers = [threading.Thread(target=over_http) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for _ in range(per_thread):
            kms.create_key()
        for worker in workers:
            worker.join()
        listed = kms.get_paginator("list_keys").paginate(Limit=7).build_full_result()["Keys"]
    assert len({k["KeyId"] for k in listed}) == (threads + 1) * per_thread


def test_a_server_on_a_shared_backend_keeps_its_account() -> None:
    with mock_kms(account_id="111122223333") as mock:
        with pytest.raises(ValueError, match="differs from the backend's account"):
            KmsServer(account_id="444455556666", backend=mock.backend)
        with KmsServer(account_id="111122223333", backend=mock.backend) as server:
            assert server.backend is mock.backend
    with pytest.raises(RuntimeError, match="not active"):
        mock.serve_http()


# -- the clock, moved from outside --------------------------------------------------------


def _request(url: str, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def kms_request(url: str, operation: str, document: dict[str, Any]) -> tuple[int, Any]:
    """A hand-built JSON 1.1 request, as a client in another language would send."""
    headers = {
        "X-Amz-Target": f"TrentService.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20250301/us-east-1/kms/aws4_request",
    }
    return _request(url, "POST", "/", json.dumps(document).encode(), headers)  # type: ignore[no-any-return]


def clock_request(url: str, body: Any = None) -> tuple[int, Any]:
    """GET the clock (``body`` None), or POST ``body`` (bytes as they are, else as JSON)."""
    if body is None:
        return _request(url, "GET", "/_kmsmock/clock", None, {})  # type: ignore[no-any-return]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return _request(url, "POST", "/_kmsmock/clock", raw, {})  # type: ignore[no-any-return]


START = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_rotation_on_a_clock_moved_through_the_control_endpoint(server: KmsServer) -> None:
    kms = client(server)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    due = kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"]
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []

    status, state = clock_request(server.url, {"advance_seconds": 100 * 86400})
    assert (status, state["offset_seconds"]) == (200, 100 * 86400)

    [rotation] = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert rotation["RotationDate"] == due
    assert rotation["RotationType"] == "AUTOMATIC"


def test_the_clock_moves_sets_and_resets(server: KmsServer) -> None:
    with time_machine.travel(START, tick=False):
        assert clock_request(server.url) == (
            200,
            {"now": "2025-03-01T12:00:00Z", "offset_seconds": 0.0},
        )
        assert clock_request(server.url, {"advance_seconds": 3600}) == (
            200,
            {"now": "2025-03-01T13:00:00Z", "offset_seconds": 3600.0},
        )
        assert clock_request(server.url, {"advance_seconds": -5400.5})[1] == {
            "now": "2025-03-01T11:29:59.500000Z",
            "offset_seconds": -1800.5,
        }
        assert clock_request(server.url, {"set": "2030-01-01T09:00:00+09:00"})[1]["now"] == (
            "2030-01-01T00:00:00Z"
        )
        created = client(server).create_key()["KeyMetadata"]["CreationDate"]
        assert created == datetime(2030, 1, 1, tzinfo=timezone.utc)
        assert clock_request(server.url, {"set": "2030-01-01T00:00:00Z"})[1]["now"] == (
            "2030-01-01T00:00:00Z"
        )
        assert clock_request(server.url, {"reset": True}) == (
            200,
            {"now": "2025-03-01T12:00:00Z", "offset_seconds": 0.0},
        )


PROBLEM = 'send exactly one of {"advance_seconds": N}, {"set": "<ISO 8601>"}, {"reset": true}'


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"soon", "the body is not JSON"),
        (b"[" * 100_000, "the body is not JSON"),
        ([], "the body is not a JSON object"),
        ({}, PROBLEM),
        ({"advance_days": 1}, PROBLEM),
        ({"advance_seconds": 1, "reset": True}, PROBLEM),
        ({"advance_seconds": "60"}, '"advance_seconds" takes a number of seconds'),
        ({"advance_seconds": True}, '"advance_seconds" takes a number of seconds'),
        (b'{"advance_seconds": Infinity}', '"advance_seconds" takes a number of seconds'),
        ({"advance_seconds": 1e30}, '"advance_seconds" is out of range: 1e+30'),
        ({"advance_seconds": 1e12}, '"advance_seconds" is out of range: 1000000000000.0'),
        ({"set": 5}, '"set" takes an ISO 8601 timestamp string'),
        ({"set": "tomorrow"}, "\"set\" is not an ISO 8601 timestamp: 'tomorrow'"),
        (
            {"set": "2030-01-01T00:00:00"},
            '"set" needs a time zone ("Z" for UTC): \'2030-01-01T00:00:00\'',
        ),
        ({"reset": False}, '"reset" takes true'),
    ],
)
def test_a_bad_clock_request_says_why_and_moves_nothing(
    server: KmsServer, body: Any, problem: str
) -> None:
    assert clock_request(server.url, body) == (
        400,
        {"message": f"kmsmock clock control: {problem}"},
    )
    assert clock_request(server.url)[1]["offset_seconds"] == 0.0


def test_moving_a_servers_clock_moves_its_backend_only() -> None:
    day = timedelta(days=1)
    with mock_kms() as mock, mock.serve_http() as shared, KmsServer() as other:
        assert clock_request(shared.url, {"advance_seconds": 86400})[0] == 200
        assert mock.backend.clock_offset == day  # the activation shares the moved clock
        created = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]
        assert created["CreationDate"] - datetime.now(timezone.utc) > day - timedelta(minutes=1)
        assert clock_request(other.url)[1]["offset_seconds"] == 0.0
        assert other.backend.clock_offset == timedelta(0)


def test_clock_control_can_be_turned_off() -> None:
    refused = (
        403,
        {
            "message": "kmsmock clock control: clock control is off on this server (turn it on "
            "with --clock-control, or KmsServer(clock_control=True))"
        },
    )
    with KmsServer(clock_control=False) as server:
        assert not server.clock_control
        assert clock_request(server.url) == refused
        assert clock_request(server.url, {"advance_seconds": 60}) == refused
        assert server.backend.clock_offset == timedelta(0)
        assert kms_request(server.url, "ListKeys", {}) == (200, {"Keys": [], "Truncated": False})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("", False),
        ("example.com", False),
    ],
)
def test_clock_control_is_on_by_default_only_on_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_only_the_clock_path_answers_a_get(server: KmsServer) -> None:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", "/")
        assert connection.getresponse().status == 404
    finally:
        connection.close()
    assert server.clock_control  # loopback: on by default


# -- python -m kmsmock serve, and the README's lines as pasted ----------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_line(prefix: str) -> str:
    [line] = [x for x in README.read_text().splitlines() if x.startswith(prefix)]
    return line


@contextmanager
def served_by_the_command(*flags: str) -> Iterator[tuple[str, list[str]]]:
    """``python -m kmsmock serve`` on a free port: its URL and the lines it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kmsmock", "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        url = lines[0].split(" at ")[1].split()[0]
        if "--no-clock-control" not in flags:
            lines.append(process.stdout.readline())
        yield url, lines
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the command's own way out
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()


def test_the_readmes_cli_and_curl_lines_work_as_pasted(tmp_path: Path) -> None:
    with served_by_the_command() as (url, lines):
        assert lines[1] == f"kmsmock: clock control at {url}/_kmsmock/clock\n"
        port_4599 = "http://127.0.0.1:4599"

        def run(line: str) -> Any:
            assert port_4599 in line
            out = subprocess.run(
                line.replace(port_4599, url),
                shell=True,
                env=cli_env(tmp_path),
                capture_output=True,
                text=True,
            )
            assert out.returncode == 0, out.stderr
            return json.loads(out.stdout)

        assert run(readme_line("AWS_ACCESS_KEY_ID=test ")) == {"Keys": []}
        assert run(readme_line("curl "))["offset_seconds"] == 100 * 86400


def test_the_command_turns_clock_control_off(tmp_path: Path) -> None:
    with served_by_the_command("--no-clock-control") as (url, lines):
        assert len(lines) == 1
        assert clock_request(url)[0] == 403
