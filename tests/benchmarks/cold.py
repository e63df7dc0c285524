"""The cold first call (issue 12): a fresh interpreter that has imported boto3 imports the mock,
activates it, makes a client, creates a key and encrypts, against the same on the parse floor.

Each program times its stages itself (interpreter and boto3 start-up, the same for all, are
outside the timed part) and prints them as JSON. One more run of each under ``-X importtime``
names the modules kmsmock's stages import that the floor's never do: where its extra time goes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from typing import Any, NamedTuple

from .report import Row, fmt_value
from .sides import REGION, KmsmockSide, capture

STAGES = ("import", "activation", "client", "create_key", "encrypt")
COLD_FLOOR = 1.2  # at most 1.2x the same first call on the parse floor
_MARK = "@@stage "

# Shared by every program: boto3 imported untimed, then ``lap(stage)`` after each stage, which
# also marks the stage's end in ``-X importtime``'s output (stderr) outside the timed part, and
# the time garbage collections took within each stage (a gc callback).
_PRELUDE = f"""
import gc, json, sys, time
import boto3
laps, gcs, _gc = {{}}, {{}}, [0.0, 0.0]
def _collecting(phase, info):
    if phase == "start":
        _gc[0] = time.perf_counter()
    else:
        _gc[1] += time.perf_counter() - _gc[0]
gc.callbacks.append(_collecting)
def lap(stage, _t=[0.0]):
    now = time.perf_counter()
    if stage:
        laps[stage], gcs[stage] = now - _t[0], _gc[1]
    sys.stderr.write({_MARK!r} + (stage or "begin") + "\\n")
    sys.stderr.flush()
    _gc[1] = 0.0
    _t[0] = time.perf_counter()
lap(None)
"""
_CALLS = """
c = boto3.client("kms", region_name={region!r}){hook}
lap("client")
kid = c.create_key()["KeyMetadata"]["KeyId"]
lap("create_key")
c.encrypt(KeyId=kid, Plaintext=b"secret")
lap("encrypt")
print(json.dumps({{"laps": laps, "gc": gcs, "full": gc.get_stats()[2]["collections"],
                  "since_full": gc.get_count()[2]}}))
"""
KMSMOCK = (
    _PRELUDE
    + """
import kmsmock
lap("import")
kmsmock.mock_kms().start()
lap("activation")
"""
    + _CALLS.format(region=REGION, hook="")
)
MOTO = (
    _PRELUDE
    + """
from moto import mock_aws
lap("import")
mock_aws().start()
lap("activation")
"""
    + _CALLS.format(region=REGION, hook="")
)
# The parse floor's answers: the bytes kmsmock answered, parsed by botocore's JSON parser from
# a ``before-call`` handler (what ``sides.ParseFloor`` does), filled in with ``CANNED``.
_FLOOR = (
    _PRELUDE
    + """
from botocore.awsrequest import AWSResponse
from botocore.parsers import create_parser
CANNED = %r
class Raw:
    def __init__(self, data):
        self.data = data
    def stream(self, **_):
        yield self.data
parser = create_parser("json")
%s
def answer(model, params, **_):
    work(model.name)
    status, headers, body = CANNED[model.name]
    http = AWSResponse(params["url"], status, headers, Raw(body))
    response = {"headers": {k.lower(): v for k, v in headers.items()}, "status_code": status,
                "body": body, "context": {"operation_name": model.name}}
    return http, parser.parse(response, model.output_shape)
lap("import")
lap("activation")
"""
    + _CALLS.format(region=REGION, hook='\nc.meta.events.register_first("before-call.kms", answer)')
)


# What the floor's ``answer`` does besides answering: nothing, or (the work floor) what a mock
# that really encrypts must do on its first Encrypt.
_NO_WORK = """def work(name):
    pass"""
_AES_GCM = """def work(name):
    if name == "Encrypt":
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        AESGCM(bytes(32)).encrypt(bytes(12), b"secret", None)"""


def floor_program(session: Any) -> str:
    """The parse floor's program, answering what kmsmock answered to the same two calls."""
    kms = KmsmockSide(session)
    try:

        def op(c: Any) -> None:
            kid = c.create_key()["KeyMetadata"]["KeyId"]
            c.encrypt(KeyId=kid, Plaintext=b"secret")

        cap = capture(kms, op)
    finally:
        kms.close()
    canned = {name: answers[0][:3] for name, answers in cap.answers.items()}
    return _FLOOR % (canned, _NO_WORK)


def work_floor_program(floor: str) -> str:
    """The parse floor's program also importing cryptography's AES-GCM and encrypting with it
    on the first Encrypt: the least a mock that really encrypts pays on a cold first call."""
    return floor.replace(_NO_WORK, _AES_GCM)


def compiled_kmsmock() -> None:
    """Give kmsmock the bytecode an installed wheel has (pip compiles it at install time).

    An editable install has none, and with ``PYTHONDONTWRITEBYTECODE`` set (as on some CI
    machines) every fresh interpreter would compile kmsmock's source again: a cost no user
    pays, which the floors (installed packages, already compiled) do not pay either.
    """
    import compileall

    import kmsmock

    compileall.compile_dir(os.path.dirname(kmsmock.__file__), quiet=1)


def _run(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code], check=True, capture_output=True, text=True
    )


def stage_medians(programs: dict[str, str], rounds: int) -> dict[str, dict[str, float]]:
    """Median seconds of each program's stages (``STAGE``), of the garbage collections within
    them (``gc:STAGE``) and of the whole (``total``), programs interleaved round by round."""
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in programs}  # runs as JSON
    names = list(programs)
    for r in range(rounds + 1):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            run = json.loads(_run(programs[name]).stdout.splitlines()[-1])
            if r:  # round 0 warms the file cache
                samples[name].append(run)
    out = {}
    for name, runs in samples.items():
        m = {s: statistics.median(run["laps"][s] for run in runs) for s in STAGES}
        m |= {f"gc:{s}": statistics.median(run["gc"][s] for run in runs) for s in STAGES}
        m["total"] = statistics.median(sum(run["laps"].values()) for run in runs)
        # full collections run by the end, and generation-1 collections since the last one
        # (CPython's next collection after the 11th is a full one)
        m["full"] = statistics.median(run.get("full", 0) for run in runs)
        m["since_full"] = statistics.median(run.get("since_full", 0) for run in runs)
        out[name] = m
    return out


class Imported(NamedTuple):
    name: str
    own: float  # seconds in the module's own code
    cumulative: float  # ... and in the imports it made
    depth: int  # 0: imported by the program itself, 1: by one of those...


def imports_by_stage(code: str) -> dict[str, list[Imported]]:
    """The imports each stage of ``code`` ran (``-X importtime``, whose own overhead inflates
    the times a little)."""
    stage: str | None = None
    found: dict[str, list[Imported]] = {}
    for line in _run(code, "-X", "importtime").stderr.splitlines():
        if line.startswith(_MARK):
            stage = line[len(_MARK) :]
            continue
        if stage is None or not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        if not own.strip().isdigit():
            continue  # the header
        # Imports are listed as they complete: those before a stage's mark belong to it.
        running = _next_stage(stage)
        if running is not None:
            depth = (len(name) - len(name.lstrip()) - 1) // 2
            item = Imported(name.strip(), int(own) / 1e6, int(cumulative) / 1e6, depth)
            found.setdefault(running, []).append(item)
    return found


def _next_stage(marked: str) -> str | None:
    """The stage running after the mark ``marked`` (the mark ends the stage it names)."""
    order = ("begin", *STAGES)
    i = order.index(marked) if marked in order else len(order) - 1
    return order[i + 1] if i + 1 < len(order) else None


def extra_imports(kms: str, floor: str) -> dict[str, str]:
    """Per stage, what kmsmock's program imports that the floor's never does: in total, by
    package, and its heaviest modules by their own time."""
    theirs = {i.name for found in imports_by_stage(floor).values() for i in found}
    out = {}
    for stage, found in imports_by_stage(kms).items():
        mine = [i for i in found if i.name not in theirs]
        if not mine:
            continue
        top = min(i.depth for i in mine)
        total = sum(i.cumulative for i in mine if i.depth == top)
        by_package: dict[str, float] = {}
        for i in mine:
            package = i.name.split(".")[0]
            package = package if package in ("kmsmock", "cryptography") else "other"
            by_package[package] = by_package.get(package, 0.0) + i.own
        packages = ", ".join(
            f"{p} {fmt_value(t, 'time')}" for p, t in sorted(by_package.items(), key=_second)
        )
        heaviest = ", ".join(
            f"{i.name} {fmt_value(i.own, 'time')}" for i in sorted(mine, key=lambda i: -i.own)[:3]
        )
        out[stage] = (
            f"{stage} imports {fmt_value(total, 'time')} ({packages}; heaviest: {heaviest})"
        )
    return out


def _second(item: tuple[str, float]) -> float:
    return -item[1]


def cold_call(session: Any, rounds: int) -> list[Row]:
    compiled_kmsmock()
    floor = floor_program(session)
    programs = {"kmsmock": KMSMOCK, "parse_floor": floor, "work_floor": work_floor_program(floor)}
    medians = stage_medians(programs | {"moto": MOTO}, rounds)
    row = Row(
        "cold_call",
        "cold first call: import, activate, client, create_key, encrypt (after boto3)",
        {name: m["total"] for name, m in medians.items()},
    )
    text = f"≤{COLD_FLOOR}x parse floor"
    row.check("cold", "kmsmock", "parse_floor", COLD_FLOOR, text)
    kms, base = medians["kmsmock"], medians["parse_floor"]
    for name, m in medians.items():
        row.extra |= {f"{name}_{s}": value for s, value in m.items() if s != "total"}
    notes = [
        "kmsmock by stage, against the parse floor's: "
        + ", ".join(_stage(s, kms, base) for s in STAGES)
    ]
    collected = [s for s in STAGES if kms[f"gc:{s}"] - base[f"gc:{s}"] >= 1e-3]
    if collected:
        notes.append(
            "garbage collection accounts for "
            + ", ".join(f"{_signed(kms[f'gc:{s}'] - base[f'gc:{s}'])} in {s}" for s in collected)
            + " (collections the floor's program does not run in the same stage)"
        )
    if kms["full"] > base["full"]:
        notes.append(
            "CPython's first full collection (due after 11 generation-1 collections) ran in "
            f"kmsmock's program and not in the floor's, which ends {base['since_full']:.0f} "
            "generation-1 collections in: any import before the client's pushes that collection "
            f"into the timed part (full collections by the end: kmsmock {kms['full']:.0f}, the "
            f"floor {base['full']:.0f})"
        )
    extra = extra_imports(KMSMOCK, floor)
    if extra:
        listed = "; ".join(extra.values())
        notes.append(f"imports the floor's program never makes (-X importtime): {listed}")
    work = medians["work_floor"]
    notes.append(
        "the work floor (the floor's program also importing cryptography's AES-GCM and "
        f"encrypting with it on the first Encrypt) {fmt_value(work['total'], 'time')}, "
        f"{work['total'] / base['total']:.2f}x the floor (full collections by the end: "
        f"{work['full']:.0f}): kmsmock is {kms['total'] / work['total']:.2f}x it"
    )
    notes.append("moto: the same first call with `mock_aws` (info)")
    row.note = "; ".join(notes)
    return [row]


def _stage(stage: str, kms: dict[str, float], base: dict[str, float]) -> str:
    return f"{stage} {fmt_value(kms[stage], 'time')} ({_signed(kms[stage] - base[stage])})"


def _signed(seconds: float) -> str:
    sign = "+" if seconds >= 0 else "-"
    return sign + fmt_value(abs(seconds), "time")
