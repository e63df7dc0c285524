"""ReplicateKey: the replica's answer, what it shares with its primary, and refusals."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from tests.helpers import error_of, refusal
from tests.multi_region.regions import AP, DAY, EU, HOME, START, Env, arn, not_primary
from tests.test_import import import_material

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
    # A Region without a replica cannot open it (issue 13: AWS's text for a key elsewhere).
    assert refusal(env.kms[AP].decrypt, CiphertextBlob=eu["CiphertextBlob"]) == (
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist "
        "in this region, or you are not allowed to access.",
    )


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
        assert refusal(env.kms[HOME].replicate_key, KeyId=key_id, ReplicaRegion=EU) == not_primary(
            HOME, key_id
        )

    def test_a_replica_cannot_be_replicated(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        # recorded (kms-facts §3.3)
        assert refusal(env.kms[EU].replicate_key, KeyId=key_id, ReplicaRegion=AP) == not_primary(
            EU, key_id
        )

    def test_a_region_holds_one_replica(self, env: Env) -> None:
        key_id = env.primary()
        env.replicate(key_id, EU)
        assert refusal(env.replicate, key_id, EU) == (
            "AlreadyExistsException",
            f"Key '{arn(EU, key_id)}' already exists",
        )

    def test_not_into_its_own_region(self, env: Env) -> None:
        key_id = env.primary()
        assert refusal(env.replicate, key_id, HOME) == (
            "ValidationException",
            f"ReplicaRegion {HOME} is the Region of the primary key {arn(HOME, key_id)}: "
            "a replica must be in a different Region.",
        )

    def test_not_into_another_partition(self, env: Env) -> None:
        key_id = env.primary()
        assert refusal(env.replicate, key_id, "cn-north-1") == (
            "ValidationException",
            f"ReplicaRegion cn-north-1 is not in the aws partition of the primary key "
            f"{arn(HOME, key_id)}.",
        )

    def test_only_an_enabled_primary(self, env: Env) -> None:
        key_id = env.primary()
        env.kms[HOME].disable_key(KeyId=key_id)
        assert refusal(env.replicate, key_id, EU) == (
            "DisabledException",
            f"{arn(HOME, key_id)} is disabled.",
        )
        env.kms[HOME].schedule_key_deletion(KeyId=key_id)
        assert refusal(env.replicate, key_id, EU) == (
            "KMSInvalidStateException",
            f"{arn(HOME, key_id)} is pending deletion (or pending replica deletion).",
        )
        external = env.primary(Origin="EXTERNAL")
        assert refusal(env.replicate, external, EU) == (
            "KMSInvalidStateException",
            f"{arn(HOME, external)} is pending import.",
        )

    def test_key_id_or_arn_only(self, env: Env) -> None:
        key_id = env.primary()
        env.kms[HOME].create_alias(AliasName="alias/mrk", TargetKeyId=key_id)
        assert refusal(env.replicate, "alias/mrk", EU) == (
            "InvalidArnException",
            "Key Aliases are not supported for this operation.",
        )
        assert env.replicate(arn(HOME, key_id), EU)["ReplicaKeyMetadata"]["KeyId"] == key_id

    def test_bad_tags_or_policy_create_nothing(self, env: Env) -> None:
        key_id = env.primary()
        assert refusal(env.replicate, key_id, EU, Tags=[{"TagKey": "aws:x", "TagValue": "y"}]) == (
            "TagException",
            "Tags beginning with aws: are reserved",
        )
        locked_out = (
            '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, '
            '"Action": "kms:Encrypt", "Resource": "*"}]}'
        )
        assert refusal(env.replicate, key_id, EU, Policy=locked_out) == (
            "MalformedPolicyDocumentException",
            "The new key policy will not allow you to update the key policy in the future.",
        )
        assert refusal(env.describe, EU, key_id) == (
            "NotFoundException",
            f"Key '{arn(EU, key_id)}' does not exist",
        )
        assert env.describe(HOME, key_id)["MultiRegionConfiguration"]["ReplicaKeys"] == []
        out = env.replicate(key_id, EU, Policy=locked_out, BypassPolicyLockoutSafetyCheck=True)
        assert out["ReplicaPolicy"] == locked_out


class TestImportIntoReplica:
    """ImportKeyMaterial API reference: import into the primary with NEW_KEY_MATERIAL, then
    the same material into each replica with EXISTING_KEY_MATERIAL."""

    def test_the_primarys_material_decrypts_the_primarys_ciphertexts(self, env: Env) -> None:
        key_id = env.primary(Origin="EXTERNAL")
        material = bytes(range(32))
        first = import_material(env.kms[HOME], key_id, material)
        blob = env.kms[HOME].encrypt(KeyId=key_id, Plaintext=b"from home")["CiphertextBlob"]
        env.replicate(key_id, EU)
        out = import_material(env.kms[EU], key_id, material, ImportType="EXISTING_KEY_MATERIAL")
        assert out["KeyMaterialId"] == first["KeyMaterialId"]
        replica = env.describe(EU, key_id)
        assert (replica["KeyState"], replica["CurrentKeyMaterialId"]) == (
            "Enabled",
            first["KeyMaterialId"],
        )
        assert env.kms[EU].decrypt(CiphertextBlob=blob)["Plaintext"] == b"from home"
        back = env.kms[EU].encrypt(KeyId=key_id, Plaintext=b"from eu")["CiphertextBlob"]
        assert env.kms[HOME].decrypt(CiphertextBlob=back)["Plaintext"] == b"from eu"

    def test_the_material_id_may_be_named(self, env: Env) -> None:
        key_id = env.primary(Origin="EXTERNAL")
        material_id = import_material(env.kms[HOME], key_id, bytes(32))["KeyMaterialId"]
        env.replicate(key_id, EU)
        out = import_material(
            env.kms[EU],
            key_id,
            bytes(32),
            ImportType="EXISTING_KEY_MATERIAL",
            KeyMaterialId=material_id,
        )
        assert out["KeyMaterialId"] == material_id

    def test_other_material_is_refused_and_the_replica_keeps_waiting(self, env: Env) -> None:
        key_id = env.primary(Origin="EXTERNAL")
        import_material(env.kms[HOME], key_id, bytes(32))
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            import_material(env.kms[EU], key_id, b"\1" * 32, ImportType="EXISTING_KEY_MATERIAL")
        assert error_of(exc) == (
            "IncorrectKeyMaterialException",
            "The key material is not the same key material that was previously imported "
            "into this KMS key.",
        )
        assert env.describe(EU, key_id)["KeyState"] == "PendingImport"

    def test_new_material_goes_to_the_primary_first(self, env: Env) -> None:
        key_id = env.primary(Origin="EXTERNAL")
        import_material(env.kms[HOME], key_id, bytes(32))
        env.replicate(key_id, EU)
        with pytest.raises(ClientError) as exc:
            import_material(env.kms[EU], key_id, bytes(32), ImportType="NEW_KEY_MATERIAL")
        assert error_of(exc)[0] == "UnsupportedOperationException"
        assert env.describe(EU, key_id)["KeyState"] == "PendingImport"
