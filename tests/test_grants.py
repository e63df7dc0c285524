"""Grants: create, list, retire, revoke, names, tokens and the operations each key allows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

APP = "arn:aws:iam::123456789012:role/app"
OPS = "arn:aws:iam::123456789012:role/ops"


def app_grant(key_id: str, *operations: str, **more: Any) -> dict[str, Any]:
    """CreateGrant's parameters that give APP ``operations`` on the key, and ``more``."""
    return {"KeyId": key_id, "GranteePrincipal": APP, "Operations": list(operations), **more}


@pytest.fixture
def key(kms_client: KMSClient) -> dict[str, Any]:
    return dict(kms_client.create_key()["KeyMetadata"])


def test_create_and_list(kms_client: KMSClient, key: dict[str, Any]) -> None:
    out = kms_client.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=APP,
        RetiringPrincipal=OPS,
        Operations=["Encrypt", "Decrypt"],
        Name="app-access",
        Constraints={"EncryptionContextSubset": {"tenant": "acme"}},
    )
    assert re.fullmatch(r"[0-9a-f]{64}", out["GrantId"])
    assert out["GrantToken"]
    grants = kms_client.list_grants(KeyId=key["Arn"])
    assert grants["Truncated"] is False
    entry = grants["Grants"][0]
    entry.pop("CreationDate")
    assert entry == {
        "KeyId": key["Arn"],
        "GrantId": out["GrantId"],
        "Name": "app-access",
        "GranteePrincipal": APP,
        "RetiringPrincipal": OPS,
        "IssuingAccount": "arn:aws:iam::123456789012:root",
        "Operations": ["Encrypt", "Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}},
    }


def test_same_name_and_parameters_is_the_same_grant(
    kms_client: KMSClient, key: dict[str, Any]
) -> None:
    args = {
        "KeyId": key["KeyId"],
        "GranteePrincipal": APP,
        "Operations": ["Decrypt"],
        "Name": "retry-safe",
    }
    first = kms_client.create_grant(**args)
    again = kms_client.create_grant(**args)
    assert again["GrantId"] == first["GrantId"]
    assert again["GrantToken"] != first["GrantToken"]
    unnamed = {k: v for k, v in args.items() if k != "Name"}
    assert (
        kms_client.create_grant(**unnamed)["GrantId"]
        != kms_client.create_grant(**unnamed)["GrantId"]
    )
    assert len(kms_client.list_grants(KeyId=key["KeyId"])["Grants"]) == 3


def test_list_filters_and_paging(kms_client: KMSClient, key: dict[str, Any]) -> None:
    ids = [
        kms_client.create_grant(KeyId=key["KeyId"], GranteePrincipal=p, Operations=["Encrypt"])[
            "GrantId"
        ]
        for p in (APP, OPS, APP)
    ]
    by_grantee = kms_client.list_grants(KeyId=key["KeyId"], GranteePrincipal=APP)["Grants"]
    assert [g["GrantId"] for g in by_grantee] == [ids[0], ids[2]]
    by_id = kms_client.list_grants(KeyId=key["KeyId"], GrantId=ids[1])["Grants"]
    assert [g["GrantId"] for g in by_id] == [ids[1]]
    pages = kms_client.get_paginator("list_grants").paginate(
        KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}
    )
    assert [len(p["Grants"]) for p in pages] == [2, 1]


def test_retire_by_token_and_by_id(kms_client: KMSClient, key: dict[str, Any]) -> None:
    a = kms_client.create_grant(**app_grant(key["KeyId"], "Encrypt"))
    b = kms_client.create_grant(**app_grant(key["KeyId"], "Decrypt"))
    kms_client.retire_grant(GrantToken=a["GrantToken"])
    kms_client.retire_grant(KeyId=key["Arn"], GrantId=b["GrantId"])
    assert kms_client.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert (
        refusal(kms_client.retire_grant, GrantToken=a["GrantToken"])[0]
        == "InvalidGrantTokenException"
    )


def test_revoke(kms_client: KMSClient, key: dict[str, Any]) -> None:
    g = kms_client.create_grant(**app_grant(key["KeyId"], "Encrypt"))
    kms_client.revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"])
    assert kms_client.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert refusal(kms_client.revoke_grant, KeyId=key["KeyId"], GrantId=g["GrantId"]) == (
        "NotFoundException",
        f"Grant ID {g['GrantId']} not found",
    )


def test_list_retirable_grants(kms_client: KMSClient, key: dict[str, Any]) -> None:
    other = kms_client.create_key()["KeyMetadata"]["KeyId"]
    for key_id in (key["KeyId"], other):
        kms_client.create_grant(**app_grant(key_id, "Decrypt", RetiringPrincipal=OPS))
    kms_client.create_grant(**app_grant(other, "Decrypt"))
    grants = kms_client.list_retirable_grants(RetiringPrincipal=OPS)["Grants"]
    assert sorted(g["KeyId"].rsplit("/", 1)[1] for g in grants) == sorted([key["KeyId"], other])


def test_grant_tokens_must_name_a_live_grant(kms_client: KMSClient, key: dict[str, Any]) -> None:
    g = kms_client.create_grant(**app_grant(key["KeyId"], "Encrypt"))
    kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=[g["GrantToken"]])
    assert refusal(
        kms_client.encrypt, KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=["not-a-token"]
    ) == ("InvalidGrantTokenException", "The grant token is not valid.")


@pytest.mark.parametrize(
    ("spec", "usage", "bad"),
    [
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Sign"),
        ("RSA_2048", "SIGN_VERIFY", "GenerateDataKey"),
        ("HMAC_256", "GENERATE_VERIFY_MAC", "Encrypt"),
        ("ECC_NIST_P256", "KEY_AGREEMENT", "Verify"),
    ],
)
def test_operations_must_suit_the_key(
    kms_client: KMSClient, spec: str, usage: str, bad: str
) -> None:
    md = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    assert refusal(kms_client.create_grant, **app_grant(md["KeyId"], bad)) == (
        "ValidationException",
        f"The grant operations [{bad}] are not supported for KMS keys with KeySpec {spec} and "
        f"KeyUsage {usage}.",
    )
    kms_client.create_grant(**app_grant(md["KeyId"], "DescribeKey"))


def test_constraints_only_on_symmetric_keys(kms_client: KMSClient) -> None:
    md = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert (
        refusal(
            kms_client.create_grant,
            **app_grant(
                md["KeyId"], "Decrypt", Constraints={"EncryptionContextEquals": {"a": "b"}}
            ),
        )[0]
        == "ValidationException"
    )


def test_key_state_and_identifiers(kms_client: KMSClient, key: dict[str, Any]) -> None:
    kms_client.disable_key(KeyId=key["KeyId"])
    assert refusal(kms_client.create_grant, **app_grant(key["KeyId"], "Encrypt")) == (
        "DisabledException",
        f"{key['Arn']} is disabled.",
    )
    kms_client.create_alias(AliasName="alias/g", TargetKeyId=key["KeyId"])
    assert refusal(kms_client.create_grant, **app_grant("alias/g", "Encrypt")) == (
        "InvalidArnException",
        "Key Aliases are not supported for this operation.",
    )


def test_dry_run(kms_client: KMSClient, key: dict[str, Any]) -> None:
    assert (
        refusal(kms_client.create_grant, **app_grant(key["KeyId"], "Encrypt", DryRun=True))[0]
        == "DryRunOperationException"
    )
    assert kms_client.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_describe_key_does_not_check_grant_tokens(
    kms_client: KMSClient, key: dict[str, Any]
) -> None:
    """Only operations whose model lists InvalidGrantTokenException check the tokens."""
    md = kms_client.describe_key(KeyId=key["KeyId"], GrantTokens=["anything"])["KeyMetadata"]
    assert md["KeyId"] == key["KeyId"]


def test_grantee_is_required(unchecked_kms: KMSClient) -> None:
    key_id = unchecked_kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        unchecked_kms.create_grant(KeyId=key_id, Operations=["Encrypt"])
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        unchecked_kms.list_retirable_grants()
    assert exc.value.response["Error"]["Code"] == "ValidationException"


KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"  # well formed; no such key is needed
# The smallest valid request of every operation that takes GrantTokens.
TOKEN_TAKERS: dict[str, dict[str, Any]] = {
    "CreateGrant": {
        "KeyId": KEY,
        "GranteePrincipal": "arn:aws:iam::111122223333:root",
        "Operations": ["Decrypt"],
    },
    "Decrypt": {"CiphertextBlob": b"x" * 32},
    "DeriveSharedSecret": {"KeyId": KEY, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b"k"},
    "DescribeKey": {"KeyId": KEY},
    "Encrypt": {"KeyId": KEY, "Plaintext": b"p"},
    "GenerateDataKey": {"KeyId": KEY, "NumberOfBytes": 32},
    "GenerateDataKeyPair": {"KeyId": KEY, "KeyPairSpec": "ECC_NIST_P256"},
    "GenerateDataKeyPairWithoutPlaintext": {"KeyId": KEY, "KeyPairSpec": "ECC_NIST_P256"},
    "GenerateDataKeyWithoutPlaintext": {"KeyId": KEY, "NumberOfBytes": 32},
    "GenerateMac": {"KeyId": KEY, "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"},
    "GetPublicKey": {"KeyId": KEY},
    "ReEncrypt": {"CiphertextBlob": b"x" * 32, "DestinationKeyId": KEY},
    "Sign": {"KeyId": KEY, "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"},
    "Verify": {
        "KeyId": KEY,
        "Message": b"m",
        "Signature": b"s",
        "SigningAlgorithm": "ECDSA_SHA_256",
    },
    "VerifyMac": {"KeyId": KEY, "Message": b"m", "MacAlgorithm": "HMAC_SHA_256", "Mac": b"m"},
    "Encapsulate": {"KeyId": KEY, "EncapsulationAlgorithm": "ML_KEM"},
    "Decapsulate": {
        "KeyId": KEY,
        "SharedSecretCiphertextBlob": b"c",
        "EncapsulationAlgorithm": "ML_KEM",
    },
}


def test_every_operation_that_takes_grant_tokens_is_listed_here() -> None:
    from tests.model import MODEL

    takers = {
        name
        for name in MODEL.operation_names
        if "GrantTokens" in MODEL.operation_model(name).input_shape.members
    }
    assert takers <= set(TOKEN_TAKERS)


@pytest.mark.parametrize("operation", sorted(TOKEN_TAKERS))
def test_grant_tokens_are_checked_where_the_model_lists_invalid_grant_token(
    kms_client: KMSClient, operation: str
) -> None:
    """Checked before anything else where the model lists InvalidGrantTokenException for the
    operation; taken and ignored elsewhere (DescribeKey)."""
    from tests.model import MODEL

    if operation not in MODEL.operation_names:
        pytest.skip(f"the installed botocore's model has no {operation}")
    model = MODEL.operation_model(operation)
    checks = "InvalidGrantTokenException" in {e.name for e in model.error_shapes}
    call = getattr(kms_client, xform_name(operation))
    with pytest.raises(ClientError) as exc:
        call(**TOKEN_TAKERS[operation], GrantTokens=["not-a-grant-token"])
    expected = "InvalidGrantTokenException" if checks else "NotFoundException"
    assert exc.value.response["Error"]["Code"] == expected


@pytest.mark.parametrize("spec", ["ML_KEM_768"])
def test_grants_on_ml_kem_keys(kms_client: KMSClient, spec: str) -> None:
    from tests.model import enum

    if spec not in enum("KeySpec"):
        pytest.skip(f"the installed botocore's model has no {spec}")
    md = kms_client.create_key(KeySpec=spec, KeyUsage="ENCAPSULATE_DECAPSULATE")["KeyMetadata"]
    kms_client.create_grant(**app_grant(md["KeyId"], "Encapsulate", "Decapsulate", "DescribeKey"))
    assert (
        refusal(kms_client.create_grant, **app_grant(md["KeyId"], "Sign"))[0]
        == "ValidationException"
    )
