"""Deleting related keys: a primary outlives its replicas."""

from __future__ import annotations

from tests.helpers import refusal
from tests.multi_region.regions import AP, DAY, EU, HOME, START, Env, arn

# -- deletion ------------------------------------------------------------------------------------


def test_a_primary_with_replicas_waits_for_them_to_be_deleted(any_env: Env) -> None:
    env = any_env
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.replicate(key_id, AP)
    out = env.kms[HOME].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    out.pop("ResponseMetadata")
    assert out == {
        "KeyId": arn(HOME, key_id),
        "KeyState": "PendingReplicaDeletion",
        "PendingWindowInDays": 7,
    }
    md = env.describe(HOME, key_id)
    assert (md["KeyState"], md["Enabled"], md["PendingDeletionWindowInDays"]) == (
        "PendingReplicaDeletion",
        False,
        7,
    )
    assert "DeletionDate" not in md
    env.travel(100 * DAY)  # "This status can continue indefinitely."
    assert env.describe(HOME, key_id)["KeyState"] == "PendingReplicaDeletion"
    env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=10)
    env.kms[AP].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=20)
    env.travel(15 * DAY)
    assert [
        r["Region"] for r in env.describe(HOME, key_id)["MultiRegionConfiguration"]["ReplicaKeys"]
    ] == [AP]
    env.travel(5 * DAY)
    last_deleted = START + 120 * DAY  # the AP replica's deletion date
    md = env.describe(HOME, key_id)
    assert (md["KeyState"], md["DeletionDate"]) == ("PendingDeletion", last_deleted + 7 * DAY)
    assert "PendingDeletionWindowInDays" not in md
    assert md["MultiRegionConfiguration"]["ReplicaKeys"] == []
    env.travel(7 * DAY)
    assert refusal(env.describe, HOME, key_id) == (
        "NotFoundException",
        f"Key '{arn(HOME, key_id)}' does not exist",
    )


def test_the_primarys_window_starts_when_the_last_replica_was_deleted(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.replicate(key_id, AP)
    env.kms[HOME].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=30)
    env.kms[AP].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=20)
    env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    env.travel(40 * DAY)  # nothing touched: both replicas are deleted when the primary is read
    md = env.describe(HOME, key_id)
    assert (md["KeyState"], md["DeletionDate"]) == ("PendingDeletion", START + 50 * DAY)
    env.travel(10 * DAY)
    # ListKeys sees the primary's window end too, without a DescribeKey first.
    assert env.kms[HOME].list_keys()["Keys"] == []


def test_a_listing_settles_the_replicas_of_a_primary(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    env.travel(14 * DAY)
    assert env.kms[HOME].list_keys()["Keys"] == []
    assert refusal(env.describe, EU, key_id)[0] == "NotFoundException"


def test_a_primary_pending_replica_deletion_is_pending_deletion_to_every_operation(
    env: Env,
) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    env.kms[HOME].schedule_key_deletion(KeyId=key_id)
    text = f"{arn(HOME, key_id)} is pending deletion (or pending replica deletion)."
    calls = [
        lambda: env.kms[HOME].encrypt(KeyId=key_id, Plaintext=b"x"),
        lambda: env.kms[HOME].enable_key(KeyId=key_id),
        lambda: env.kms[HOME].disable_key(KeyId=key_id),
        lambda: env.kms[HOME].enable_key_rotation(KeyId=key_id),
        lambda: env.kms[HOME].schedule_key_deletion(KeyId=key_id),
        lambda: env.kms[HOME].tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": ""}]),
        lambda: env.kms[HOME].create_alias(AliasName="alias/x", TargetKeyId=key_id),
    ]
    for call in calls:
        assert refusal(call) == ("KMSInvalidStateException", text)
    # While pending deletion the rotation status is false and nothing rotates, replicas included.
    assert env.kms[HOME].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    assert env.kms[EU].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    env.travel(200 * DAY)
    assert len(env.rotations(EU, key_id)) == 1
    blob = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]  # replica works
    assert refusal(env.kms[HOME].decrypt, CiphertextBlob=blob) == ("KMSInvalidStateException", text)


def test_cancelling_a_pending_replica_deletion(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    assert refusal(env.kms[HOME].cancel_key_deletion, KeyId=key_id) == (
        "KMSInvalidStateException",
        f"{arn(HOME, key_id)} is not pending deletion (or pending replica deletion).",
    )
    env.kms[HOME].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    out = env.kms[HOME].cancel_key_deletion(KeyId=key_id)
    assert out["KeyId"] == arn(HOME, key_id)
    md = env.describe(HOME, key_id)
    assert md["KeyState"] == "Disabled"
    assert "PendingDeletionWindowInDays" not in md
    # And it no longer waits for its replicas: deleting them leaves it Disabled.
    env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    env.travel(8 * DAY)
    assert env.describe(HOME, key_id)["KeyState"] == "Disabled"


def test_a_primary_without_replicas_is_deleted_on_its_own_window(env: Env) -> None:
    key_id = env.primary()
    out = env.kms[HOME].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert (out["KeyState"], out["DeletionDate"]) == ("PendingDeletion", START + 7 * DAY)


def test_a_deleted_replica_loses_nothing_elsewhere_and_can_be_replicated_again(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    blob = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"kept")["CiphertextBlob"]
    env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert refusal(env.replicate, key_id, EU) == (
        "AlreadyExistsException",
        f"Key '{arn(EU, key_id)}' already exists",
    )
    env.travel(7 * DAY)
    assert refusal(env.kms[EU].decrypt, CiphertextBlob=blob) == (  # issue 13: AWS's text
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist "
        "in this region, or you are not allowed to access.",
    )
    assert env.kms[HOME].decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    env.replicate(key_id, EU)
    assert env.kms[EU].decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    assert env.kms[EU].list_keys()["Keys"] == [{"KeyId": key_id, "KeyArn": arn(EU, key_id)}]


def test_single_region_texts_are_unchanged(env: Env) -> None:
    key_id = env.kms[HOME].create_key()["KeyMetadata"]["KeyId"]
    assert refusal(env.kms[HOME].cancel_key_deletion, KeyId=key_id) == (
        "KMSInvalidStateException",
        f"{arn(HOME, key_id)} is not pending deletion.",
    )
    env.kms[HOME].schedule_key_deletion(KeyId=key_id)
    assert refusal(env.kms[HOME].encrypt, KeyId=key_id, Plaintext=b"x") == (
        "KMSInvalidStateException",
        f"{arn(HOME, key_id)} is pending deletion.",
    )


def test_related_keys_record_their_last_use_independently(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].encrypt(KeyId=key_id, Plaintext=b"x")
    assert env.kms[HOME].get_key_last_usage(KeyId=key_id)["KeyLastUsage"]["Operation"] == (
        "Encrypt"
    )
    assert "Operation" not in env.kms[EU].get_key_last_usage(KeyId=key_id).get("KeyLastUsage", {})
