"""The clock: one aware-UTC wall-clock function, read at every request, driven by freezegun and
time-machine alike."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from kmsmock import clock, mock_kms
from tests.timetravel import TOOLS, frozen

START = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def local_timezone() -> Iterator[None]:
    """A process time zone far from UTC, so a naive local reading would show."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_now_is_aware_utc() -> None:
    before = datetime.now(timezone.utc)
    now = clock.now()
    assert now.tzinfo is timezone.utc
    assert before <= now <= datetime.now(timezone.utc)


@pytest.mark.usefixtures("local_timezone")
@pytest.mark.parametrize("tool", TOOLS)
def test_both_tools_drive_the_clock_even_in_a_non_utc_zone(tool: str) -> None:
    with frozen(tool, START) as travel:
        assert clock.now() == START
        travel.advance(timedelta(hours=5))
        assert clock.now() == START + timedelta(hours=5)
        assert clock.now().utcoffset() == timedelta(0)


@pytest.mark.parametrize("tool", TOOLS)
def test_an_aware_non_utc_destination_is_the_same_instant(tool: str) -> None:
    tokyo = datetime(2025, 3, 1, 21, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    with frozen(tool, tokyo):
        assert clock.now() == START
        assert clock.now().tzinfo is timezone.utc


@pytest.mark.parametrize("tool", TOOLS)
def test_every_request_reads_the_clock(tool: str) -> None:
    with frozen(tool, START) as travel, mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        first = kms.create_key()["KeyMetadata"]["CreationDate"]
        travel.advance(timedelta(days=3, seconds=7))
        second = kms.create_key()["KeyMetadata"]["CreationDate"]
    assert first == START
    assert second == START + timedelta(days=3, seconds=7)


@pytest.mark.parametrize("tool", TOOLS)
def test_a_mock_started_before_the_clock_is_frozen_follows_it(tool: str) -> None:
    with mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        with frozen(tool, START):
            created = kms.create_key()["KeyMetadata"]["CreationDate"]
    assert created == START


@pytest.mark.parametrize("tool", TOOLS)
def test_deletion_windows_run_on_the_tools_clock(tool: str) -> None:
    with frozen(tool, START) as travel, mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        key = kms.create_key()["KeyMetadata"]
        scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        assert scheduled["DeletionDate"] == START + timedelta(days=7)
        travel.advance(timedelta(days=7) - timedelta(seconds=1))
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == (
            "PendingDeletion"
        )
        travel.advance(timedelta(seconds=1))
        with pytest.raises(ClientError) as exc:
            kms.describe_key(KeyId=key["KeyId"])
        assert exc.value.response["Error"] == {
            "Code": "NotFoundException",
            "Message": f"Key '{key['Arn']}' does not exist",
        }


def test_time_may_also_go_backwards() -> None:
    with time_machine.travel(START, tick=False) as travel, mock_kms():
        kms = boto3.client("kms", region_name="us-east-1")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        travel.move_to(START - timedelta(days=1))
        state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
    assert state == "PendingDeletion"
