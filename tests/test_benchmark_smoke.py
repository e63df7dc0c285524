"""The shipped benchmark (``python -m tests.benchmarks``) runs and reports what the README quotes.

A smoke run only: three cheap workloads, two rounds, in a subprocess as a user would run it. No
timing is asserted (timings belong to the benchmark, not to the test suite); that each row is
judged against its targets, and consistently with its own ratios, is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENDERS = {"kmsmock", "kmsmock_loop", "moto", "stubber", "parse_floor", "before_send"}
# kmsmock's interception replaying the answer on each path: what its seam alone costs
CONTENDERS |= {"kmsmock_seam", "kmsmock_loop_seam"}
# the parse floor also doing the JSON, base64 and cryptography no honest mock can skip
CONTENDERS |= {"work_floor", "work_loop_floor"}
STAGES = ("import", "activation", "client", "create_key", "encrypt")


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
            "encrypt,activation,cold_call",
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


@pytest.fixture(scope="module")
def report(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The JSON report of the run, and its rows by workload."""
    proc, out = run
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "bench.json").read_text())
    return doc, {row["key"]: row for row in doc["rows"]}


def test_quick_run_succeeds_and_prints_the_table(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    proc, _ = run
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if line.startswith("workload"))
    columns = "kmsmock, kmsmock loop, moto, parse floor, before-send floor, Stubber, target, result"
    for column in [*columns.split(", "), "kmsmock/parse floor", "loop/before-send floor"]:
        assert column in header
    assert "encrypt+decrypt 1 KiB" in proc.stdout
    assert "cold first call" in proc.stdout
    assert "reproduce: python -m tests.benchmarks --quick" in proc.stdout


def test_json_has_every_field_the_readme_table_needs(
    report: tuple[dict[str, Any], dict[str, dict[str, Any]]],
) -> None:
    doc, rows = report
    env = doc["environment"]
    assert env["cpus"] >= 1
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    assert env["versions"]["botocore"]
    assert env["versions"]["moto"]
    assert doc["config"]["quick"] is True
    assert set(rows) == {"encrypt", "activation", "cold_call"}

    encrypt = rows["encrypt"]
    values = encrypt["values"]
    assert set(values) == CONTENDERS
    assert all(value > 0 for value in values.values())
    ratios = encrypt["ratios"]
    assert ratios["kmsmock/parse_floor"] == pytest.approx(values["kmsmock"] / values["parse_floor"])
    assert ratios["kmsmock_loop/before_send"] == pytest.approx(
        values["kmsmock_loop"] / values["before_send"]
    )
    assert ratios["kmsmock/moto"] == pytest.approx(values["kmsmock"] / values["moto"])
    for row in rows.values():
        assert row["status"] in {"PASS", "FAIL"}
        assert row["target"]
    assert set(rows["activation"]["values"]) == {"kmsmock", "moto"}
    assert encrypt["extra"]["work_floor"] == values["work_floor"]
    assert encrypt["extra"]["work_loop_floor"] == values["work_loop_floor"]
    assert "the work floor" in encrypt["note"]


def test_per_call_rows_are_judged_on_both_paths_and_against_moto(
    report: tuple[dict[str, Any], dict[str, dict[str, Any]]],
) -> None:
    encrypt = report[1]["encrypt"]
    checks = {check["name"]: check for check in encrypt["checks"]}
    assert {name: (c["ratio"], c["limit"]) for name, c in checks.items()} == {
        "fast": ("kmsmock/parse_floor", 1.2),
        "loop": ("kmsmock_loop/before_send", 1.2),
        "moto": ("kmsmock/moto", 0.25),
    }
    for check in checks.values():
        assert check["met"] == (check["value"] <= check["limit"])
    assert encrypt["status"] == ("PASS" if all(c["met"] for c in checks.values()) else "FAIL")
    assert encrypt["missed"] == [name for name, c in checks.items() if not c["met"]]


def test_the_cold_call_row_breaks_kmsmock_down_by_stage(
    report: tuple[dict[str, Any], dict[str, dict[str, Any]]],
) -> None:
    cold = report[1]["cold_call"]
    assert set(cold["values"]) == {"kmsmock", "parse_floor", "work_floor", "moto"}
    assert "the work floor" in cold["note"]
    assert [(c["name"], c["limit"]) for c in cold["checks"]] == [("cold", 1.2)]
    for stage in STAGES:
        assert cold["extra"][f"kmsmock_{stage}"] >= 0
        assert cold["extra"][f"parse_floor_gc:{stage}"] >= 0
        assert f"{stage} " in cold["note"]
    assert sum(cold["extra"][f"kmsmock_{s}"] for s in STAGES) == pytest.approx(
        cold["values"]["kmsmock"], rel=0.5
    )
    assert "imports the floor's program never makes" in cold["note"]


def test_markdown_names_the_machine_and_the_command(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    proc, out = run
    assert proc.returncode == 0, proc.stderr
    md = (out / "bench.md").read_text()
    assert md.startswith("| workload | kmsmock | kmsmock loop | moto |")
    assert "Machine: " in md
    assert "Reproduce: `python -m tests.benchmarks --quick`" in md
