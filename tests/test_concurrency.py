"""The backend is safe under threads: many threads on shared keys, while others rotate, re-alias,
disable and enable them and the clock moves, lose no ciphertext and raise nothing but AWS's
documented errors.

What may be shared across threads (README "Reliability"): one activation (start and stop it in
one thread, before the workers start and after they finish); botocore/boto3 clients (create them
before starting the threads: boto3's default session is not thread-safe, its clients are); the
keys, aliases and ciphertexts themselves. Every request is served under the activation's one
lock, so requests are atomic with respect to each other.

The clock moves with time-machine's ``Traveller.shift`` from one thread while the others work:
time-machine keeps one process-wide destination that ``shift`` only adds to, so every thread
reads a consistent, monotonically advancing time (with ``tick=False``).
"""

from __future__ import annotations

import random
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from kmsmock import mock_kms
from kmsmock.operations import OPERATIONS
from tests.helpers import replace_handler

REGION = "us-east-1"
START = datetime(2025, 3, 1, tzinfo=timezone.utc)
ITERATIONS = 150  # per worker thread: bounded so the test takes a few seconds
JOIN_TIMEOUT = 120.0


@dataclass(frozen=True)
class Produced:
    blob: bytes
    plaintext: bytes
    context: dict[str, str] | None
    key_arn: str
    material_id: str | None


class Workers:
    """Runs worker functions in threads that start together; collects what went wrong."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self._threads: list[threading.Thread] = []
        self._targets: list[tuple[str, Callable[[random.Random], None]]] = []

    def add(self, name: str, target: Callable[[random.Random], None]) -> None:
        self._targets.append((name, target))

    def run(self) -> None:
        barrier = threading.Barrier(len(self._targets))

        def guarded(name: str, seed: int, target: Callable[[random.Random], None]) -> None:
            try:
                barrier.wait(timeout=30)
                target(random.Random(seed))
            except BaseException:  # every escape is a failure, reported with its traceback
                self.failures.append(f"{name}:\n{traceback.format_exc()}")

        self._threads = [
            threading.Thread(target=guarded, args=(name, seed, target), name=name, daemon=True)
            for seed, (name, target) in enumerate(self._targets)
        ]
        for thread in self._threads:
            thread.start()
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT)
        stuck = [t.name for t in self._threads if t.is_alive()]
        assert not stuck, f"threads still running (deadlock?): {stuck}"


def expect(allowed: set[str], call: Callable[..., Any], **params: Any) -> Any:
    """``call(**params)``'s answer, or None when it failed with one of the ``allowed`` codes."""
    try:
        return call(**params)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code not in allowed:
            raise AssertionError(f"undocumented outcome {code}: {exc}") from exc
        return None


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Switch threads far more often than CPython's default 5 ms, to shake out races."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("busy_switching")
def test_shared_keys_survive_threads_rotation_aliases_state_changes_and_time() -> None:
    with time_machine.travel(START, tick=False) as traveller, mock_kms():
        kms = boto3.client("kms", region_name=REGION, config=Config(max_pool_connections=32))
        keys = [kms.create_key(Description=f"shared {i}")["KeyMetadata"] for i in range(4)]
        arns = [k["Arn"] for k in keys]
        for key in keys[:2]:
            kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
        aliases = [f"alias/shared-{i}" for i in range(3)]
        for name, key in zip(aliases, keys, strict=False):
            kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])

        produced: list[Produced] = []  # list.append is atomic
        rotations: Counter[str] = Counter()
        rotations_lock = threading.Lock()

        def identifier(rng: random.Random) -> str:
            key = rng.choice(keys)
            return rng.choice([key["KeyId"], key["Arn"], rng.choice(aliases)])

        # Crypto on shared keys: a key may be disabled by another thread at any moment.
        usable = {"DisabledException"}

        def cryptographer(rng: random.Random) -> None:
            for i in range(ITERATIONS):
                plaintext = rng.randbytes(rng.randint(1, 64))
                context = {"worker": threading.current_thread().name, "i": str(i)}
                step = i % 4
                if step < 2:
                    sealing = {"KeyId": identifier(rng), "EncryptionContext": context}
                    # made: what decrypting must give back (plaintext, key material id)
                    if step == 0:
                        out = expect(usable, kms.encrypt, Plaintext=plaintext, **sealing)
                        made = out and (plaintext, None)
                    else:
                        out = expect(usable, kms.generate_data_key, NumberOfBytes=32, **sealing)
                        made = out and (out["Plaintext"], out["KeyMaterialId"])
                    if made:
                        produced.append(
                            Produced(out["CiphertextBlob"], made[0], context, out["KeyId"], made[1])
                        )
                elif produced:
                    item = rng.choice(produced)
                    if step == 2:
                        out = expect(
                            usable,
                            kms.decrypt,
                            CiphertextBlob=item.blob,
                            EncryptionContext=item.context or {},
                        )
                        if out:
                            assert out["Plaintext"] == item.plaintext
                            assert out["KeyId"] == item.key_arn
                    else:
                        out = expect(
                            usable,
                            kms.re_encrypt,
                            CiphertextBlob=item.blob,
                            SourceEncryptionContext=item.context or {},
                            DestinationKeyId=identifier(rng),
                        )
                        if out:
                            produced.append(
                                Produced(
                                    out["CiphertextBlob"], item.plaintext, None, out["KeyId"], None
                                )
                            )

        def rotator(rng: random.Random) -> None:
            # LimitExceeded after 25 rotations of a key; Conflict when an automatic rotation is
            # due within 20 minutes (the clock thread makes that happen).
            allowed = {"DisabledException", "LimitExceededException", "ConflictException"}
            for _ in range(ITERATIONS):
                key = rng.choice(keys)
                if expect(allowed, kms.rotate_key_on_demand, KeyId=key["KeyId"]):
                    with rotations_lock:
                        rotations[key["Arn"]] += 1

        def aliaser(rng: random.Random) -> None:
            for i in range(ITERATIONS):
                name = f"alias/churn-{i % 5}"
                expect(
                    {"AlreadyExistsException"},
                    kms.create_alias,
                    AliasName=name,
                    TargetKeyId=rng.choice(arns),
                )
                kms.update_alias(AliasName=rng.choice(aliases), TargetKeyId=rng.choice(arns))
                expect({"NotFoundException"}, kms.delete_alias, AliasName=name)

        def switcher(rng: random.Random) -> None:
            for _ in range(ITERATIONS):
                key = rng.choice(keys)["KeyId"]
                kms.disable_key(KeyId=key)
                kms.describe_key(KeyId=key)
                kms.enable_key(KeyId=key)

        def tagger(rng: random.Random) -> None:
            # Two taggers on one key, each with its own tag keys: no update may be lost.
            me = threading.current_thread().name
            mine: dict[str, str] = {}  # what this thread's tags must be, done sequentially
            for i in range(ITERATIONS):
                tag = {"TagKey": f"{me}-{i % 8}", "TagValue": str(i)}
                kms.tag_resource(KeyId=keys[0]["KeyId"], Tags=[tag])
                mine[tag["TagKey"]] = tag["TagValue"]
                if i % 3 == 2:
                    gone = f"{me}-{(i - 1) % 8}"
                    kms.untag_resource(KeyId=keys[0]["KeyId"], TagKeys=[gone])
                    mine.pop(gone, None)
            expected_tags[me] = mine

        def churner(rng: random.Random) -> None:
            # Keys come and go (deletion windows end as the clock moves) while others list them.
            for _ in range(ITERATIONS // 2):
                key = kms.create_key(Description="churn")["KeyMetadata"]["KeyId"]
                kms.encrypt(KeyId=key, Plaintext=b"short-lived")
                kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)

        def reader(rng: random.Random) -> None:
            paginator = kms.get_paginator("list_keys")
            for _ in range(ITERATIONS):
                key = rng.choice(keys)["KeyId"]
                assert kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"] in arns
                kms.get_key_rotation_status(KeyId=key)
                kms.list_key_rotations(KeyId=key)
                listed = [
                    k["KeyArn"]
                    for page in paginator.paginate(PaginationConfig={"PageSize": 3})
                    for k in page["Keys"]
                ]
                assert len(listed) == len(set(listed)), "a key listed twice"
                assert set(arns) <= set(listed), "a shared key missing from ListKeys"
                names = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
                assert set(aliases) <= set(names)
                assert len(kms.list_resource_tags(KeyId=keys[0]["KeyId"])["Tags"]) <= 50

        def clock(rng: random.Random) -> None:
            for _ in range(ITERATIONS):
                traveller.shift(timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 86399)))
                kms.describe_key(KeyId=rng.choice(keys)["KeyId"])

        expected_tags: dict[str, dict[str, str]] = {}
        workers = Workers()
        for n in range(4):
            workers.add(f"crypto-{n}", cryptographer)
        for name, target in [
            ("rotator-0", rotator),
            ("rotator-1", rotator),
            ("tagger-0", tagger),
            ("tagger-1", tagger),
            ("tagger-2", tagger),
            ("aliaser", aliaser),
            ("switcher", switcher),
            ("churner", churner),
            ("reader", reader),
            ("clock", clock),
        ]:
            workers.add(name, target)
        workers.run()
        assert workers.failures == [], "\n".join(workers.failures)

        tags = kms.list_resource_tags(KeyId=keys[0]["KeyId"])["Tags"]
        assert {t["TagKey"]: t["TagValue"] for t in tags} == {
            k: v for final in expected_tags.values() for k, v in final.items()
        }, "a concurrent TagResource/UntagResource was lost"

        # Afterwards: every ciphertext made by any thread decrypts to its plaintext.
        for key in keys:
            kms.enable_key(KeyId=key["KeyId"])
        assert len(produced) > 50
        for item in produced:
            out = kms.decrypt(CiphertextBlob=item.blob, EncryptionContext=item.context or {})
            assert (out["Plaintext"], out["KeyId"]) == (item.plaintext, item.key_arn)
            if item.material_id is not None:
                assert out["KeyMaterialId"] == item.material_id
        # No rotation was lost or doubled: each successful on-demand rotation left one version.
        for key in keys:
            entries = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
            on_demand = sum(e["RotationType"] == "ON_DEMAND" for e in entries)
            assert on_demand == rotations[key["Arn"]] <= 25
            ids = [e["KeyMaterialId"] for e in entries]
            assert len(ids) == len(set(ids))
        assert sum(rotations.values()) > 0


SIGNING = [("ECC_NIST_P256", "ECDSA_SHA_256"), ("RSA_2048", "RSASSA_PSS_SHA_256")]


def _verify_outside(public_der: bytes, algorithm: str, message: bytes, signature: bytes) -> None:
    public: Any = serialization.load_der_public_key(public_der)
    if algorithm == "ECDSA_SHA_256":
        public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    else:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        public.verify(signature, message, pss, hashes.SHA256())


@pytest.mark.skipif(
    not {"Sign", "Verify", "GetPublicKey"} <= set(OPERATIONS),
    reason="Sign/Verify/GetPublicKey are not in kmsmock.operations.OPERATIONS yet",
)
@pytest.mark.usefixtures("busy_switching")
def test_sign_and_verify_under_threads() -> None:
    with time_machine.travel(START, tick=False) as traveller, mock_kms():
        kms = boto3.client("kms", region_name=REGION, config=Config(max_pool_connections=32))
        signers = []
        for spec, algorithm in SIGNING:
            key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
            public = kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]
            signers.append((key, algorithm, public))
        signed: list[tuple[int, bytes, bytes]] = []

        def signer(rng: random.Random) -> None:
            for _ in range(ITERATIONS // 2):
                index = rng.randrange(len(signers))
                key, algorithm, _ = signers[index]
                message = rng.randbytes(rng.randint(1, 200))
                out = expect(
                    {"DisabledException"},
                    kms.sign,
                    KeyId=key["Arn"],
                    Message=message,
                    SigningAlgorithm=algorithm,
                )
                if out:
                    assert out["KeyId"] == key["Arn"]
                    signed.append((index, message, out["Signature"]))

        def verifier(rng: random.Random) -> None:
            for _ in range(ITERATIONS):
                if not signed:
                    continue
                index, message, signature = rng.choice(signed)
                key, algorithm, _ = signers[index]
                checked = {
                    "KeyId": key["KeyId"],
                    "Signature": signature,
                    "SigningAlgorithm": algorithm,
                }
                out = expect({"DisabledException"}, kms.verify, Message=message, **checked)
                assert out is None or out["SignatureValid"] is True
                tampered = bytes([message[0] ^ 1]) + message[1:]
                refused = {"DisabledException", "KMSInvalidSignatureException"}
                expect(refused, kms.verify, Message=tampered, **checked)

        def switcher(rng: random.Random) -> None:
            for _ in range(ITERATIONS):
                key = rng.choice(signers)[0]["KeyId"]
                kms.disable_key(KeyId=key)
                kms.enable_key(KeyId=key)

        def clock(rng: random.Random) -> None:
            for _ in range(ITERATIONS):
                traveller.shift(timedelta(days=rng.randint(1, 30)))
                kms.list_keys()

        workers = Workers()
        for n in range(4):
            workers.add(f"signer-{n}", signer)
        for n in range(2):
            workers.add(f"verifier-{n}", verifier)
        workers.add("switcher", switcher)
        workers.add("clock", clock)
        workers.run()
        assert workers.failures == [], "\n".join(workers.failures)

        assert len(signed) > 20
        for index, message, signature in signed:
            _, algorithm, public = signers[index]
            _verify_outside(public, algorithm, message, signature)  # with cryptography
            with pytest.raises(InvalidSignature):
                _verify_outside(public, algorithm, message + b"!", signature)


def test_every_operation_runs_holding_the_activation_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The structural guarantee behind the tests above, checked deterministically: each
    operation's handler runs while the calling thread holds the activation's lock."""
    with mock_kms() as mock:
        lock = mock.backend.lock
        seen: list[tuple[str, bool]] = []

        def holding(name: str, handler: Callable[..., Any]) -> Callable[..., Any]:
            def run(ctx: Any, request: Any) -> Any:
                seen.append((name, lock._is_owned()))  # type: ignore[attr-defined]
                return handler(ctx, request)

            return run

        for name, op in list(OPERATIONS.items()):
            replace_handler(monkeypatch, name, holding(name, op.handler))
        kms = boto3.client("kms", region_name=REGION)

        def work(rng: random.Random) -> None:
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
            kms.decrypt(CiphertextBlob=blob)
            kms.rotate_key_on_demand(KeyId=key)
            kms.list_keys()

        workers = Workers()
        for n in range(8):
            workers.add(f"worker-{n}", work)
        workers.run()
        assert workers.failures == [], "\n".join(workers.failures)
    assert len(seen) == 8 * 5
    assert all(held for _, held in seen), [name for name, held in seen if not held]
