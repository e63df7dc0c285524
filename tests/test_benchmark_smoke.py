"""The shipped benchmark (``python -m tests.benchmarks``) runs and reports what the README quotes.

A smoke run only: two cheap workloads, two rounds, in a subprocess as a user would run it. No
timing is asserted (timings belong to the benchmark, not to the test suite).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENDERS = {"kmsmock", "moto", "stubber", "parse_floor", "before_send"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.benchmarks",
            "--quick",
            "--only",
            "encrypt,activation",
            "--rounds",
            "2",
            "--json",
            str(out / "bench.json"),
            "--markdown",
            str(out / "bench.md"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc, out


def test_quick_run_succeeds_and_prints_the_table(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    proc, _ = run
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if line.startswith("workload"))
    for column in ("kmsmock", "moto", "Stubber floor", "kmsmock/Stubber", "target", "result"):
        assert column in header
    assert "encrypt+decrypt 1 KiB" in proc.stdout
    assert "reproduce: python -m tests.benchmarks --quick" in proc.stdout


def test_json_has_every_field_the_readme_table_needs(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    proc, out = run
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "bench.json").read_text())
    env = doc["environment"]
    assert env["cpus"] >= 1
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    assert env["versions"]["botocore"]
    assert env["versions"]["moto"]
    assert doc["config"]["quick"] is True
    rows = {row["key"]: row for row in doc["rows"]}
    assert set(rows) == {"encrypt", "activation"}

    encrypt = rows["encrypt"]
    assert set(encrypt["values"]) == CONTENDERS
    assert all(value > 0 for value in encrypt["values"].values())
    assert encrypt["ratios"]["kmsmock/stubber"] == pytest.approx(
        encrypt["values"]["kmsmock"] / encrypt["values"]["stubber"]
    )
    assert encrypt["ratios"]["kmsmock/moto"] == pytest.approx(
        encrypt["values"]["kmsmock"] / encrypt["values"]["moto"]
    )
    for row in rows.values():
        assert row["status"] in {"PASS", "FAIL"}
        assert row["target"]
    assert set(rows["activation"]["values"]) == {"kmsmock", "moto"}


def test_markdown_names_the_machine_and_the_command(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    proc, out = run
    assert proc.returncode == 0, proc.stderr
    md = (out / "bench.md").read_text()
    assert md.startswith("| workload | kmsmock | moto |")
    assert "Machine: " in md
    assert "Reproduce: `python -m tests.benchmarks --quick`" in md
