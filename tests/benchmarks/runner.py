"""Command line: run the workloads, print the table, optionally write JSON and Markdown."""

from __future__ import annotations

import argparse
import sys
import time
import warnings

from .harness import Config
from .report import FAIL, Row, environment, markdown, table, write_json


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tests.benchmarks",
        description="kmsmock (fast path and request loop) against moto and botocore's floors.",
    )
    p.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds, less data")
    p.add_argument("--json", metavar="PATH", help="write every row, with the machine, as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write the table as Markdown")
    p.add_argument("--only", metavar="NAMES", help="comma-separated workloads (see --list)")
    p.add_argument("--rounds", type=int, help="rounds for per-call workloads (default 31/5)")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument(
        "--strict", action="store_true", help="exit with status 1 if any target is missed"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        import moto  # noqa: F401
    except ImportError:
        print("moto is needed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    from .sides import ensure_credentials
    from .workloads import WORKLOADS, Bench

    if args.list:
        print("\n".join(WORKLOADS))
        return 0
    only = set(args.only.split(",")) if args.only else None
    unknown = (only or set()) - set(WORKLOADS)
    if unknown:
        print(f"unknown workloads: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if sys.flags.dev_mode:
        log("warning: Python's development mode is on (PYTHONDEVMODE): timings are distorted")
    warnings.simplefilter("ignore", DeprecationWarning)  # moto's and botocore's own
    ensure_credentials()
    cfg = Config.make(args.quick, args.rounds, only=only, log=log)
    bench = Bench(cfg)
    rows: list[Row] = []
    began = time.perf_counter()
    for name, workload in WORKLOADS.items():
        if only is not None and name not in only:
            continue
        t0 = time.perf_counter()
        log(f"[{name}] ...")
        rows += workload(bench)
        log(f"[{name}] {time.perf_counter() - t0:.1f} s")
    env = environment()
    command = "python -m tests.benchmarks" + (" --quick" if args.quick else "")
    print()
    print(table(rows))
    print()
    print(
        f"{env['cpus']} CPUs, {env['cpu_model']}, Python {env['python']}, "
        f"botocore {env['versions']['botocore']}, moto {env['versions']['moto']}, "
        f"load average {env['load_average']}; "
        f"{time.perf_counter() - began:.0f} s; reproduce: {command}"
    )
    config = {
        "quick": cfg.quick,
        "rounds": cfg.rounds,
        "slow_rounds": cfg.slow_rounds,
        "batch_seconds": cfg.batch_seconds,
        "command": command,
    }
    if args.json:
        write_json(args.json, rows, env, config)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(rows, env, command))
    if args.strict and any(r.status == FAIL for r in rows):
        return 1
    return 0
