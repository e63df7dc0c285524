"""Related keys rotate together on the primary's schedule."""

from __future__ import annotations

from tests.helpers import refusal
from tests.multi_region.regions import AP, DAY, EU, HOME, START, Env, arn, not_primary


def rotating(env: Env, *regions: str) -> str:
    """A primary key in HOME, replicated to ``regions``, that rotates every 90 days."""
    key_id = env.primary()
    for region in regions:
        env.replicate(key_id, region)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    return key_id


# -- rotation ------------------------------------------------------------------------------------


def test_rotation_is_set_on_the_primary_and_reported_by_replicas(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    for operation in ("enable_key_rotation", "disable_key_rotation"):
        assert refusal(getattr(env.kms[EU], operation), KeyId=key_id) == not_primary(EU, key_id)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = env.kms[EU].get_key_rotation_status(KeyId=key_id)
    status.pop("ResponseMetadata")
    assert status == {
        "KeyId": arn(EU, key_id),
        "KeyRotationEnabled": True,
        "RotationPeriodInDays": 90,
        "NextRotationDate": START + 90 * DAY,
    }
    env.kms[HOME].disable_key_rotation(KeyId=key_id)
    assert env.kms[EU].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_on_demand_rotation_of_the_primary_rotates_every_replica(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    old = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"old")["CiphertextBlob"]
    assert refusal(env.kms[EU].rotate_key_on_demand, KeyId=key_id) == not_primary(EU, key_id)
    env.travel(DAY)
    env.kms[HOME].rotate_key_on_demand(KeyId=key_id)
    assert env.rotations(EU, key_id) == env.rotations(HOME, key_id)
    latest = env.rotations(EU, key_id)[-1]
    assert (latest["RotationType"], latest["RotationDate"]) == ("ON_DEMAND", START + DAY)
    assert env.describe(EU, key_id)["CurrentKeyMaterialId"] == latest["KeyMaterialId"]
    new = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"new")["CiphertextBlob"]
    assert env.kms[HOME].decrypt(CiphertextBlob=new)["KeyMaterialId"] == latest["KeyMaterialId"]
    assert env.kms[HOME].decrypt(CiphertextBlob=old)["Plaintext"] == b"old"


def test_a_replica_touched_first_catches_up_its_primarys_schedule(any_env: Env) -> None:
    env = any_env
    key_id = rotating(env, EU)
    env.travel(365 * DAY)
    # Only the replica is touched: the rotations it shows are the primary's, at their dates.
    dates = [r.get("RotationDate") for r in env.rotations(EU, key_id)]
    assert dates == [None] + [START + 90 * n * DAY for n in (1, 2, 3, 4)]
    assert env.rotations(HOME, key_id) == env.rotations(EU, key_id)
    assert env.kms[HOME].get_key_rotation_status(KeyId=key_id)["NextRotationDate"] == (
        START + 450 * DAY
    )


def test_catching_up_costs_only_the_rotations_due(env: Env) -> None:
    key_id = rotating(env, EU, AP)
    env.travel(3650 * DAY)  # ten years: 40 rotations, made once, whoever asks first
    assert len(env.rotations(AP, key_id)) == 41
    for region in (EU, HOME, AP):
        assert len(env.rotations(region, key_id)) == 41


def test_a_disabled_replica_keeps_up_and_does_not_rotate_on_its_own(env: Env) -> None:
    key_id = rotating(env, EU)
    env.kms[EU].disable_key(KeyId=key_id)
    env.travel(200 * DAY)
    env.kms[EU].enable_key(KeyId=key_id)  # the schedule is the primary's: nothing extra
    assert [r.get("RotationDate") for r in env.rotations(EU, key_id)] == [
        None,
        START + 90 * DAY,
        START + 180 * DAY,
    ]


def test_a_disabled_primary_holds_the_rotation_of_every_replica(env: Env) -> None:
    key_id = rotating(env, EU)
    env.kms[HOME].disable_key(KeyId=key_id)
    env.travel(200 * DAY)
    assert len(env.rotations(EU, key_id)) == 1
    env.kms[HOME].enable_key(KeyId=key_id)  # not rotated for a whole period: rotates now
    assert [r.get("RotationDate") for r in env.rotations(EU, key_id)] == [None, START + 200 * DAY]
