"""Snapshots: restoring the state of 1,000 keys, frozen in memory (the per-test pattern: build
once, restore for every test) and from a JSON document."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

from .report import FAIL, PASS, Row, fmt_value

if TYPE_CHECKING:
    from .workloads import Bench

KEYS = 1_000
RESTORE = 1e-3  # a frozen snapshot of 1,000 keys restores in at most 1 ms


def _timed(fn: Any, repeat: int) -> float:
    """Median seconds of ``fn()`` over ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def restore(b: Bench) -> list[Row]:
    import boto3

    from kmsmock import mock_kms

    rounds = 21 if b.cfg.quick else 201
    with mock_kms() as m:
        kms = boto3.client("kms", region_name="us-east-1")
        ids = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(KEYS)]
        for n, key_id in enumerate(ids[:100]):
            kms.create_alias(AliasName=f"alias/key-{n}", TargetKeyId=key_id)
        frozen, document = m.freeze(), m.snapshot()
        middle = ids[KEYS // 2]

        def restore_and_use() -> None:
            m.restore(frozen)
            kms.describe_key(KeyId=middle)

        fast = _timed(lambda: m.restore(frozen), rounds)
        used = _timed(restore_and_use, rounds)
        slow = _timed(lambda: m.restore(document), max(3, rounds // 20))
    row = Row(
        "snapshot_restore",
        f"restore a frozen snapshot of {KEYS:,} keys (KmsMock.restore(freeze()))",
        {"kmsmock": fast},
        target=f"≤{fmt_value(RESTORE, 'time')}",
        status=PASS if fast <= RESTORE else FAIL,
    )
    row.extra.update(restore_and_describe=used, from_json_document=slow)
    row.note = (
        f"then describe_key on one key: {fmt_value(used, 'time')} in all; from the JSON "
        f"document (snapshot()): {fmt_value(slow, 'time')}; moto has no snapshots"
    )
    return [row]
