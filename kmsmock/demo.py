"""``python -m kmsmock demo``: automatic key rotation, told as a short story.

It runs on a clock the demo controls — kmsmock reads the time only through ``kmsmock.clock.now``
— so a hundred days pass in an instant, with nothing installed beyond kmsmock's own
dependencies (botocore, cryptography): no boto3, no freezegun, no AWS account, no network.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, TextIO

from . import clock
from .mock import mock_kms

START = datetime(2025, 1, 1, 9, 0, tzinfo=timezone.utc)
PERIOD_DAYS = 90
SECRET = b"attack at dawn"


class StoryClock:
    """A clock that stands still until the story moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@contextmanager
def controlled_clock(start: datetime) -> Iterator[StoryClock]:
    """Serve kmsmock's time from a ``StoryClock`` for the duration of the block."""
    story = StoryClock(start)
    original = clock.now
    clock.now = story.now
    try:
        yield story
    finally:
        clock.now = original


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _short(material_id: str) -> str:
    return material_id[:8] + "..."


def run(out: TextIO = sys.stdout) -> None:
    """Tell the story on ``out``."""
    import botocore.session
    from botocore.exceptions import ClientError

    def say(moment: datetime | None, action: str, text: str) -> None:
        stamp = _when(moment) if moment else ""
        print(f"{stamp:<20}  {action:<21}  {text}", file=out)

    print("kmsmock demo: AWS KMS answered in-process, on a clock this demo controls.", file=out)
    print("No AWS account, no credentials, no network.\n", file=out)
    with controlled_clock(START) as story, mock_kms():
        kms: Any = botocore.session.get_session().create_client("kms", region_name="us-east-1")

        meta = kms.create_key(Description="demo key")["KeyMetadata"]
        key_id, first = meta["KeyId"], meta["CurrentKeyMaterialId"]
        say(story.now(), "CreateKey", f"{key_id}, key material {_short(first)}")

        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=PERIOD_DAYS)
        status = kms.get_key_rotation_status(KeyId=key_id)
        say(
            story.now(),
            "EnableKeyRotation",
            f"every {status['RotationPeriodInDays']} days, "
            f"next on {_when(status['NextRotationDate'])}",
        )

        old_blob = kms.encrypt(KeyId=key_id, Plaintext=SECRET)["CiphertextBlob"]
        say(story.now(), "Encrypt", f"{SECRET.decode()!r} -> {len(old_blob)}-byte ciphertext")

        story.advance(timedelta(days=100))
        print(f"{'':<20}  ... the clock moves forward 100 days ...", file=out)

        rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
        for rotation in rotations:
            say(
                story.now(),
                "ListKeyRotations",
                f"{rotation['RotationType']} rotation on {_when(rotation['RotationDate'])} "
                f"-> key material {_short(rotation['KeyMaterialId'])}",
            )
        current = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
        status = kms.get_key_rotation_status(KeyId=key_id)
        say(story.now(), "GetKeyRotationStatus", f"next on {_when(status['NextRotationDate'])}")

        opened = kms.decrypt(CiphertextBlob=old_blob)
        say(
            story.now(),
            "Decrypt (old blob)",
            f"{opened['Plaintext'].decode()!r} with the old key material "
            f"{_short(opened['KeyMaterialId'])}, kept since day one",
        )
        new_blob = kms.encrypt(KeyId=key_id, Plaintext=SECRET)["CiphertextBlob"]
        fresh = kms.decrypt(CiphertextBlob=new_blob)["KeyMaterialId"]
        say(story.now(), "Encrypt + Decrypt", f"new ciphertexts use key material {_short(fresh)}")

        deletion = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        say(story.now(), "ScheduleKeyDeletion", f"deleted on {_when(deletion['DeletionDate'])}")
        story.advance(timedelta(days=7))
        print(f"{'':<20}  ... 7 days later ...", file=out)
        try:
            kms.describe_key(KeyId=key_id)
            gone = "still there?!"
        except ClientError as error:
            gone = f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
        say(story.now(), "DescribeKey", gone)

    ok = (
        len(rotations) == 1
        and rotations[0]["RotationType"] == "AUTOMATIC"
        and current != first
        and opened["Plaintext"] == SECRET
        and opened["KeyMaterialId"] == first
        and fresh == current
        and gone.startswith("NotFoundException")
    )
    verdict = "the rotation happened on schedule and old ciphertext still decrypts."
    print(f"\n{'OK' if ok else 'UNEXPECTED'}: {verdict}", file=out)
    if not ok:
        raise SystemExit(1)
