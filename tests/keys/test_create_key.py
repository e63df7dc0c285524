"""CreateKey: every spec and usage, the legacy spec, policies, origins, multi-Region."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

from kmsmock.crypto import families
from tests import model
from tests.helpers import RSA_SIGNING, policy_held, raises_error
from tests.keys.lifecycle import ACCOUNT, ARN_PREFIX, REGION, START, new_key

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock


# Every (KeySpec, KeyUsage) AWS accepts outside China, with the algorithm list DescribeKey shows
# (kms-facts §4, §8.1; research item 19).
VALID: dict[tuple[str, str], tuple[str, list[str]]] = {
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"): ("EncryptionAlgorithms", ["SYMMETRIC_DEFAULT"]),
    **{
        (f"HMAC_{n}", "GENERATE_VERIFY_MAC"): ("MacAlgorithms", [f"HMAC_SHA_{n}"])
        for n in (224, 256, 384, 512)
    },
    **{
        (f"RSA_{n}", "ENCRYPT_DECRYPT"): (
            "EncryptionAlgorithms",
            ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        )
        for n in (2048, 3072, 4096)
    },
    **{(f"RSA_{n}", "SIGN_VERIFY"): ("SigningAlgorithms", RSA_SIGNING) for n in (2048, 3072, 4096)},
    **{
        (f"ECC_NIST_P{n}", "SIGN_VERIFY"): ("SigningAlgorithms", [f"ECDSA_SHA_{h}"])
        for n, h in ((256, 256), (384, 384), (521, 512))
    },
    **{
        (f"ECC_NIST_P{n}", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ["ECDH"])
        for n in (256, 384, 521)
    },
    ("ECC_SECG_P256K1", "SIGN_VERIFY"): ("SigningAlgorithms", ["ECDSA_SHA_256"]),
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"): (
        "SigningAlgorithms",
        ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
    ),
    **{
        (f"ML_DSA_{n}", "SIGN_VERIFY"): ("SigningAlgorithms", ["ML_DSA_SHAKE_256"])
        for n in (44, 65, 87)
    },
    **{
        (f"ML_KEM_{n}", "ENCAPSULATE_DECAPSULATE"): ("EncapsulationAlgorithms", ["ML_KEM"])
        for n in (512, 768, 1024)
    },
}
# The installed botocore model's key specs and usages (an older model lacks the ML-KEM ones).
SPECS = sorted({spec for spec, _ in VALID if model.has(f"KeySpec={spec}")})
USAGES = list(model.enum("KeyUsageType"))
INVALID = [(s, u) for s, u in itertools.product(SPECS, USAGES) if (s, u) not in VALID]
SYMMETRIC_FIELDS = {
    "AWSAccountId",
    "Arn",
    "CreationDate",
    "CurrentKeyMaterialId",
    "CustomerMasterKeySpec",
    "Description",
    "Enabled",
    "EncryptionAlgorithms",
    "KeyId",
    "KeyManager",
    "KeySpec",
    "KeyState",
    "KeyUsage",
    "MultiRegion",
    "Origin",
}


# -- CreateKey ---------------------------------------------------------------------------------


def test_create_symmetric_key_metadata(kms: KMSClient) -> None:
    meta = new_key(kms)
    assert set(meta) == SYMMETRIC_FIELDS
    key_id = meta["KeyId"]
    assert len(key_id) == 36
    assert key_id == key_id.lower()
    assert meta["Arn"] == f"{ARN_PREFIX}:key/{key_id}"
    assert meta["AWSAccountId"] == ACCOUNT
    assert meta["CreationDate"] == START
    assert meta["Description"] == ""
    assert meta["Enabled"] is True
    assert meta["KeyState"] == "Enabled"
    assert meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert meta["KeyManager"] == "CUSTOMER"
    assert meta["Origin"] == "AWS_KMS"
    assert meta["MultiRegion"] is False
    assert len(meta["CurrentKeyMaterialId"]) == 64
    assert set(meta["CurrentKeyMaterialId"]) <= set("0123456789abcdef")


@pytest.mark.parametrize(
    ("spec", "usage"),
    [model.param(s, u, needs=(f"KeySpec={s}", f"KeyUsageType={u}")) for s, u in sorted(VALID)],
)
def test_every_valid_spec_and_usage(kms: KMSClient, spec: str, usage: str) -> None:
    meta = new_key(kms, KeySpec=spec, KeyUsage=usage)
    field, algorithms = VALID[spec, usage]
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == spec
    assert meta["KeyUsage"] == usage
    assert meta[field] == algorithms
    other_fields = {
        "EncryptionAlgorithms",
        "SigningAlgorithms",
        "MacAlgorithms",
        "KeyAgreementAlgorithms",
        "EncapsulationAlgorithms",
    } - {field}
    assert not other_fields & set(meta)
    assert ("CurrentKeyMaterialId" in meta) == (spec == "SYMMETRIC_DEFAULT")
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"] == meta


@pytest.mark.parametrize(("spec", "usage"), INVALID)
def test_every_invalid_spec_and_usage(kms: KMSClient, spec: str, usage: str) -> None:
    assert raises_error(kms.create_key, KeySpec=spec, KeyUsage=usage) == {
        "Code": "ValidationException",
        "Message": f"KeyUsage {usage} is not compatible with KeySpec {spec}",
    }
    assert kms.list_keys()["Keys"] == []


@pytest.mark.parametrize("spec", [s for s in SPECS if s != "SYMMETRIC_DEFAULT"])
def test_key_usage_is_required_except_for_symmetric_keys(kms: KMSClient, spec: str) -> None:
    assert raises_error(kms.create_key, KeySpec=spec) == {
        "Code": "ValidationException",
        "Message": "You must specify a KeyUsage value for all KMS keys except for symmetric "
        "encryption keys.",
    }


def test_legacy_customer_master_key_spec(kms: KMSClient) -> None:
    meta = new_key(kms, CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == "RSA_2048"


def test_key_spec_and_customer_master_key_spec_together(kms: KMSClient) -> None:
    assert raises_error(
        kms.create_key, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"
    ) == {
        "Code": "ValidationException",
        "Message": "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
        "CustomerMasterKeySpec is deprecated.",
    }


@model.lacks("KeySpec=ML_KEM_768", "KeyUsageType=ENCAPSULATE_DECAPSULATE")
def test_an_older_model_refuses_ml_kem_keys(kms: KMSClient) -> None:
    """botocore 1.43's model has no ML-KEM: kmsmock refuses it with that model's enum errors."""
    assert raises_error(
        kms.create_key, KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE"
    ) == {
        "Code": "ValidationException",
        "Message": "2 validation errors detected: "
        "Value 'ENCAPSULATE_DECAPSULATE' at 'keyUsage' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {model.enum_list('KeyUsageType')}; "
        "Value 'ML_KEM_768' at 'keySpec' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {model.enum_list('KeySpec')}",
    }
    assert kms.list_keys()["Keys"] == []


def test_sm2_outside_china(kms: KMSClient) -> None:
    assert raises_error(kms.create_key, KeySpec="SM2", KeyUsage="SIGN_VERIFY") == {
        "Code": "UnsupportedOperationException",
        "Message": "KeySpec SM2 is not supported in this Region",
    }


def test_a_key_spec_kmsmock_does_not_know_is_a_clear_error(
    kms: KMSClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's model may name key specs newer than kmsmock's table."""
    monkeypatch.delitem(families.SPECS, "ML_DSA_44")
    assert raises_error(kms.create_key, KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY") == {
        "Code": "NotImplementedByKmsmock",
        "Message": "kmsmock does not support KeySpec ML_DSA_44 yet.",
    }


def test_description_and_tags(kms: KMSClient) -> None:
    meta = new_key(kms, Description="orders", Tags=[{"TagKey": "team", "TagValue": "x"}])
    assert meta["Description"] == "orders"
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [
        {"TagKey": "team", "TagValue": "x"}
    ]


def test_policy_is_kept(kms: KMSClient) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}'
    )
    meta = new_key(kms, Policy=policy)
    assert kms.get_key_policy(KeyId=meta["KeyId"])["Policy"] == policy


def test_policy_lockout_and_its_bypass(kms: KMSClient, kms_mock: KmsMock) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:Encrypt",'
        '"Resource":"*"}]}'
    )
    assert raises_error(kms.create_key, Policy=policy) == {
        "Code": "MalformedPolicyDocumentException",
        "Message": "The new key policy will not allow you to update the key policy in the future.",
    }
    meta = new_key(kms, Policy=policy, BypassPolicyLockoutSafetyCheck=True)
    assert policy_held(kms_mock, meta["Arn"]) == policy  # the root may only Encrypt with it


def test_external_origin_key_waits_for_import(kms: KMSClient) -> None:
    meta = new_key(kms, Origin="EXTERNAL")
    assert meta["Origin"] == "EXTERNAL"
    assert meta["KeyState"] == "PendingImport"
    assert meta["Enabled"] is False
    assert "CurrentKeyMaterialId" not in meta
    assert "ExpirationModel" not in meta
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]


@pytest.mark.parametrize(
    ("spec", "usage"), [("HMAC_256", "GENERATE_VERIFY_MAC"), ("RSA_2048", "SIGN_VERIFY")]
)
def test_external_origin_for_hmac_and_asymmetric_keys(
    kms: KMSClient, spec: str, usage: str
) -> None:
    meta = new_key(kms, Origin="EXTERNAL", KeySpec=spec, KeyUsage=usage)
    assert (meta["KeyState"], meta["KeySpec"]) == ("PendingImport", spec)


def test_multi_region_primary(kms: KMSClient) -> None:
    meta = new_key(kms, MultiRegion=True)
    assert meta["KeyId"].startswith("mrk-")
    assert len(meta["KeyId"]) == 36
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": meta["Arn"], "Region": REGION},
        "ReplicaKeys": [],
    }


def test_single_region_key_has_no_multi_region_configuration(kms: KMSClient) -> None:
    assert "MultiRegionConfiguration" not in new_key(kms)


@pytest.mark.parametrize("origin", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
def test_custom_key_store_origins_need_a_store(kms: KMSClient, origin: str) -> None:
    assert raises_error(kms.create_key, Origin=origin) == {
        "Code": "ValidationException",
        "Message": f"CustomKeyStoreId must be specified when Origin is {origin}.",
    }
    store = {"CustomKeyStoreId": "cks-1234567890abcdef0"}
    if origin == "EXTERNAL_KEY_STORE":
        store["XksKeyId"] = "key-in-the-external-manager"
    assert raises_error(kms.create_key, Origin=origin, **store) == {
        "Code": "CustomKeyStoreNotFoundException",
        "Message": "Custom key store cks-1234567890abcdef0 does not exist.",
    }
