"""Versioned key material and rotation on the test's clock (kms-facts §1), under freezegun
and time-machine alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from kmsmock import mock_kms
from tests.helpers import error_of, new_client, refusal
from tests.timetravel import TOOLS, Clock, frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

DAY = timedelta(days=1)


@pytest.fixture(params=TOOLS)
def clock(request: pytest.FixtureRequest) -> Iterator[Clock]:
    with frozen(request.param, utc(2022, 1, 1)) as c:
        yield c


def rotations(kms: KMSClient, key_id: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(kms.list_key_rotations(KeyId=key_id, **kwargs)["Rotations"])


def dates(kms: KMSClient, key_id: str) -> list[datetime]:
    return [r["RotationDate"] for r in rotations(kms, key_id)]


def material(kms: KMSClient, key_id: str) -> str:
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"])


def new_key(kms: KMSClient) -> tuple[str, str]:
    md = kms.create_key()["KeyMetadata"]
    return md["KeyId"], md["Arn"]


def next_rotation(kms: KMSClient, key_id: str) -> datetime:
    return kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"]


def disabled_for(kms: KMSClient, clock: Clock, key_id: str, period: timedelta) -> None:
    """Disable the key and let ``period`` pass."""
    kms.disable_key(KeyId=key_id)
    clock.advance(period)


def rotating_key(kms: KMSClient) -> tuple[str, str]:
    """A new key that rotates every 90 days."""
    key_id, arn = new_key(kms)
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    return key_id, arn


class TestRotationStatus:
    def test_shapes(self, kms: KMSClient) -> None:
        key_id, arn = new_key(kms)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert {k: v for k, v in status.items() if k != "ResponseMetadata"} == {
            "KeyId": arn,
            "KeyRotationEnabled": False,
        }
        kms.enable_key_rotation(KeyId=key_id)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert status["KeyRotationEnabled"] is True
        assert status["RotationPeriodInDays"] == 365
        assert status["NextRotationDate"] == utc(2023, 1, 1)
        kms.disable_key_rotation(KeyId=key_id)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert "NextRotationDate" not in status
        assert "RotationPeriodInDays" not in status

    @pytest.mark.parametrize("days", [90, 180, 2560])
    def test_custom_period(self, kms: KMSClient, days: int) -> None:
        key_id, _ = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert status["RotationPeriodInDays"] == days
        assert status["NextRotationDate"] == utc(2022, 1, 1) + days * DAY

    def test_period_range(self, kms: KMSClient) -> None:
        raw = new_client(validate=False)
        key_id, _ = new_key(kms)
        for days, rule in [
            (89, "greater than or equal to 90"),
            (2561, "less than or equal to 2560"),
        ]:
            assert refusal(raw.enable_key_rotation, KeyId=key_id, RotationPeriodInDays=days) == (
                "ValidationException",
                f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed "
                f"to satisfy constraint: Member must have value {rule}",
            )

    def test_passing_a_new_period_changes_it(self, kms: KMSClient, clock: Clock) -> None:
        key_id, _ = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=365)
        clock.advance(30 * DAY)
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert status["RotationPeriodInDays"] == 180
        # counted from the start of the current schedule (the enable date)
        assert status["NextRotationDate"] == utc(2022, 1, 1) + 180 * DAY

    def test_aliases_are_refused(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        kms.create_alias(AliasName="alias/r", TargetKeyId=key_id)
        for op in (kms.enable_key_rotation, kms.get_key_rotation_status, kms.rotate_key_on_demand):
            assert refusal(op, KeyId="alias/r") == (
                "InvalidArnException",
                "Key Aliases are not supported for this operation.",
            )


class TestAutomaticRotation:
    def test_aws_documentation_example(self, kms: KMSClient, clock: Clock) -> None:
        """Created 2022-01-01, rotation enabled 2022-03-15: the first rotation one year after
        enabling, then every year, on the same date across leap year 2024."""
        key_id, _ = new_key(kms)
        clock.move_to(utc(2022, 3, 15))
        kms.enable_key_rotation(KeyId=key_id)
        clock.move_to(utc(2023, 3, 14, 23, 59))
        assert dates(kms, key_id) == []
        clock.move_to(utc(2024, 6, 1))
        assert dates(kms, key_id) == [utc(2023, 3, 15), utc(2024, 3, 15)]
        entries = rotations(kms, key_id)
        assert [r["RotationType"] for r in entries] == ["AUTOMATIC", "AUTOMATIC"]
        assert [r["KeyMaterialState"] for r in entries] == ["NON_CURRENT", "CURRENT"]
        assert next_rotation(kms, key_id) == utc(2025, 3, 15)

    def test_custom_periods_count_days(self, kms: KMSClient, clock: Clock) -> None:
        """Any period but the default yearly one is a number of days: 730 days from 2024-01-01
        (a leap year) is 2025-12-31, not 2026-01-01."""
        clock.move_to(utc(2024, 1, 1))
        key_id, _ = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=730)
        assert next_rotation(kms, key_id) == utc(2025, 12, 31)

    def test_yearly_rotation_from_29_february(self, kms: KMSClient, clock: Clock) -> None:
        clock.move_to(utc(2024, 2, 29, 12))
        key_id, _ = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id)
        clock.move_to(utc(2026, 3, 1))
        assert dates(kms, key_id) == [utc(2025, 2, 28, 12), utc(2026, 2, 28, 12)]

    def test_ten_year_jump_materialises_every_rotation(self, kms: KMSClient, clock: Clock) -> None:
        key_id, arn = new_key(kms)
        kms.create_alias(AliasName="alias/long", TargetKeyId=key_id)
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "t", "TagValue": "v"}])
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
        first = material(kms, key_id)
        old = kms.encrypt(KeyId=key_id, Plaintext=b"old")["CiphertextBlob"]
        clock.advance(3650 * DAY)
        got = dates(kms, key_id)
        assert got == [utc(2022, 1, 1) + 90 * DAY * i for i in range(1, 41)]
        entries = rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
        assert len(entries) == 41
        assert entries[0]["KeyMaterialId"] == first
        assert len({e["KeyMaterialId"] for e in entries}) == 41
        current = material(kms, key_id)
        assert current == entries[-1]["KeyMaterialId"]
        old_back = kms.decrypt(CiphertextBlob=old)
        assert (old_back["Plaintext"], old_back["KeyMaterialId"]) == (b"old", first)
        new = kms.encrypt(KeyId="alias/long", Plaintext=b"new")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == current
        # identity, aliases and tags never change
        md = kms.describe_key(KeyId="alias/long")["KeyMetadata"]
        assert (md["KeyId"], md["Arn"]) == (key_id, arn)
        assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "t", "TagValue": "v"}]

    def test_every_version_keeps_decrypting(self, kms: KMSClient, clock: Clock) -> None:
        key_id, _ = rotating_key(kms)
        made = []
        for _i in range(6):
            out = kms.generate_data_key(KeyId=key_id, NumberOfBytes=16)
            made.append((out["CiphertextBlob"], out["Plaintext"], out["KeyMaterialId"]))
            clock.advance(91 * DAY)
        assert len({m[2] for m in made}) == 6
        for blob, plaintext, material_id in made:
            back = kms.decrypt(CiphertextBlob=blob)
            assert (back["Plaintext"], back["KeyMaterialId"]) == (plaintext, material_id)

    def test_disabling_rotation_keeps_material_and_reenabling_restarts(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, _ = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id)
        clock.advance(400 * DAY)
        assert len(dates(kms, key_id)) == 1
        current = material(kms, key_id)
        kms.disable_key_rotation(KeyId=key_id)
        assert material(kms, key_id) == current
        clock.advance(800 * DAY)
        assert len(dates(kms, key_id)) == 1
        kms.enable_key_rotation(KeyId=key_id)
        reenabled = utc(2022, 1, 1) + 1200 * DAY
        assert next_rotation(kms, key_id) == reenabled + 365 * DAY
        clock.advance(365 * DAY)
        assert dates(kms, key_id)[-1] == reenabled + 365 * DAY

    def test_activation_before_the_clock_is_frozen(self) -> None:
        with mock_kms():
            kms = new_client()
            with frozen("time-machine", utc(2030, 1, 1)) as clock:
                key_id, _ = rotating_key(kms)
                clock.advance(181 * DAY)
                assert dates(kms, key_id) == [utc(2030, 4, 1), utc(2030, 6, 30)]

    def test_rotation_is_seen_by_every_operation(self, kms: KMSClient, clock: Clock) -> None:
        key_id, _ = rotating_key(kms)
        before = material(kms, key_id)
        clock.advance(90 * DAY)
        out = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
        assert out["KeyMaterialId"] != before
        assert material(kms, key_id) == out["KeyMaterialId"]


class TestRotationAndKeyStates:
    def test_disabled_key_does_not_rotate_and_status_is_frozen(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, arn = rotating_key(kms)
        disabled_for(kms, clock, key_id, 400 * DAY)
        assert dates(kms, key_id) == []
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
        for op in (kms.enable_key_rotation, kms.disable_key_rotation):
            assert refusal(op, KeyId=key_id) == ("DisabledException", f"{arn} is disabled.")

    def test_reenabled_with_old_material_rotates_immediately(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, _ = rotating_key(kms)
        disabled_for(kms, clock, key_id, 400 * DAY)
        kms.enable_key(KeyId=key_id)
        now = utc(2022, 1, 1) + 400 * DAY
        assert dates(kms, key_id) == [now]
        assert next_rotation(kms, key_id) == now + 90 * DAY
        clock.advance(90 * DAY)
        assert dates(kms, key_id) == [now, now + 90 * DAY]

    def test_reenabled_with_young_material_resumes_schedule(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, _ = rotating_key(kms)
        clock.advance(10 * DAY)
        disabled_for(kms, clock, key_id, 20 * DAY)
        kms.enable_key(KeyId=key_id)
        assert dates(kms, key_id) == []
        assert next_rotation(kms, key_id) == utc(2022, 4, 1)

    def test_reenabled_after_missed_date_with_young_material_resumes(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, _ = rotating_key(kms)
        clock.advance(80 * DAY)
        kms.rotate_key_on_demand(KeyId=key_id)  # material is now young
        # day 100: the day-90 rotation was missed while disabled
        disabled_for(kms, clock, key_id, 20 * DAY)
        kms.enable_key(KeyId=key_id)
        assert [r["RotationType"] for r in rotations(kms, key_id)] == ["ON_DEMAND"]
        assert next_rotation(kms, key_id) == utc(2022, 6, 30)

    def test_pending_deletion(self, kms: KMSClient, clock: Clock) -> None:
        key_id, arn = rotating_key(kms)
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=30)
        status = kms.get_key_rotation_status(KeyId=key_id)
        assert status["KeyRotationEnabled"] is False
        assert "NextRotationDate" not in status
        for op in (kms.enable_key_rotation, kms.disable_key_rotation, kms.rotate_key_on_demand):
            assert refusal(op, KeyId=key_id) == (
                "KMSInvalidStateException",
                f"{arn} is pending deletion.",
            )
        clock.advance(29 * DAY)
        kms.cancel_key_deletion(KeyId=key_id)
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
        clock.advance(100 * DAY)
        assert dates(kms, key_id) == []  # still disabled: no rotation
        kms.enable_key(KeyId=key_id)
        assert dates(kms, key_id) == [utc(2022, 1, 1) + 129 * DAY]

    def test_deleted_key_is_gone(self, kms: KMSClient, clock: Clock) -> None:
        key_id, arn = new_key(kms)
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        clock.advance(7 * DAY)
        assert refusal(kms.list_key_rotations, KeyId=key_id) == (
            "NotFoundException",
            f"Key '{arn}' does not exist",
        )


class TestUnsupportedKeys:
    @pytest.mark.parametrize(
        ("spec", "usage"),
        [
            ("RSA_2048", "ENCRYPT_DECRYPT"),
            ("ECC_NIST_P256", "SIGN_VERIFY"),
            ("HMAC_256", "GENERATE_VERIFY_MAC"),
        ],
    )
    def test_asymmetric_and_hmac_refuse(self, kms: KMSClient, spec: str, usage: str) -> None:
        key_id = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]
        for op in (kms.enable_key_rotation, kms.rotate_key_on_demand):
            assert refusal(op, KeyId=key_id) == ("UnsupportedOperationException", "")
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
        assert refusal(
            kms.list_key_rotations, KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
        ) == (
            "ValidationException",
            "Input parameter includeKeyMaterial can only be used with symmetric keys.",
        )

    def test_disabled_asymmetric_key_reports_disabled_first(self, kms: KMSClient) -> None:
        md = kms.create_key(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        kms.disable_key(KeyId=md["KeyId"])
        assert refusal(kms.rotate_key_on_demand, KeyId=md["KeyId"]) == (
            "DisabledException",
            f"{md['Arn']} is disabled.",
        )

    def test_imported_material_keys_refuse_automatic_rotation(self, kms: KMSClient) -> None:
        md = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
        assert refusal(kms.enable_key_rotation, KeyId=md["KeyId"]) == (
            "UnsupportedOperationException",
            f"{md['Arn']} origin is EXTERNAL which is not valid for this operation.",
        )
        assert refusal(kms.rotate_key_on_demand, KeyId=md["KeyId"]) == (
            "KMSInvalidStateException",
            f"{md['Arn']} is pending import.",
        )


class TestAwsManagedKeys:
    def test_created_on_first_use_and_rotated_yearly(self, kms: KMSClient, clock: Clock) -> None:
        blob = kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"p")["CiphertextBlob"]
        md = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        assert md["KeyManager"] == "AWS"
        assert (
            md["Description"]
            == "Default key that protects my S3 objects when no other key is defined"
        )
        status = kms.get_key_rotation_status(KeyId=md["KeyId"])
        assert status["KeyRotationEnabled"] is True
        assert status["NextRotationDate"] == utc(2023, 1, 1)
        clock.advance(731 * DAY)
        assert dates(kms, md["KeyId"]) == [utc(2023, 1, 1), utc(2024, 1, 1)]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"

    @pytest.mark.parametrize(
        "op",
        [
            "enable_key_rotation",
            "disable_key_rotation",
            "rotate_key_on_demand",
        ],
    )
    def test_rotation_cannot_be_changed(self, kms: KMSClient, op: str) -> None:
        md = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
        with pytest.raises(ClientError) as exc:
            getattr(kms, op)(KeyId=md["KeyId"])
        code, message = error_of(exc)
        action = "kms:" + "".join(p.title() for p in op.split("_"))
        assert code == "AccessDeniedException"
        assert message == (
            f"User: arn:aws:iam::123456789012:root is not authorized to perform: {action} on "
            f"resource: {md['Arn']} because no resource-based policy allows the {action} action"
        )


class TestOnDemandRotation:
    def test_rotates_now_and_keeps_the_schedule(self, kms: KMSClient, clock: Clock) -> None:
        key_id, arn = new_key(kms)
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=730)
        before = next_rotation(kms, key_id)
        old_material = material(kms, key_id)
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
        clock.advance(3 * DAY)
        out = kms.rotate_key_on_demand(KeyId=key_id)
        assert {k: v for k, v in out.items() if k != "ResponseMetadata"} == {"KeyId": arn}
        assert next_rotation(kms, key_id) == before
        assert material(kms, key_id) != old_material
        entry = rotations(kms, key_id)[0]
        assert entry["RotationType"] == "ON_DEMAND"
        assert entry["RotationDate"] == utc(2022, 1, 4)
        assert entry["KeyMaterialState"] == "CURRENT"
        assert kms.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == old_material

    def test_works_with_automatic_rotation_off(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        kms.rotate_key_on_demand(KeyId=key_id)
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
        assert len(rotations(kms, key_id)) == 1

    def test_limit_of_25(self, kms: KMSClient) -> None:
        key_id, arn = new_key(kms)
        for _ in range(25):
            kms.rotate_key_on_demand(KeyId=key_id)
        assert refusal(kms.rotate_key_on_demand, KeyId=key_id) == (
            "LimitExceededException",
            "The on-demand rotations limit has been reached for the given keyId. No more "
            f"on-demand rotations can be performed for this key: {arn}",
        )
        assert len(rotations(kms, key_id)) == 25

    def test_conflict_when_automatic_rotation_is_imminent(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        key_id, _ = rotating_key(kms)
        clock.advance(90 * DAY - timedelta(minutes=19))
        assert refusal(kms.rotate_key_on_demand, KeyId=key_id)[0] == "ConflictException"
        clock.advance(timedelta(minutes=20))
        kms.rotate_key_on_demand(KeyId=key_id)
        assert [r["RotationType"] for r in rotations(kms, key_id)] == ["AUTOMATIC", "ON_DEMAND"]


class TestListKeyRotations:
    def test_fresh_key(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        assert rotations(kms, key_id) == []
        assert rotations(kms, key_id, IncludeKeyMaterial="ROTATIONS_ONLY") == []
        entries = rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
        assert entries == [
            {
                "KeyId": key_id,
                "KeyMaterialId": material(kms, key_id),
                "KeyMaterialState": "CURRENT",
            }
        ]
        assert re.fullmatch(r"[0-9a-f]{64}", entries[0]["KeyMaterialId"])

    def test_all_key_material_oldest_first(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        for _ in range(3):
            kms.rotate_key_on_demand(KeyId=key_id)
        entries = rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
        assert [e["KeyMaterialState"] for e in entries] == ["NON_CURRENT"] * 3 + ["CURRENT"]
        assert "RotationDate" not in entries[0]
        assert "RotationType" not in entries[0]
        assert all(e["RotationType"] == "ON_DEMAND" for e in entries[1:])

    def test_paging(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        for _ in range(5):
            kms.rotate_key_on_demand(KeyId=key_id)
        first = kms.list_key_rotations(KeyId=key_id, Limit=2)
        assert first["Truncated"] is True
        assert len(first["Rotations"]) == 2
        seen = list(first["Rotations"])
        marker = first["NextMarker"]
        while marker:
            page = kms.list_key_rotations(KeyId=key_id, Limit=2, Marker=marker)
            seen += page["Rotations"]
            marker = page.get("NextMarker")
        assert [e["KeyMaterialId"] for e in seen] == [
            e["KeyMaterialId"] for e in rotations(kms, key_id)
        ]
        paginated = kms.get_paginator("list_key_rotations").paginate(
            KeyId=key_id, PaginationConfig={"PageSize": 2}
        )
        assert sum(len(p["Rotations"]) for p in paginated) == 5

    def test_invalid_enum(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        assert refusal(
            kms.list_key_rotations, KeyId=key_id, IncludeKeyMaterial="INVALID_VALUE"
        ) == (
            "ValidationException",
            "1 validation error detected: Value 'INVALID_VALUE' at 'includeKeyMaterial' failed "
            "to satisfy constraint: Member must satisfy enum value set: "
            "[ALL_KEY_MATERIAL, ROTATIONS_ONLY]",
        )

    def test_listed_while_disabled_or_pending_deletion(self, kms: KMSClient) -> None:
        key_id, _ = new_key(kms)
        expected = rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
        kms.disable_key(KeyId=key_id)
        assert rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL") == expected
        kms.schedule_key_deletion(KeyId=key_id)
        assert rotations(kms, key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL") == expected


def test_reencrypt_reports_both_material_versions(kms: KMSClient) -> None:
    key_id, _ = new_key(kms)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    old = material(kms, key_id)
    kms.rotate_key_on_demand(KeyId=key_id)
    out = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key_id)
    assert out["SourceKeyMaterialId"] == old
    assert out["DestinationKeyMaterialId"] == material(kms, key_id) != old
