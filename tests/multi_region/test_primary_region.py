"""UpdatePrimaryRegion: swapping roles, moving the schedule, refusals."""

from __future__ import annotations

from tests.helpers import refusal
from tests.multi_region.regions import AP, DAY, EU, HOME, START, Env, arn, not_primary

# -- UpdatePrimaryRegion -------------------------------------------------------------------------


def test_update_primary_region_swaps_the_roles(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.replicate(key_id, AP)
    out = env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=EU)
    out.pop("ResponseMetadata")
    assert out == {}
    expected = {
        "PrimaryKey": {"Arn": arn(EU, key_id), "Region": EU},
        "ReplicaKeys": [
            {"Arn": arn(HOME, key_id), "Region": HOME},
            {"Arn": arn(AP, key_id), "Region": AP},
        ],
    }
    for region, kind in ((EU, "PRIMARY"), (HOME, "REPLICA"), (AP, "REPLICA")):
        md = env.describe(region, key_id)
        assert md["MultiRegionConfiguration"] == {"MultiRegionKeyType": kind, **expected}
        assert md["KeyState"] == "Enabled"  # Updating is over before the call returns
    # the old primary is a replica now
    assert refusal(env.replicate, key_id, "us-west-2") == not_primary(HOME, key_id)
    out = env.kms[EU].replicate_key(KeyId=key_id, ReplicaRegion="us-west-2")
    assert out["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["PrimaryKey"]["Region"] == EU


def test_the_rotation_schedule_moves_with_the_primary_role(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=100)
    for _ in range(25):
        env.kms[HOME].rotate_key_on_demand(KeyId=key_id)
    env.travel(50 * DAY)
    env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=EU)
    for region in (HOME, EU):
        status = env.kms[region].get_key_rotation_status(KeyId=key_id)
        assert (status["RotationPeriodInDays"], status["NextRotationDate"]) == (
            100,
            START + 100 * DAY,
        )
    assert (
        refusal(env.kms[HOME].enable_key_rotation, KeyId=key_id)[0]
        == "UnsupportedOperationException"
    )
    # the on-demand count went with the role
    assert refusal(env.kms[EU].rotate_key_on_demand, KeyId=key_id) == (
        "LimitExceededException",
        "The on-demand rotations limit has been reached for the given keyId. "
        f"No more on-demand rotations can be performed for this key: {arn(EU, key_id)}",
    )
    env.travel(60 * DAY)
    assert env.rotations(HOME, key_id)[-1]["RotationDate"] == START + 100 * DAY
    env.kms[EU].disable_key_rotation(KeyId=key_id)
    assert env.kms[HOME].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


class TestUpdatePrimaryRegionErrors:
    def test_only_from_a_multi_region_primary(self, env: Env) -> None:
        single = env.kms[HOME].create_key()["KeyMetadata"]["KeyId"]
        assert refusal(
            env.kms[HOME].update_primary_region, KeyId=single, PrimaryRegion=EU
        ) == not_primary(HOME, single)
        key_id = env.primary()
        env.replicate(key_id, EU)
        assert refusal(
            env.kms[EU].update_primary_region, KeyId=key_id, PrimaryRegion=HOME
        ) == not_primary(EU, key_id)

    def test_the_region_must_hold_a_replica(self, env: Env) -> None:
        key_id = env.primary()
        assert refusal(env.kms[HOME].update_primary_region, KeyId=key_id, PrimaryRegion=AP) == (
            "NotFoundException",
            f"Key '{arn(AP, key_id)}' does not exist",
        )
        env.replicate(key_id, EU)
        assert refusal(env.kms[HOME].update_primary_region, KeyId=key_id, PrimaryRegion=AP) == (
            "NotFoundException",
            f"Key '{arn(AP, key_id)}' does not exist",
        )
        assert refusal(env.kms[HOME].update_primary_region, KeyId=key_id, PrimaryRegion=HOME) == (
            "ValidationException",
            f"PrimaryRegion {HOME} is already the Region of the primary key {arn(HOME, key_id)}.",
        )

    def test_key_states(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        assert refusal(env.kms[HOME].update_primary_region, KeyId=key_id, PrimaryRegion=EU) == (
            "KMSInvalidStateException",
            f"{arn(EU, key_id)} is pending deletion (or pending replica deletion).",
        )
        env.kms[HOME].disable_key(KeyId=key_id)
        assert refusal(env.kms[HOME].update_primary_region, KeyId=key_id, PrimaryRegion=EU) == (
            "DisabledException",
            f"{arn(HOME, key_id)} is disabled.",
        )
