"""``python -m kmsmock``: the demo tells its story with nothing but kmsmock's own dependencies,
and ``serve`` answers KMS over HTTP."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest

from kmsmock import clock, is_active
from kmsmock.__main__ import main
from kmsmock.demo import run

# Run the demo as a fresh machine would: no boto3, freezegun or time-machine importable, no AWS
# configuration, and any attempt to open a connection fails.
BARE = textwrap.dedent(
    """
    import runpy, socket, sys
    for name in ("boto3", "freezegun", "time_machine", "moto"):
        sys.modules[name] = None

    def refuse(*args, **kwargs):
        raise OSError("no network in the demo")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    sys.argv = ["kmsmock", "demo"]
    runpy.run_module("kmsmock", run_name="__main__")
    """
)


def _bare_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        PYTHONIOENCODING="ascii",
    )
    return env


def test_demo_on_a_bare_machine(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BARE],
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "OK: the rotation happened on schedule and old ciphertext still decrypts."
    story = "\n".join(lines)
    assert "EnableKeyRotation      every 90 days, next on 2025-04-01 09:00 UTC" in story
    assert re.search(
        r"2025-04-11 09:00 UTC  ListKeyRotations       AUTOMATIC rotation on "
        r"2025-04-01 09:00 UTC -> key material [0-9a-f]{8}\.\.\.",
        story,
    )
    assert "'attack at dawn' with the old key material" in story
    assert re.search(
        r"2025-04-18 09:00 UTC  DescribeKey            NotFoundException: "
        r"Key 'arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}' does not exist",
        story,
    )


def test_demo_in_process_restores_the_clock() -> None:
    original = clock.now
    out = io.StringIO()
    run(out)
    assert clock.now is original
    assert not is_active()
    assert out.getvalue().splitlines()[-1].startswith("OK: ")


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "demo" in capsys.readouterr().err


@pytest.mark.allow_hosts(["127.0.0.1"])  # the local endpoint, nothing else
def test_serve_answers_kms_over_http(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "kmsmock", "serve", "--port", "0", "--account-id", "111122223333"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.fullmatch(
            r"kmsmock: serving KMS at (http://127\.0\.0\.1:\d+) \(Ctrl-C to stop\)\n", line
        )
        assert match, line
        kms = boto3.client(
            "kms",
            region_name="eu-west-1",
            endpoint_url=match.group(1),
            aws_access_key_id="AKIAFAKE",
            aws_secret_access_key="fake",
        )
        meta = kms.create_key()["KeyMetadata"]
        assert meta["Arn"].startswith("arn:aws:kms:eu-west-1:111122223333:key/")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
