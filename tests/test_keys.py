"""Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
ScheduleKeyDeletion, CancelKeyDeletion; KeyId forms; AWS managed keys (kms-facts §2, §3, §6, §10).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError

from kmsmock import mock_kms
from kmsmock.crypto import families

from . import model

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}"
MISSING_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
START = datetime(2025, 6, 1, 9, 30, 15, 250000, tzinfo=timezone.utc)

RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]
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


@pytest.fixture
def traveller() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kms(traveller: Any) -> Iterator[Any]:
    with mock_kms():
        yield boto3.client("kms", region_name=REGION)


def error(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return dict(exc.value.response["Error"])


def new_key(kms: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(kms.create_key(**kwargs)["KeyMetadata"])


def state(kms: Any, key_id: str) -> str:
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])


# -- CreateKey ---------------------------------------------------------------------------------


def test_create_symmetric_key_metadata(kms: Any) -> None:
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
def test_every_valid_spec_and_usage(kms: Any, spec: str, usage: str) -> None:
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
def test_every_invalid_spec_and_usage(kms: Any, spec: str, usage: str) -> None:
    assert error(kms.create_key, KeySpec=spec, KeyUsage=usage) == {
        "Code": "ValidationException",
        "Message": f"KeyUsage {usage} is not compatible with KeySpec {spec}",
    }
    assert kms.list_keys()["Keys"] == []


@pytest.mark.parametrize("spec", [s for s in SPECS if s != "SYMMETRIC_DEFAULT"])
def test_key_usage_is_required_except_for_symmetric_keys(kms: Any, spec: str) -> None:
    assert error(kms.create_key, KeySpec=spec) == {
        "Code": "ValidationException",
        "Message": "You must specify a KeyUsage value for all KMS keys except for symmetric "
        "encryption keys.",
    }


def test_legacy_customer_master_key_spec(kms: Any) -> None:
    meta = new_key(kms, CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == "RSA_2048"


def test_key_spec_and_customer_master_key_spec_together(kms: Any) -> None:
    assert error(
        kms.create_key, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"
    ) == {
        "Code": "ValidationException",
        "Message": "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
        "CustomerMasterKeySpec is deprecated.",
    }


@model.lacks("KeySpec=ML_KEM_768", "KeyUsageType=ENCAPSULATE_DECAPSULATE")
def test_an_older_model_refuses_ml_kem_keys(kms: Any) -> None:
    """botocore 1.43's model has no ML-KEM: kmsmock refuses it with that model's enum errors."""
    assert error(kms.create_key, KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE") == {
        "Code": "ValidationException",
        "Message": "2 validation errors detected: "
        "Value 'ENCAPSULATE_DECAPSULATE' at 'keyUsage' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {model.enum_list('KeyUsageType')}; "
        "Value 'ML_KEM_768' at 'keySpec' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {model.enum_list('KeySpec')}",
    }
    assert kms.list_keys()["Keys"] == []


def test_sm2_outside_china(kms: Any) -> None:
    assert error(kms.create_key, KeySpec="SM2", KeyUsage="SIGN_VERIFY") == {
        "Code": "UnsupportedOperationException",
        "Message": "KeySpec SM2 is not supported in this Region",
    }


def test_a_key_spec_kmsmock_does_not_know_is_a_clear_error(
    kms: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's model may name key specs newer than kmsmock's table."""
    monkeypatch.delitem(families.SPECS, "ML_DSA_44")
    assert error(kms.create_key, KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY") == {
        "Code": "NotImplementedByKmsmock",
        "Message": "kmsmock does not support KeySpec ML_DSA_44 yet.",
    }


def test_description_and_tags(kms: Any) -> None:
    meta = new_key(kms, Description="orders", Tags=[{"TagKey": "team", "TagValue": "x"}])
    assert meta["Description"] == "orders"
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [
        {"TagKey": "team", "TagValue": "x"}
    ]


def test_policy_is_kept(kms: Any) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}'
    )
    meta = new_key(kms, Policy=policy)
    assert kms.get_key_policy(KeyId=meta["KeyId"])["Policy"] == policy


def test_policy_lockout_and_its_bypass(kms: Any) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:Encrypt",'
        '"Resource":"*"}]}'
    )
    assert error(kms.create_key, Policy=policy) == {
        "Code": "MalformedPolicyDocumentException",
        "Message": "The new key policy will not allow you to update the key policy in the future.",
    }
    meta = new_key(kms, Policy=policy, BypassPolicyLockoutSafetyCheck=True)
    assert kms.get_key_policy(KeyId=meta["KeyId"])["Policy"] == policy


def test_external_origin_key_waits_for_import(kms: Any) -> None:
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
def test_external_origin_for_hmac_and_asymmetric_keys(kms: Any, spec: str, usage: str) -> None:
    meta = new_key(kms, Origin="EXTERNAL", KeySpec=spec, KeyUsage=usage)
    assert (meta["KeyState"], meta["KeySpec"]) == ("PendingImport", spec)


def test_multi_region_primary(kms: Any) -> None:
    meta = new_key(kms, MultiRegion=True)
    assert meta["KeyId"].startswith("mrk-")
    assert len(meta["KeyId"]) == 36
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": meta["Arn"], "Region": REGION},
        "ReplicaKeys": [],
    }


def test_single_region_key_has_no_multi_region_configuration(kms: Any) -> None:
    assert "MultiRegionConfiguration" not in new_key(kms)


@pytest.mark.parametrize("origin", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
def test_custom_key_store_origins_need_a_store(kms: Any, origin: str) -> None:
    assert error(kms.create_key, Origin=origin) == {
        "Code": "ValidationException",
        "Message": f"CustomKeyStoreId must be specified when Origin is {origin}.",
    }
    store = {"CustomKeyStoreId": "cks-1234567890abcdef0"}
    if origin == "EXTERNAL_KEY_STORE":
        store["XksKeyId"] = "key-in-the-external-manager"
    assert error(kms.create_key, Origin=origin, **store) == {
        "Code": "CustomKeyStoreNotFoundException",
        "Message": "Custom key store cks-1234567890abcdef0 does not exist.",
    }


# -- DescribeKey and KeyId forms -----------------------------------------------------------------


def test_describe_key_by_every_identifier(kms: Any) -> None:
    meta = new_key(kms)
    kms.create_alias(AliasName="alias/orders", TargetKeyId=meta["KeyId"])
    for ident in (meta["KeyId"], meta["Arn"], "alias/orders", f"{ARN_PREFIX}:alias/orders"):
        assert kms.describe_key(KeyId=ident)["KeyMetadata"]["KeyId"] == meta["KeyId"], ident


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        (MISSING_ID, f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist"),
        (f"{ARN_PREFIX}:key/{MISSING_ID}", f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist"),
        (
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            f"Key '{ARN_PREFIX}:key/mrk-1234abcd12ab34cd56ef1234567890ab' does not exist",
        ),
        (
            "786CA7CD-3E5D-4F20-9E8B-0F5C5A3D1E2A",
            f"Key '{ARN_PREFIX}:key/786CA7CD-3E5D-4F20-9E8B-0F5C5A3D1E2A' does not exist",
        ),
        ("fake-key-id", "Invalid keyId 'fake-key-id'"),
        ("134f2428cec14b25a1ae9048164dba47", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'"),
        ("mrk-fake-key-id", "Invalid keyId 'mrk-fake-key-id'"),
        (f"{ARN_PREFIX}:key/foo", "Invalid keyId foo"),
        (f"arn:aws:kms:us-west-2:{ACCOUNT}:key/{MISSING_ID}", "Invalid arn us-west-2"),
        ("alias/missing", f"Alias {ARN_PREFIX}:alias/missing is not found."),
        (f"{ARN_PREFIX}:alias/missing", f"Alias {ARN_PREFIX}:alias/missing is not found."),
    ],
)
def test_describe_key_lookup_errors(kms: Any, ident: str, message: str) -> None:
    assert error(kms.describe_key, KeyId=ident) == {"Code": "NotFoundException", "Message": message}


def test_a_key_in_another_region_is_not_found_with_the_callers_region(kms: Any) -> None:
    other = boto3.client("kms", region_name="eu-west-1")
    key_id = other.create_key()["KeyMetadata"]["KeyId"]
    assert error(kms.describe_key, KeyId=key_id) == {
        "Code": "NotFoundException",
        "Message": f"Key '{ARN_PREFIX}:key/{key_id}' does not exist",
    }


KEY_ONLY_OPERATIONS = {
    "cancel_key_deletion": {},
    "disable_key": {},
    "enable_key": {},
    "schedule_key_deletion": {},
    "update_key_description": {"Description": "d"},
    "get_key_policy": {},
    "put_key_policy": {"Policy": "{}"},
    "list_key_policies": {},
    "list_resource_tags": {},
    "tag_resource": {"Tags": [{"TagKey": "k", "TagValue": "v"}]},
    "untag_resource": {"TagKeys": ["k"]},
    "list_aliases": {},
}


@pytest.mark.parametrize("operation", sorted(KEY_ONLY_OPERATIONS))
@pytest.mark.parametrize("alias", ["alias/missing", f"{ARN_PREFIX}:alias/missing"])
def test_key_only_operations_reject_aliases_before_lookup(
    kms: Any, operation: str, alias: str
) -> None:
    assert error(getattr(kms, operation), KeyId=alias, **KEY_ONLY_OPERATIONS[operation]) == {
        "Code": "InvalidArnException",
        "Message": "Key Aliases are not supported for this operation.",
    }


@pytest.mark.parametrize("operation", sorted(KEY_ONLY_OPERATIONS))
def test_key_only_operations_accept_a_key_arn(kms: Any, operation: str) -> None:
    arn = new_key(kms)["Arn"]
    kwargs = dict(KEY_ONLY_OPERATIONS[operation])
    if operation == "put_key_policy":
        kwargs["Policy"] = kms.get_key_policy(KeyId=arn)["Policy"]
    if operation == "cancel_key_deletion":
        kms.schedule_key_deletion(KeyId=arn)
    response = getattr(kms, operation)(KeyId=arn, **kwargs)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


# -- ListKeys ----------------------------------------------------------------------------------


def test_list_keys_entries(kms: Any) -> None:
    meta = new_key(kms)
    assert kms.list_keys() | {"ResponseMetadata": None} == {
        "Keys": [{"KeyId": meta["KeyId"], "KeyArn": meta["Arn"]}],
        "Truncated": False,
        "ResponseMetadata": None,
    }


def test_list_keys_paging(kms: Any) -> None:
    ids = [new_key(kms)["KeyId"] for _ in range(5)]
    first = kms.list_keys(Limit=2)
    assert [k["KeyId"] for k in first["Keys"]] == ids[:2]
    assert first["Truncated"] is True
    second = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    third = kms.list_keys(Limit=2, Marker=second["NextMarker"])
    assert [k["KeyId"] for k in second["Keys"] + third["Keys"]] == ids[2:]
    assert third["Truncated"] is False
    assert "NextMarker" not in third


def test_list_keys_default_limit_is_100(kms: Any) -> None:
    for _ in range(101):
        new_key(kms)
    page = kms.list_keys()
    assert len(page["Keys"]) == 100
    assert page["Truncated"] is True
    assert len(kms.list_keys(Marker=page["NextMarker"])["Keys"]) == 1
    assert len(kms.list_keys(Limit=1000)["Keys"]) == 101


def test_list_keys_exact_page_has_no_marker(kms: Any) -> None:
    for _ in range(2):
        new_key(kms)
    page = kms.list_keys(Limit=2)
    assert (len(page["Keys"]), page["Truncated"], "NextMarker" in page) == (2, False, False)


def test_list_keys_invalid_marker(kms: Any) -> None:
    assert error(kms.list_keys, Marker="not-a-marker") == {
        "Code": "InvalidMarkerException",
        "Message": "Invalid marker",
    }


def test_list_keys_is_per_region_and_hides_deleted_keys(kms: Any, traveller: Any) -> None:
    boto3.client("kms", region_name="eu-west-1").create_key()
    kept, pending, deleted = (new_key(kms)["KeyId"] for _ in range(3))
    kms.schedule_key_deletion(KeyId=pending, PendingWindowInDays=30)
    kms.schedule_key_deletion(KeyId=deleted, PendingWindowInDays=7)
    traveller.shift(timedelta(days=8))
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [kept, pending]


# -- UpdateKeyDescription, EnableKey, DisableKey -----------------------------------------------


def test_update_key_description(kms: Any) -> None:
    key_id = new_key(kms, Description="old")["KeyId"]
    assert kms.update_key_description(KeyId=key_id, Description="new")["ResponseMetadata"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "new"
    kms.update_key_description(KeyId=key_id, Description="")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == ""


def test_disable_and_enable(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    response = kms.disable_key(KeyId=key_id)
    assert set(response) == {"ResponseMetadata"}
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    kms.disable_key(KeyId=key_id)  # disabling a disabled key succeeds
    kms.enable_key(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Enabled", True)
    kms.enable_key(KeyId=key_id)
    assert state(kms, key_id) == "Enabled"


def test_missing_key_for_management_operations(kms: Any) -> None:
    for call in (kms.enable_key, kms.disable_key, kms.cancel_key_deletion):
        assert error(call, KeyId=MISSING_ID) == {
            "Code": "NotFoundException",
            "Message": f"Key '{ARN_PREFIX}:key/{MISSING_ID}' does not exist",
        }


# -- the key-state table for these operations (kms-facts §2.1) ---------------------------------


def _in_state(kms: Any, wanted: str) -> dict[str, Any]:
    if wanted == "PendingImport":
        return new_key(kms, Origin="EXTERNAL")
    meta = new_key(kms)
    if wanted == "Disabled":
        kms.disable_key(KeyId=meta["KeyId"])
    elif wanted == "PendingDeletion":
        kms.schedule_key_deletion(KeyId=meta["KeyId"])
    return meta


OK = "ok"
TABLE: dict[str, dict[str, str]] = {
    # operation: {state: OK | error code + " " + message suffix after the key ARN}
    "describe_key": dict.fromkeys(("Enabled", "Disabled", "PendingDeletion", "PendingImport"), OK),
    "enable_key": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": "KMSInvalidStateException is pending import.",
    },
    "disable_key": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": "KMSInvalidStateException is pending import.",
    },
    "update_key_description": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "schedule_key_deletion": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "cancel_key_deletion": {
        "Enabled": "KMSInvalidStateException is not pending deletion.",
        "Disabled": "KMSInvalidStateException is not pending deletion.",
        "PendingDeletion": OK,
        "PendingImport": "KMSInvalidStateException is not pending deletion.",
    },
    "tag_resource": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "untag_resource": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    "create_alias": {
        "Enabled": OK,
        "Disabled": OK,
        "PendingDeletion": "KMSInvalidStateException is pending deletion.",
        "PendingImport": OK,
    },
    **{
        op: dict.fromkeys(("Enabled", "Disabled", "PendingDeletion", "PendingImport"), OK)
        for op in (
            "get_key_policy",
            "put_key_policy",
            "list_key_policies",
            "list_resource_tags",
            "list_aliases",
        )
    },
}


def _arguments(kms: Any, operation: str, meta: dict[str, Any]) -> dict[str, Any]:
    key_id = meta["KeyId"]
    return {
        "update_key_description": {"KeyId": key_id, "Description": "d"},
        "tag_resource": {"KeyId": key_id, "Tags": [{"TagKey": "k", "TagValue": "v"}]},
        "untag_resource": {"KeyId": key_id, "TagKeys": ["k"]},
        "create_alias": {"AliasName": "alias/state-test", "TargetKeyId": key_id},
        "put_key_policy": {
            "KeyId": key_id,
            "Policy": kms.get_key_policy(KeyId=key_id)["Policy"],
        },
    }.get(operation, {"KeyId": key_id})


@pytest.mark.parametrize(
    ("operation", "key_state"),
    [(op, st) for op, row in sorted(TABLE.items()) for st in row],
)
def test_key_state_table(kms: Any, operation: str, key_state: str) -> None:
    meta = _in_state(kms, key_state)
    expected = TABLE[operation][key_state]
    kwargs = _arguments(kms, operation, meta)
    if expected == OK:
        assert getattr(kms, operation)(**kwargs)["ResponseMetadata"]["HTTPStatusCode"] == 200
    else:
        code, suffix = expected.split(" ", 1)
        assert error(getattr(kms, operation), **kwargs) == {
            "Code": code,
            "Message": f"{meta['Arn']} {suffix}",
        }


# -- ScheduleKeyDeletion / CancelKeyDeletion ----------------------------------------------------


def test_schedule_key_deletion_defaults_to_30_days(kms: Any) -> None:
    meta = new_key(kms)
    response = kms.schedule_key_deletion(KeyId=meta["KeyId"])
    del response["ResponseMetadata"]
    assert response == {
        "KeyId": meta["Arn"],
        "DeletionDate": START + timedelta(days=30),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": 30,
    }
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "PendingDeletion"
    assert described["Enabled"] is False
    assert described["DeletionDate"] == START + timedelta(days=30)
    assert "PendingDeletionWindowInDays" not in described


@pytest.mark.parametrize("days", [7, 8, 29, 30])
def test_schedule_key_deletion_window_bounds(kms: Any, days: int) -> None:
    meta = new_key(kms)
    response = kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=days)
    assert response["DeletionDate"] == START + timedelta(days=days)
    assert response["PendingWindowInDays"] == days


@pytest.mark.parametrize("days", [1, 6, 31, 365])
def test_schedule_key_deletion_window_out_of_bounds(kms: Any, days: int) -> None:
    key_id = new_key(kms)["KeyId"]
    assert error(kms.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=days) == {
        "Code": "ValidationException",
        "Message": "PendingWindowInDays must be between 7 and 30",
    }
    assert state(kms, key_id) == "Enabled"


def test_schedule_key_deletion_window_beyond_the_model(kms: Any) -> None:
    unchecked = boto3.client("kms", region_name=REGION, config=Config(parameter_validation=False))
    key_id = new_key(kms)["KeyId"]
    assert error(unchecked.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=0) == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1",
    }


def test_cancel_key_deletion_leaves_the_key_disabled(kms: Any) -> None:
    meta = new_key(kms)
    kms.schedule_key_deletion(KeyId=meta["KeyId"])
    response = kms.cancel_key_deletion(KeyId=meta["KeyId"])
    assert response["KeyId"] == meta["Arn"]
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("Disabled", False)
    assert "DeletionDate" not in described
    kms.enable_key(KeyId=meta["KeyId"])
    assert state(kms, meta["KeyId"]) == "Enabled"


def test_cancel_key_deletion_of_a_key_awaiting_import(kms: Any) -> None:
    key_id = new_key(kms, Origin="EXTERNAL")["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id)
    kms.cancel_key_deletion(KeyId=key_id)
    assert state(kms, key_id) == "PendingImport"


def test_a_key_past_its_deletion_date_is_gone(kms: Any, traveller: Any) -> None:
    meta = new_key(kms)
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=meta["KeyId"])
    kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    traveller.shift(timedelta(days=7) - timedelta(microseconds=1))
    assert state(kms, meta["KeyId"]) == "PendingDeletion"
    traveller.shift(timedelta(microseconds=1))
    gone = {"Code": "NotFoundException", "Message": f"Key '{meta['Arn']}' does not exist"}
    assert error(kms.describe_key, KeyId=meta["KeyId"]) == gone
    assert error(kms.describe_key, KeyId=meta["Arn"]) == gone
    assert error(kms.cancel_key_deletion, KeyId=meta["KeyId"]) == gone
    assert error(kms.describe_key, KeyId="alias/doomed") == {
        "Code": "NotFoundException",
        "Message": f"Alias {ARN_PREFIX}:alias/doomed is not found.",
    }
    assert kms.list_keys()["Keys"] == []
    assert kms.list_aliases()["Aliases"] == []


def test_cancelled_deletion_does_not_delete_later(kms: Any, traveller: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    kms.cancel_key_deletion(KeyId=key_id)
    traveller.shift(timedelta(days=60))
    assert state(kms, key_id) == "Disabled"


# -- AWS managed keys -------------------------------------------------------------------------


def denied(operation: str, arn: str) -> dict[str, str]:
    action = f"kms:{operation}"
    return {
        "Code": "AccessDeniedException",
        "Message": f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: {action} "
        f"on resource: {arn} because no resource-based policy allows the {action} action",
    }


def test_aws_managed_key_is_created_on_first_use_of_its_alias(kms: Any) -> None:
    assert kms.list_keys()["Keys"] == []
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert meta["Description"] == (
        "Default key that protects my S3 objects when no other key is defined"
    )
    assert (meta["KeySpec"], meta["KeyUsage"], meta["Origin"]) == (
        "SYMMETRIC_DEFAULT",
        "ENCRYPT_DECRYPT",
        "AWS_KMS",
    )
    again = kms.describe_key(KeyId=f"{ARN_PREFIX}:alias/aws/s3")["KeyMetadata"]
    assert again["KeyId"] == meta["KeyId"]
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [meta["KeyId"]]
    [alias] = kms.list_aliases()["Aliases"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/aws/s3", meta["KeyId"])


def test_an_unknown_aws_alias_is_not_found(kms: Any) -> None:
    assert error(kms.describe_key, KeyId="alias/aws/not-a-service") == {
        "Code": "NotFoundException",
        "Message": f"Alias {ARN_PREFIX}:alias/aws/not-a-service is not found.",
    }


MANAGED_CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "disable_key": ("DisableKey", {}),
    "enable_key": ("EnableKey", {}),
    "schedule_key_deletion": ("ScheduleKeyDeletion", {}),
    "update_key_description": ("UpdateKeyDescription", {"Description": "mine"}),
    "tag_resource": ("TagResource", {"Tags": [{"TagKey": "k", "TagValue": "v"}]}),
    "untag_resource": ("UntagResource", {"TagKeys": ["k"]}),
    "put_key_policy": ("PutKeyPolicy", {"Policy": '{"Statement": []}'}),
}


@pytest.mark.parametrize("operation", sorted(MANAGED_CHANGES))
def test_aws_managed_keys_refuse_changes(kms: Any, operation: str) -> None:
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    name, kwargs = MANAGED_CHANGES[operation]
    assert error(getattr(kms, operation), KeyId=meta["KeyId"], **kwargs) == denied(
        name, meta["Arn"]
    )
    assert state(kms, meta["KeyId"]) == "Enabled"


def test_aws_managed_keys_can_be_read(kms: Any) -> None:
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    assert '"Id" : "auto-ssm-1"' in kms.get_key_policy(KeyId=key_id)["Policy"]


@model.requires("ListKeysRequest.ResourceOwners")
def test_list_keys_resource_owners(kms_client: Any) -> None:
    key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
    mine = kms_client.list_keys(ResourceOwners=["SELF"])["Keys"]
    assert [k["KeyId"] for k in mine] == [key_id]
    both = kms_client.list_keys(ResourceOwners=["SELF", "OTHER_ACCOUNTS_VIA_RAM"])["Keys"]
    assert [k["KeyId"] for k in both] == [key_id]
    shared = kms_client.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"])
    assert (shared["Keys"], shared["Truncated"]) == ([], False)
