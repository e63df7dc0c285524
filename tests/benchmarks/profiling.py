"""Where kmsmock's time goes beyond its floor: one workload's calls profiled on both sides.

    python -m tests.benchmarks.profiling describe_key          # the fast path vs the parse floor
    python -m tests.benchmarks.profiling encrypt --path loop   # the loop vs the before-send floor

The same operation runs under ``cProfile`` on kmsmock's client and on the floor's, replaying
what kmsmock answered; each function's own time per operation on the floor is subtracted from
kmsmock's, so what is listed is what kmsmock adds (``cProfile`` inflates small functions, so
read the ranking, not the absolute figures). Not part of the benchmark's run or its table.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable
from typing import Any

from .harness import Contender
from .sides import BeforeSendFloor, KmsmockSide, Op, ParseFloor, capture, ensure_credentials
from .sides import new_session as _new_session
from .workloads import data_key_setup, describe_setup, encrypt_setup, list_setup, sign_setup

SETUPS: dict[str, Callable[[Any], Op]] = {
    "describe_key": describe_setup(10),
    "describe_key_10000": describe_setup(10_000),
    "encrypt": encrypt_setup(),
    "generate_data_key": data_key_setup,
    "create_key": lambda client: lambda c: c.create_key(),
    "list_keys": list_setup(1_000),
    "sign_ecc": sign_setup("ECC_NIST_P256", "ECDSA_SHA_256"),
    "sign_rsa": sign_setup("RSA_2048", "RSASSA_PSS_SHA_256"),
}
Where = tuple[str, int, str]  # file, line, function


def _own_times(
    contenders: list[Contender], calls: int, chunks: int = 10
) -> list[tuple[float, dict[Where, float]]]:
    """For each contender: seconds per operation in all, and in each function's own code,
    under cProfile; they take turns in chunks, so drift of the machine falls on all alike."""
    size = calls // chunks
    profilers = [cProfile.Profile() for _ in contenders]
    for chunk in range(chunks + 1):
        for c, profiler in zip(contenders, profilers, strict=True):
            c.before(size)
            try:
                if chunk:  # the first chunk warms up
                    profiler.enable()
                for _ in range(size):
                    c.op()
            finally:
                profiler.disable()
                c.after()
    out = []
    for profiler in profilers:
        stats: Any = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        n = size * chunks
        own = {where: tottime / n for where, (_cc, _nc, tottime, _ct, _callers) in stats.items()}
        out.append((sum(own.values()), own))
    return out


def _area(where: Where) -> str:
    path = where[0].replace("\\", "/")
    for marker in ("/kmsmock/", "/botocore/", "/cryptography/", "/json/", "/tests/benchmarks/"):
        if marker in path:
            return marker.strip("/")
    return "builtins" if path == "~" else "other"


def _short(where: Where) -> str:
    path, line, name = where
    for marker in ("/kmsmock/", "/botocore/", "/cryptography/"):
        if marker in path:
            path = marker.strip("/") + "/" + path.split(marker, 1)[1]
            break
    else:
        path = path.rsplit("/", 1)[-1]
    return f"{path}:{line} {name}" if line else name


def profile(workload: str, path: str, calls: int, top: int) -> str:
    session = _new_session()
    kms = KmsmockSide(session)
    try:
        with kms.serving() as client:
            op = SETUPS[workload](client)
        cap = capture(kms, op)
        floor: Any = ParseFloor(session, cap) if path == "fast" else BeforeSendFloor(session, cap)
        # kmsmock intercepts only around its own chunks (it would answer the before-send
        # floor's client too), as in the benchmark.
        mine = kms.client if path == "fast" else kms.loop_client
        resume = kms.resume if path == "fast" else kms.resume_loop
        ((total, own), (base_total, base)) = _own_times(
            [
                Contender("kmsmock", lambda: op(mine), resume, kms.pause),
                Contender("floor", lambda: op(floor.client)),
            ],
            calls,
        )
    finally:
        kms.close()
    extra = {where: t - base.get(where, 0.0) for where, t in own.items()}
    floor_name = "parse floor" if path == "fast" else "before-send floor"
    lines = [
        f"{workload}, kmsmock's {path} path under cProfile: {total * 1e6:.1f} µs per operation, "
        f"the {floor_name} {base_total * 1e6:.1f} µs: {(total - base_total) * 1e6:+.1f} µs",
        "",
        "beyond the floor, by area (own time per operation):",
    ]
    areas: dict[str, float] = {}
    for where, t in extra.items():
        areas[_area(where)] = areas.get(_area(where), 0.0) + t
    for area, t in sorted(areas.items(), key=lambda item: -item[1]):
        lines.append(f"  {t * 1e6:+8.1f} µs  {area}")
    lines += ["", f"the {top} functions adding most (own time per operation):"]
    for where, t in sorted(extra.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"  {t * 1e6:+8.1f} µs  {_short(where)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.profiling")
    p.add_argument("workload", choices=sorted(SETUPS))
    p.add_argument("--path", choices=("fast", "loop"), default="fast")
    p.add_argument("--calls", type=int, help="operations profiled (default 2000, list_keys 100)")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args(argv)
    ensure_credentials()
    calls = args.calls or (100 if args.workload == "list_keys" else 2000)
    print(profile(args.workload, args.path, calls, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
