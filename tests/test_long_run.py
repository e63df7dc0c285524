"""Long runs: calls in one activation do not grow memory without bound.

kmsmock holds the state the calls created (keys, their material versions, aliases, grants,
tags) and, per call, only its bounded records: the call log (the last ``max_calls``) and the
journal of the last calls (``kmsmock.events``). The long run keeps a log smaller than its
warm-up, so a full log is part of what must stay flat; the residue tests keep none
(``max_calls=0``), measuring the state alone. Measured with tracemalloc after a warm-up
(botocore and CPython fill caches and free lists during the first calls, and the journal fills
to its bound). The default suite runs about 20,000 calls; ``-m slow`` runs a million.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from kmsmock import KmsMock, mock_kms
from kmsmock.operations import OPERATIONS

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION = "us-east-1"
FOREIGN_ACCOUNTS = ("111111111111", "222222222222", "333333333333")
LOG_SIZE = 1_000  # the call log's bound in the long run: full during the warm-up's 1,800 calls


class Workload:
    """One round touches most operations, on a fixed set of keys, so that nothing the round
    creates outlives it (aliases, tags, grants and states are undone)."""

    def __init__(self, kms: KMSClient) -> None:
        self.kms = kms
        self.key = kms.create_key()["KeyMetadata"]
        self.other = kms.create_key()["KeyMetadata"]
        self.toggled = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/long-run", TargetKeyId=self.key["KeyId"])
        kms.enable_key_rotation(KeyId=self.key["KeyId"])
        self.signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")[
            "KeyMetadata"
        ]["KeyId"]
        self.hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")[
            "KeyMetadata"
        ]["KeyId"]
        self.blob = kms.encrypt(KeyId=self.key["KeyId"], Plaintext=b"kept")["CiphertextBlob"]
        self.calls = 0

    def _expect_error(self, code: str, call: Callable[..., Any], **params: Any) -> None:
        try:
            call(**params)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == code
        else:
            raise AssertionError(f"{call.__name__} should have failed with {code}")

    def round(self, i: int) -> None:
        kms, key = self.kms, self.key
        blob = kms.encrypt(
            KeyId="alias/long-run", Plaintext=b"x" * 32, EncryptionContext={"i": "1"}
        )["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"i": "1"})["Plaintext"] == (
            b"x" * 32
        )
        assert kms.decrypt(CiphertextBlob=self.blob)["Plaintext"] == b"kept"
        kms.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")
        kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], NumberOfBytes=16)
        kms.re_encrypt(CiphertextBlob=self.blob, DestinationKeyId=self.other["KeyId"])
        kms.generate_random(NumberOfBytes=16)
        kms.describe_key(KeyId=key["KeyId"])
        kms.list_keys(Limit=2)
        kms.list_aliases()
        kms.get_key_rotation_status(KeyId=key["KeyId"])
        kms.list_key_rotations(KeyId=key["KeyId"])
        kms.get_key_policy(KeyId=key["KeyId"])
        self._expect_error("NotFoundException", kms.describe_key, KeyId=str(uuid.uuid4()))
        self._expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=b"\x01" * 80)
        account = FOREIGN_ACCOUNTS[i % len(FOREIGN_ACCOUNTS)]
        self._expect_error(
            "NotFoundException",
            kms.describe_key,
            KeyId=f"arn:aws:kms:{REGION}:{account}:key/{key['KeyId']}",
        )
        kms.create_alias(AliasName="alias/churn", TargetKeyId=key["KeyId"])
        kms.delete_alias(AliasName="alias/churn")
        kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "round", "TagValue": str(i)}])
        kms.untag_resource(KeyId=key["KeyId"], TagKeys=["round"])
        kms.disable_key(KeyId=self.toggled)
        kms.enable_key(KeyId=self.toggled)
        signature = kms.sign(KeyId=self.signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")[
            "Signature"
        ]
        kms.verify(
            KeyId=self.signer, Message=b"m", Signature=signature, SigningAlgorithm="ECDSA_SHA_256"
        )
        mac = kms.generate_mac(KeyId=self.hmac, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
        kms.verify_mac(KeyId=self.hmac, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac)
        grant = kms.create_grant(
            KeyId=key["KeyId"],
            GranteePrincipal="arn:aws:iam::123456789012:role/long-run",
            Operations=["Decrypt"],
        )
        kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
        self.calls += 30


def _traced_growth(work: Callable[[], None]) -> int:
    """Bytes still allocated after ``work`` that were not before it (after a collection)."""
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    work()
    gc.collect()
    return tracemalloc.get_traced_memory()[0] - before


def _own_growth(work: Callable[[], None]) -> int:
    """Like ``_traced_growth``, counting only blocks allocated by kmsmock's own code: botocore and
    CPython keep bounded caches of their own (the type attribute cache fills with the names
    botocore's parser builds per call), which are not kmsmock's to bound."""
    own = [tracemalloc.Filter(True, "*/kmsmock/*")]
    gc.collect()
    before = tracemalloc.take_snapshot().filter_traces(own)
    work()
    gc.collect()
    after = tracemalloc.take_snapshot().filter_traces(own)
    return sum(stat.size_diff for stat in after.compare_to(before, "filename"))


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def _long_run(rounds: int) -> None:
    """After a warm-up, 110 rounds (3,300 calls) under tracemalloc keep (almost) no bytes;
    then ``rounds`` more rounds, untraced for speed, keep the count of live blocks flat."""
    with (
        time_machine.travel(datetime(2025, 6, 1, tzinfo=timezone.utc), tick=False),
        mock_kms(max_calls=LOG_SIZE),
    ):
        tracemalloc.start()
        try:
            workload = Workload(boto3.client("kms", region_name=REGION))
            for i in range(60):  # botocore and CPython fill their caches and free lists here
                workload.round(i)
            kept_bytes = _traced_growth(lambda: [workload.round(i) for i in range(110)] and None)
        finally:
            tracemalloc.stop()
        # Measured: 4-6 KB alone, up to 26 KB inside pytest; a leak of 20 bytes a call: 66 KB.
        assert kept_bytes < 64 * 1024, f"{kept_bytes} bytes kept after 3,300 calls"

        gc.collect()
        blocks = sys.getallocatedblocks()
        calls = workload.calls
        for i in range(rounds):
            workload.round(i)
        gc.collect()
        kept_blocks = sys.getallocatedblocks() - blocks
        assert workload.calls - calls == 30 * rounds
        # Measured: about 120 blocks (the last of CPython's and botocore's warm-up), whatever
        # the number of calls; a per-call leak keeps at least one block per call.
        assert kept_blocks < 1_000, f"{kept_blocks} blocks kept after {30 * rounds} calls"


def test_twenty_thousand_calls_in_one_activation_keep_memory_flat() -> None:
    assert {"Sign", "GenerateMac", "CreateGrant"} <= set(OPERATIONS)
    _long_run(rounds=550)  # 3,300 traced + 16,500 counted: 19,800 calls


@pytest.mark.slow
def test_a_million_calls_in_one_activation_keep_memory_flat() -> None:
    _long_run(rounds=33_300)  # 1,002,300 calls


# -- what lookups may not create -------------------------------------------------------------


def _stores(mock: KmsMock) -> int:
    return len(mock.backend.stores())


@pytest.mark.usefixtures("traced")
def test_lookups_naming_other_accounts_create_no_state() -> None:
    """A request naming a key in an account the test never used (a key ARN, or a ciphertext
    whose header names that account) creates nothing: millions of distinct accounts would
    otherwise each leave an empty account/Region store behind."""
    with mock_kms(max_calls=0) as mock:
        kms = boto3.client("kms", region_name=REGION)
        key = kms.create_key()["KeyMetadata"]
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        stores = _stores(mock)

        def lookups(accounts: range = range(1000, 2000)) -> None:
            for n in accounts:
                account = f"{n:012d}"
                arn = f"arn:aws:kms:{REGION}:{account}:key/{key['KeyId']}"
                for call, params in (
                    (kms.describe_key, {"KeyId": arn}),
                    (kms.encrypt, {"KeyId": arn, "Plaintext": b"x"}),
                    # the ciphertext's header names the account (bytes 2-6 in kmsmock's layout)
                    (kms.decrypt, {"CiphertextBlob": blob[:2] + n.to_bytes(5, "big") + blob[7:]}),
                ):
                    with pytest.raises(ClientError):
                        call(**params)

        # Warm-up: kmsmock compiles each operation's validator on first use, and the events
        # journal (bounded: the last ``limit`` calls) fills to its steady size.
        lookups(range(mock.events.limit // 3 + 1))
        growth = _own_growth(lookups)
        assert _stores(mock) == stores
        assert growth < 4 * 1024, f"{growth} bytes kept by kmsmock after 3000 failed lookups"


@pytest.mark.usefixtures("traced")
def test_deleted_keys_leave_a_small_bounded_residue() -> None:
    """Deleted keys are gone; kmsmock remembers only each one's id (so a ciphertext naming it
    can say the key no longer exists) — a few hundred bytes per deleted key, nothing per call."""
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as clock, mock_kms(max_calls=0):
        kms = boto3.client("kms", region_name=REGION)
        kms.list_keys()
        count = 1000

        def churn() -> None:
            for _ in range(count):
                key = kms.create_key()["KeyMetadata"]["KeyId"]
                kms.encrypt(KeyId=key, Plaintext=b"x")
                kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
            clock.shift(timedelta(days=8))
            assert kms.list_keys()["Keys"] == []

        growth = _traced_growth(churn)
    # Measured: about 420 bytes (the id, its set entry, dict capacity the keys left behind).
    assert growth / count < 1024, f"{growth / count:.0f} bytes kept per deleted key"
