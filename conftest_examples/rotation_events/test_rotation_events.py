from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from kmsmock import KmsMock


def test_the_key_was_rotated_on_its_date(kms: Any, mock: KmsMock, clock: Any) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)

    clock.tick(timedelta(days=200))  # nobody calls KMS while two rotations fall due

    rotations = mock.events.cloudtrail.named("RotateKey", key_id=key["KeyId"])
    assert [r.time for r in rotations] == [
        datetime(2024, 3, 31, 9, tzinfo=timezone.utc),
        datetime(2024, 6, 29, 9, tzinfo=timezone.utc),
    ]
    assert rotations[0]["eventType"] == "AwsServiceEvent"
    [first, _] = mock.events.eventbridge.named("KMS CMK Rotation", key_id=key["Arn"])
    assert first.as_dict()["time"] == "2024-03-31T09:00:00Z"
    assert first["detail"]["rotation-type"] == "AUTOMATIC"


def test_the_key_was_deleted_when_its_window_ended(kms: Any, mock: KmsMock, clock: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    clock.tick(timedelta(days=30))

    [deleted] = mock.events.eventbridge.named("KMS CMK Deletion", key_id=key_id)
    assert deleted.time == datetime(2024, 1, 8, 9, tzinfo=timezone.utc)
    scheduled = mock.events.cloudtrail.named("ScheduleKeyDeletion")[0]
    assert scheduled["requestParameters"] == {"keyId": key_id, "pendingWindowInDays": 7}
