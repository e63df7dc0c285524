"""Results: one row per workload, printed as a table and written as JSON or Markdown."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

PASS, FAIL, SKIP, INFO = "PASS", "FAIL", "SKIP", "info"
# kmsmock on its two paths, moto, and botocore's floors (the Stubber is informational now)
COLUMNS = ("kmsmock", "kmsmock_loop", "moto", "parse_floor", "before_send", "stubber")


@dataclass
class Row:
    key: str  # the workload's id (``--only``)
    workload: str  # what is measured, as shown
    values: dict[str, float | None]  # contender -> median seconds per operation (or bytes)
    target: str = ""
    status: str = INFO
    note: str = ""
    kind: str = "time"  # "time": seconds per operation; "bytes": bytes per key
    extra: dict[str, float] = field(default_factory=dict)
    # Ratio targets judged on this row: {"name", "ratio", "value", "limit", "met"}
    checks: list[dict[str, Any]] = field(default_factory=list)

    def ratio(self, other: str, mine: str = "kmsmock") -> float | None:
        ours, theirs = self.values.get(mine), self.values.get(other)
        if ours is None or not theirs:
            return None
        return ours / theirs

    def check(self, name: str, mine: str, other: str, limit: float, text: str) -> None:
        """Judge ``mine / other <= limit`` (if both were measured) and say so in the target."""
        value = self.ratio(other, mine)
        self.check_value(name, f"{mine}/{other}", value, limit, text)

    def check_value(
        self, name: str, ratio: str, value: float | None, limit: float, text: str
    ) -> None:
        """Judge ``value <= limit`` under ``name`` (unjudged when ``value`` is None)."""
        self.target = f"{self.target}, {text}" if self.target else text
        if value is not None:
            self.checks.append(
                {
                    "name": name,
                    "ratio": ratio,
                    "value": value,
                    "limit": limit,
                    "met": value <= limit,
                }
            )
        self.status = (
            INFO if not self.checks else PASS if all(c["met"] for c in self.checks) else FAIL
        )

    def missed(self) -> list[str]:
        return [c["name"] for c in self.checks if not c["met"]]

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ratios"] = {
            "kmsmock/parse_floor": self.ratio("parse_floor"),
            "kmsmock_loop/before_send": self.ratio("before_send", "kmsmock_loop"),
            "kmsmock/moto": self.ratio("moto"),
            "kmsmock_loop/moto": self.ratio("moto", "kmsmock_loop"),
            "kmsmock/stubber": self.ratio("stubber"),
            "kmsmock/before_send": self.ratio("before_send"),
        }
        out["missed"] = self.missed()
        return out


def skipped(key: str, workload: str, why: str) -> Row:
    return Row(key, workload, {}, status=SKIP, note=why)


def fmt_value(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "bytes":
        return f"{value:,.0f} B" if value < 10_240 else f"{value / 1024:,.1f} KiB"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.1f} µs"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}x"
    return f"{value:.2f}x"


def _versus(ratio: float | None, kind: str) -> str:
    """kmsmock against moto: "5.0x faster" reads better than a fraction."""
    if not ratio:
        return "-"
    better, worse = ("less", "more") if kind == "bytes" else ("faster", "slower")
    return f"{1 / ratio:.1f}x {better}" if ratio <= 1 else f"{ratio:.1f}x {worse}"


def _cells(row: Row) -> list[str]:
    missed = row.missed()
    return [
        row.workload,
        *(fmt_value(row.values.get(name), row.kind) for name in COLUMNS),
        fmt_ratio(row.ratio("parse_floor")),
        fmt_ratio(row.ratio("before_send", "kmsmock_loop")),
        # "how many times faster than moto" reads better than a fraction
        _versus(row.ratio("moto"), row.kind),
        row.target,
        f"{row.status} ({', '.join(missed)})" if missed else row.status,
    ]


HEADER = [
    "workload",
    "kmsmock",
    "kmsmock loop",
    "moto",
    "parse floor",
    "before-send floor",
    "Stubber",
    "kmsmock/parse floor",
    "loop/before-send floor",
    "kmsmock/moto",
    "target",
    "result",
]


def table(rows: list[Row]) -> str:
    grid = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in grid) for i in range(len(HEADER))]
    lines = []
    for n, line in enumerate(grid):
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"- {r.workload}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def markdown(rows: list[Row], env: dict[str, Any], command: str) -> str:
    out = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
    notes = [f"- **{r.workload}**: {r.note}" for r in rows if r.note]
    machine = (
        f"{env['cpus']} CPUs ({env['cpu_model']}), Python {env['python']}, "
        f"botocore {env['versions'].get('botocore')}, boto3 {env['versions'].get('boto3')}, "
        f"moto {env['versions'].get('moto')}, cryptography {env['versions'].get('cryptography')}"
        f", {env['platform']}"
    )
    if env.get("load_average"):
        machine += (
            f"; load average {env['load_average'][0]} / {env['load_average'][1]} / "
            f"{env['load_average'][2]} (1/5/15 min) when the run ended"
        )
    return "\n".join(
        [
            *out,
            "",
            *notes,
            "",
            f"Machine: {machine}.",
            "",
            f"Reproduce: `{command}`",
            "",
        ]
    )


def environment() -> dict[str, Any]:
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 0
    versions: dict[str, str | None] = {}
    for dist in ("kmsmock", "botocore", "boto3", "moto", "cryptography", "time-machine"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not available
        load = []
    return {
        "load_average": load,  # 1, 5, 15 minutes, when the run ended
        "cpus": cpus,
        "cpu_model": model,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(terse=True),
        "versions": versions,
    }


def write_json(path: str, rows: list[Row], env: dict[str, Any], config: dict[str, Any]) -> None:
    doc = {"environment": env, "config": config, "rows": [r.as_json() for r in rows]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
