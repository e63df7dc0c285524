"""Multi-Region keys: ReplicateKey, UpdatePrimaryRegion, related keys that share key material and
rotate together on the primary's schedule, and the deletion of a primary that outlives its
replicas (kms-facts §1.1, §2, §3.3, §10)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kmsmock import KmsMock, mock_kms
from tests.helpers import error_of
from tests.test_import import import_material
from tests.timetravel import TOOLS, Clock, frozen, utc

DAY = timedelta(days=1)
START = utc(2024, 1, 1)
HOME, EU, AP = "us-east-1", "eu-west-1", "ap-southeast-2"


def arn(region: str, key_id: str) -> str:
    return f"arn:aws:kms:{region}:123456789012:key/{key_id}"


class Env:
    """Clients in three Regions of one account, on a stopped clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.now = START
        self.kms = {r: boto3.client("kms", region_name=r) for r in (HOME, EU, AP)}

    def travel(self, delta: timedelta) -> None:
        self.now += delta
        self.clock.move_to(self.now)

    def primary(self, **kwargs: Any) -> str:
        return str(self.kms[HOME].create_key(MultiRegion=True, **kwargs)["KeyMetadata"]["KeyId"])

    def replicate(self, key_id: str, region: str, **kwargs: Any) -> dict[str, Any]:
        out = dict(self.kms[HOME].replicate_key(KeyId=key_id, ReplicaRegion=region, **kwargs))
        out.pop("ResponseMetadata")
        return out

    def describe(self, region: str, key_id: str) -> dict[str, Any]:
        return dict(self.kms[region].describe_key(KeyId=key_id)["KeyMetadata"])

    def rotations(self, region: str, key_id: str) -> list[dict[str, Any]]:
        return list(
            self.kms[region].list_key_rotations(
                KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
            )["Rotations"]
        )


@pytest.fixture
def env() -> Iterator[Env]:
    with frozen("time-machine", START) as clock, mock_kms():
        yield Env(clock)


@pytest.fixture(params=TOOLS)
def any_env(request: pytest.FixtureRequest) -> Iterator[Env]:
    """For behaviour driven by the clock: under freezegun and time-machine alike."""
    with frozen(request.param, START) as clock, mock_kms():
        yield Env(clock)


# -- ReplicateKey --------------------------------------------------------------------------------


def test_replicate_key_answers_with_a_creating_replica(env: Env) -> None:
    key_id = env.primary(Description="primary")
    env.travel(DAY)
    out = env.replicate(key_id, EU)
    policy = env.kms[EU].get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    assert out == {
        "ReplicaKeyMetadata": {
            "AWSAccountId": "123456789012",
            "KeyId": key_id,
            "Arn": arn(EU, key_id),
            "CreationDate": START + DAY,
            "Enabled": False,
            "Description": "",  # not a shared property
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Creating",
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": True,
            "MultiRegionConfiguration": {
                "MultiRegionKeyType": "REPLICA",
                "PrimaryKey": {"Arn": arn(HOME, key_id), "Region": HOME},
                "ReplicaKeys": [{"Arn": arn(EU, key_id), "Region": EU}],
            },
        },
        "ReplicaPolicy": policy,
    }
    assert '"AWS" : "arn:aws:iam::123456789012:root"' in policy  # the default key policy


def test_the_replica_is_enabled_from_the_next_request_with_the_primarys_material(
    env: Env,
) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    replica = env.describe(EU, key_id)
    assert replica["KeyState"] == "Enabled"
    assert replica["Enabled"] is True
    assert replica["CurrentKeyMaterialId"] == env.describe(HOME, key_id)["CurrentKeyMaterialId"]
    assert [k["KeyArn"] for k in env.kms[EU].list_keys()["Keys"]] == [arn(EU, key_id)]


def test_replica_has_its_own_description_policy_and_tags(env: Env) -> None:
    key_id = env.primary(Description="primary", Tags=[{"TagKey": "side", "TagValue": "home"}])
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", '
        '"Resource": "*"}]}'
    )
    tags = [{"TagKey": "side", "TagValue": "eu"}, {"TagKey": "team", "TagValue": "x"}]
    out = env.replicate(key_id, EU, Description="replica", Policy=policy, Tags=tags)
    assert out["ReplicaPolicy"] == policy
    assert out["ReplicaTags"] == tags
    assert out["ReplicaKeyMetadata"]["Description"] == "replica"
    assert env.kms[EU].list_resource_tags(KeyId=key_id)["Tags"] == tags
    assert env.kms[HOME].list_resource_tags(KeyId=key_id)["Tags"] == [
        {"TagKey": "side", "TagValue": "home"}
    ]
    assert env.describe(HOME, key_id)["Description"] == "primary"
    assert env.kms[EU].get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy
    # Later changes stay on their own side.
    env.kms[EU].update_key_description(KeyId=key_id, Description="changed")
    env.kms[EU].create_alias(AliasName="alias/eu-only", TargetKeyId=key_id)
    assert env.describe(HOME, key_id)["Description"] == "primary"
    assert env.kms[HOME].list_aliases(KeyId=key_id)["Aliases"] == []


def test_every_related_key_lists_the_primary_and_all_replicas(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.replicate(key_id, AP)
    replicas = [{"Arn": arn(EU, key_id), "Region": EU}, {"Arn": arn(AP, key_id), "Region": AP}]
    primary = {"Arn": arn(HOME, key_id), "Region": HOME}
    assert env.describe(HOME, key_id)["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": primary,
        "ReplicaKeys": replicas,
    }
    for region in (EU, AP):
        assert env.describe(region, key_id)["MultiRegionConfiguration"] == {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": primary,
            "ReplicaKeys": replicas,  # a replica's list includes itself
        }


def test_ciphertext_from_either_region_decrypts_in_the_other(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    home = env.kms[HOME].encrypt(KeyId=key_id, Plaintext=b"from home", EncryptionContext={"a": "b"})
    out = env.kms[EU].decrypt(CiphertextBlob=home["CiphertextBlob"], EncryptionContext={"a": "b"})
    assert out["Plaintext"] == b"from home"
    assert out["KeyId"] == arn(EU, key_id)
    assert out["KeyMaterialId"] == env.describe(HOME, key_id)["CurrentKeyMaterialId"]
    eu = env.kms[EU].generate_data_key(KeyId=arn(EU, key_id), KeySpec="AES_256")
    back = env.kms[HOME].decrypt(CiphertextBlob=eu["CiphertextBlob"], KeyId=key_id)
    assert back["Plaintext"] == eu["Plaintext"]
    assert back["KeyId"] == arn(HOME, key_id)
    # A Region without a replica cannot open it.
    with pytest.raises(ClientError) as exc:
        env.kms[AP].decrypt(CiphertextBlob=eu["CiphertextBlob"])
    assert error_of(exc) == ("InvalidCiphertextException", "")


def test_asymmetric_replicas_share_the_private_key(env: Env) -> None:
    key_id = env.primary(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    env.replicate(key_id, EU)  # before the key pair exists: it is made once for both
    signed = env.kms[EU].sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    public = env.kms[HOME].get_public_key(KeyId=key_id)["PublicKey"]
    assert env.kms[EU].get_public_key(KeyId=key_id)["PublicKey"] == public
    verifier = serialization.load_der_public_key(public)
    assert isinstance(verifier, ec.EllipticCurvePublicKey)
    verifier.verify(signed["Signature"], b"m", ec.ECDSA(hashes.SHA256()))
    env.replicate(key_id, AP)  # after: the existing key pair is shared
    assert env.kms[AP].get_public_key(KeyId=key_id)["PublicKey"] == public


def test_rsa_replica_decrypts_what_the_primarys_public_key_encrypted(env: Env) -> None:
    key_id = env.primary(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    public = serialization.load_der_public_key(
        env.kms[HOME].get_public_key(KeyId=key_id)["PublicKey"]
    )
    assert isinstance(public, rsa.RSAPublicKey)
    env.replicate(key_id, EU)
    h = hashes.SHA256()
    blob = public.encrypt(b"secret", padding.OAEP(padding.MGF1(h), h, None))
    out = env.kms[EU].decrypt(
        KeyId=key_id, CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )
    assert out["Plaintext"] == b"secret"


def test_hmac_replica_verifies_the_primarys_mac(env: Env) -> None:
    key_id = env.primary(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    mac = env.kms[HOME].generate_mac(KeyId=key_id, Message=b"m", MacAlgorithm="HMAC_SHA_256")
    env.replicate(key_id, EU)
    out = env.kms[EU].verify_mac(
        KeyId=key_id, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac["Mac"]
    )
    assert out["MacValid"] is True


def test_replica_of_imported_material_waits_for_its_own_import(env: Env) -> None:
    key_id = env.primary(Origin="EXTERNAL")
    import_material(env.kms[HOME], key_id, bytes(32))
    out = env.replicate(key_id, EU)
    assert out["ReplicaKeyMetadata"]["KeyState"] == "Creating"
    replica = env.describe(EU, key_id)
    assert (replica["KeyState"], replica["Enabled"], replica["Origin"]) == (
        "PendingImport",
        False,
        "EXTERNAL",
    )
    assert "CurrentKeyMaterialId" not in replica


class TestReplicateKeyErrors:
    def test_single_region_key(self, env: Env) -> None:
        key_id = env.kms[HOME].create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].replicate_key(KeyId=key_id, ReplicaRegion=EU)
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{arn(HOME, key_id)} is not a multi-region primary key.",
        )

    def test_a_replica_cannot_be_replicated(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            env.kms[EU].replicate_key(KeyId=key_id, ReplicaRegion=AP)
        assert error_of(exc) == (  # recorded (kms-facts §3.3)
            "UnsupportedOperationException",
            f"{arn(EU, key_id)} is not a multi-region primary key.",
        )

    def test_a_region_holds_one_replica(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, EU)
        assert error_of(exc) == (
            "AlreadyExistsException",
            f"Key '{arn(EU, key_id)}' already exists",
        )

    def test_not_into_its_own_region(self, env: Env) -> None:
        key_id = env.primary()
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, HOME)
        assert error_of(exc) == (
            "ValidationException",
            f"ReplicaRegion {HOME} is the Region of the primary key {arn(HOME, key_id)}: "
            "a replica must be in a different Region.",
        )

    def test_not_into_another_partition(self, env: Env) -> None:
        key_id = env.primary()
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, "cn-north-1")
        assert error_of(exc) == (
            "ValidationException",
            f"ReplicaRegion cn-north-1 is not in the aws partition of the primary key "
            f"{arn(HOME, key_id)}.",
        )

    def test_only_an_enabled_primary(self, env: Env) -> None:
        key_id = env.primary()
        env.kms[HOME].disable_key(KeyId=key_id)
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, EU)
        assert error_of(exc) == ("DisabledException", f"{arn(HOME, key_id)} is disabled.")
        env.kms[HOME].schedule_key_deletion(KeyId=key_id)
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, EU)
        assert error_of(exc) == (
            "KMSInvalidStateException",
            f"{arn(HOME, key_id)} is pending deletion (or pending replica deletion).",
        )
        external = env.primary(Origin="EXTERNAL")
        with pytest.raises(ClientError) as exc:
            env.replicate(external, EU)
        assert error_of(exc) == (
            "KMSInvalidStateException",
            f"{arn(HOME, external)} is pending import.",
        )

    def test_key_id_or_arn_only(self, env: Env) -> None:
        key_id = env.primary()
        env.kms[HOME].create_alias(AliasName="alias/mrk", TargetKeyId=key_id)
        with pytest.raises(ClientError) as exc:
            env.replicate("alias/mrk", EU)
        assert error_of(exc) == (
            "InvalidArnException",
            "Key Aliases are not supported for this operation.",
        )
        assert env.replicate(arn(HOME, key_id), EU)["ReplicaKeyMetadata"]["KeyId"] == key_id

    def test_bad_tags_or_policy_create_nothing(self, env: Env) -> None:
        key_id = env.primary()
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, EU, Tags=[{"TagKey": "aws:x", "TagValue": "y"}])
        assert error_of(exc) == ("TagException", "Tags beginning with aws: are reserved")
        locked_out = (
            '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, '
            '"Action": "kms:Encrypt", "Resource": "*"}]}'
        )
        with pytest.raises(ClientError) as exc:
            env.replicate(key_id, EU, Policy=locked_out)
        assert error_of(exc) == (
            "MalformedPolicyDocumentException",
            "The new key policy will not allow you to update the key policy in the future.",
        )
        with pytest.raises(ClientError) as exc:
            env.describe(EU, key_id)
        assert error_of(exc) == ("NotFoundException", f"Key '{arn(EU, key_id)}' does not exist")
        assert env.describe(HOME, key_id)["MultiRegionConfiguration"]["ReplicaKeys"] == []
        out = env.replicate(key_id, EU, Policy=locked_out, BypassPolicyLockoutSafetyCheck=True)
        assert out["ReplicaPolicy"] == locked_out


# -- rotation ------------------------------------------------------------------------------------


def test_rotation_is_set_on_the_primary_and_reported_by_replicas(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    for operation in ("enable_key_rotation", "disable_key_rotation"):
        with pytest.raises(ClientError) as exc:
            getattr(env.kms[EU], operation)(KeyId=key_id)
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{arn(EU, key_id)} is not a multi-region primary key.",
        )
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
    with pytest.raises(ClientError) as exc:
        env.kms[EU].rotate_key_on_demand(KeyId=key_id)
    assert error_of(exc) == (
        "UnsupportedOperationException",
        f"{arn(EU, key_id)} is not a multi-region primary key.",
    )
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
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    env.travel(365 * DAY)
    # Only the replica is touched: the rotations it shows are the primary's, at their dates.
    dates = [r.get("RotationDate") for r in env.rotations(EU, key_id)]
    assert dates == [None] + [START + 90 * n * DAY for n in (1, 2, 3, 4)]
    assert env.rotations(HOME, key_id) == env.rotations(EU, key_id)
    assert env.kms[HOME].get_key_rotation_status(KeyId=key_id)["NextRotationDate"] == (
        START + 450 * DAY
    )


def test_catching_up_costs_only_the_rotations_due(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.replicate(key_id, AP)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    env.travel(3650 * DAY)  # ten years: 40 rotations, made once, whoever asks first
    assert len(env.rotations(AP, key_id)) == 41
    for region in (EU, HOME, AP):
        assert len(env.rotations(region, key_id)) == 41


def test_a_disabled_replica_keeps_up_and_does_not_rotate_on_its_own(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    env.kms[EU].disable_key(KeyId=key_id)
    env.travel(200 * DAY)
    env.kms[EU].enable_key(KeyId=key_id)  # the schedule is the primary's: nothing extra
    assert [r.get("RotationDate") for r in env.rotations(EU, key_id)] == [
        None,
        START + 90 * DAY,
        START + 180 * DAY,
    ]


def test_a_disabled_primary_holds_the_rotation_of_every_replica(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    env.kms[HOME].enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    env.kms[HOME].disable_key(KeyId=key_id)
    env.travel(200 * DAY)
    assert len(env.rotations(EU, key_id)) == 1
    env.kms[HOME].enable_key(KeyId=key_id)  # not rotated for a whole period: rotates now
    assert [r.get("RotationDate") for r in env.rotations(EU, key_id)] == [None, START + 200 * DAY]


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
    with pytest.raises(ClientError) as exc:
        env.replicate(key_id, "us-west-2")  # the old primary is a replica now
    assert error_of(exc) == (
        "UnsupportedOperationException",
        f"{arn(HOME, key_id)} is not a multi-region primary key.",
    )
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
    with pytest.raises(ClientError) as exc:
        env.kms[HOME].enable_key_rotation(KeyId=key_id)
    assert error_of(exc)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as exc:  # the on-demand count went with the role
        env.kms[EU].rotate_key_on_demand(KeyId=key_id)
    assert error_of(exc) == (
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
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=single, PrimaryRegion=EU)
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{arn(HOME, single)} is not a multi-region primary key.",
        )
        key_id = env.primary()
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            env.kms[EU].update_primary_region(KeyId=key_id, PrimaryRegion=HOME)
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{arn(EU, key_id)} is not a multi-region primary key.",
        )

    def test_the_region_must_hold_a_replica(self, env: Env) -> None:
        key_id = env.primary()
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=AP)
        assert error_of(exc) == ("NotFoundException", f"Key '{arn(AP, key_id)}' does not exist")
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=AP)
        assert error_of(exc) == ("NotFoundException", f"Key '{arn(AP, key_id)}' does not exist")
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=HOME)
        assert error_of(exc) == (
            "ValidationException",
            f"PrimaryRegion {HOME} is already the Region of the primary key {arn(HOME, key_id)}.",
        )

    def test_key_states(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        env.kms[EU].schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=EU)
        assert error_of(exc) == (
            "KMSInvalidStateException",
            f"{arn(EU, key_id)} is pending deletion (or pending replica deletion).",
        )
        env.kms[HOME].disable_key(KeyId=key_id)
        with pytest.raises(ClientError) as exc:
            env.kms[HOME].update_primary_region(KeyId=key_id, PrimaryRegion=EU)
        assert error_of(exc) == ("DisabledException", f"{arn(HOME, key_id)} is disabled.")


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
    with pytest.raises(ClientError) as exc:
        env.describe(HOME, key_id)
    assert error_of(exc) == ("NotFoundException", f"Key '{arn(HOME, key_id)}' does not exist")


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
    with pytest.raises(ClientError) as exc:
        env.describe(EU, key_id)
    assert error_of(exc)[0] == "NotFoundException"


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
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("KMSInvalidStateException", text)
    # While pending deletion the rotation status is false and nothing rotates, replicas included.
    assert env.kms[HOME].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    assert env.kms[EU].get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    env.travel(200 * DAY)
    assert len(env.rotations(EU, key_id)) == 1
    blob = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]  # replica works
    with pytest.raises(ClientError) as exc:
        env.kms[HOME].decrypt(CiphertextBlob=blob)
    assert error_of(exc) == ("KMSInvalidStateException", text)


def test_cancelling_a_pending_replica_deletion(env: Env) -> None:
    key_id = env.primary()
    env.replicate(key_id, EU)
    with pytest.raises(ClientError) as exc:
        env.kms[HOME].cancel_key_deletion(KeyId=key_id)
    assert error_of(exc) == (
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
    with pytest.raises(ClientError) as exc:
        env.replicate(key_id, EU)
    assert error_of(exc) == ("AlreadyExistsException", f"Key '{arn(EU, key_id)}' already exists")
    env.travel(7 * DAY)
    with pytest.raises(ClientError) as exc:
        env.kms[EU].decrypt(CiphertextBlob=blob)
    assert error_of(exc) == ("NotFoundException", f"Key '{arn(EU, key_id)}' does not exist")
    assert env.kms[HOME].decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    env.replicate(key_id, EU)
    assert env.kms[EU].decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    assert env.kms[EU].list_keys()["Keys"] == [{"KeyId": key_id, "KeyArn": arn(EU, key_id)}]


def test_single_region_texts_are_unchanged(env: Env) -> None:
    key_id = env.kms[HOME].create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        env.kms[HOME].cancel_key_deletion(KeyId=key_id)
    assert error_of(exc) == (
        "KMSInvalidStateException",
        f"{arn(HOME, key_id)} is not pending deletion.",
    )
    env.kms[HOME].schedule_key_deletion(KeyId=key_id)
    with pytest.raises(ClientError) as exc:
        env.kms[HOME].encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(exc) == (
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


# -- every ciphertext opens in every Region, whatever happens ------------------------------------


@dataclass
class Sealed:
    blob: bytes
    plaintext: bytes
    material_id: str


@dataclass
class Member:
    region: str
    enabled: bool = True


@dataclass
class World:
    members: dict[str, Member] = field(default_factory=dict)
    primary: str = HOME
    sealed: list[Sealed] = field(default_factory=list)


REGIONS = [HOME, EU, AP]


class MultiRegionMachine(RuleBasedStateMachine):
    """Invariant: every ciphertext made in any Region decrypts in every Region holding an
    Enabled related key, to its plaintext and with the material version that made it, and all
    Regions list the same material versions — through rotations on the clock and on demand,
    changes of primary, disabled keys and late replicas."""

    def __init__(self) -> None:
        super().__init__()
        self.now: datetime = START
        self.traveller = time_machine.travel(self.now, tick=False)
        self.clock = self.traveller.start()
        self.mock = KmsMock().start()
        self.kms = {r: boto3.client("kms", region_name=r) for r in REGIONS}
        self.world = World()
        self.key_id = ""

    def teardown(self) -> None:
        try:
            self.every_ciphertext_opens_everywhere()
        finally:
            self.mock.stop()
            self.traveller.stop()

    @initialize()
    def create(self) -> None:
        self.key_id = self.kms[HOME].create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.world.members[HOME] = Member(HOME)
        self.kms[HOME].replicate_key(KeyId=self.key_id, ReplicaRegion=EU)
        self.world.members[EU] = Member(EU)

    @rule()
    def replicate_late(self) -> None:
        if AP in self.world.members:
            return
        primary = self.world.members[self.world.primary]
        try:
            self.kms[primary.region].replicate_key(KeyId=self.key_id, ReplicaRegion=AP)
        except ClientError as exc:
            assert not primary.enabled
            assert exc.response["Error"]["Code"] == "DisabledException"
            return
        assert primary.enabled
        self.world.members[AP] = Member(AP)

    def members(self) -> list[Member]:
        return [self.world.members[r] for r in sorted(self.world.members)]

    @rule(data=st.data())
    def encrypt(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.members()))
        try:
            out = self.kms[member.region].generate_data_key(KeyId=self.key_id, NumberOfBytes=16)
        except ClientError as exc:
            assert not member.enabled
            assert exc.response["Error"]["Code"] == "DisabledException"
            return
        assert member.enabled
        self.world.sealed.append(
            Sealed(out["CiphertextBlob"], out["Plaintext"], out["KeyMaterialId"])
        )

    @rule()
    def rotate_on_demand(self) -> None:
        primary = self.world.members[self.world.primary]
        try:
            self.kms[primary.region].rotate_key_on_demand(KeyId=self.key_id)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            assert code in (
                {"LimitExceededException", "ConflictException"}
                if primary.enabled
                else {"DisabledException"}
            ), code

    @rule(period=st.sampled_from([None, 90, 365]))
    def set_rotation(self, period: int | None) -> None:
        primary = self.world.members[self.world.primary]
        client = self.kms[primary.region]
        try:
            if period is None:
                client.disable_key_rotation(KeyId=self.key_id)
            else:
                client.enable_key_rotation(KeyId=self.key_id, RotationPeriodInDays=period)
        except ClientError as exc:
            assert not primary.enabled
            assert exc.response["Error"]["Code"] == "DisabledException"

    @rule(data=st.data())
    def toggle(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.members()))
        if member.enabled:
            self.kms[member.region].disable_key(KeyId=self.key_id)
        else:
            self.kms[member.region].enable_key(KeyId=self.key_id)
        member.enabled = not member.enabled

    @rule(data=st.data())
    def move_primary(self, data: st.DataObject) -> None:
        others = sorted(r for r in self.world.members if r != self.world.primary)
        target = data.draw(st.sampled_from(others))
        primary = self.world.members[self.world.primary]
        try:
            self.kms[primary.region].update_primary_region(KeyId=self.key_id, PrimaryRegion=target)
        except ClientError as exc:
            assert not primary.enabled
            assert exc.response["Error"]["Code"] == "DisabledException"
            return
        assert primary.enabled
        self.world.primary = target

    @rule(days=st.one_of(st.integers(0, 30), st.integers(80, 800)))
    def jump(self, days: int) -> None:
        self.now += timedelta(days=days, minutes=7)
        self.clock.move_to(self.now)

    @invariant()
    def every_ciphertext_opens_everywhere(self) -> None:
        if not self.key_id:
            return
        listings = []
        for member in self.world.members.values():
            rotations = self.kms[member.region].list_key_rotations(
                KeyId=self.key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
            )["Rotations"]
            listings.append([(r["KeyMaterialId"], r.get("RotationDate")) for r in rotations])
            for entry in self.world.sealed:
                try:
                    out = self.kms[member.region].decrypt(CiphertextBlob=entry.blob)
                except ClientError as exc:
                    assert not member.enabled
                    assert exc.response["Error"]["Code"] == "DisabledException"
                    continue
                assert member.enabled
                assert out["Plaintext"] == entry.plaintext
                assert out["KeyMaterialId"] == entry.material_id
        assert all(listing == listings[0] for listing in listings)


TestMultiRegionMachine = MultiRegionMachine.TestCase
