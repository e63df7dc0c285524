"""DryRun on every operation the service model gives it: DryRunOperationException when the
request would have succeeded, AccessDeniedException when the caller may not make it, and no
change either way ("Testing your AWS KMS API calls": "DryRun ... checks permissions")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore.session
import pytest

from tests.access.conftest import ACCOUNT, REGION
from tests.helpers import refusal

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

    from kmsmock import KmsMock

_MODEL = botocore.session.get_session().get_service_model("kms")
WITH_DRY_RUN = sorted(
    name
    for name in _MODEL.operation_names
    if "DryRun" in _MODEL.operation_model(name).input_shape.members
)
GRANTEE = f"arn:aws:iam::{ACCOUNT}:user/grantee"


def _requests(kms: KMSClient) -> dict[str, tuple[str, dict[str, Any]]]:
    """One valid request per operation: (boto3 method, arguments)."""
    sym = kms.create_key()["KeyMetadata"]["KeyId"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    sig = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    agree = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    peer = kms.get_public_key(KeyId=agree["KeyId"])["PublicKey"]
    blob = kms.encrypt(KeyId=sym, Plaintext=b"p")["CiphertextBlob"]
    mac = {"KeyId": hmac["KeyId"], "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"}
    signing = {"KeyId": sig["KeyId"], "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}
    grant = kms.create_grant(KeyId=sym, GranteePrincipal=GRANTEE, Operations=["Decrypt"])
    by_grant = {"KeyId": sym, "GrantId": grant["GrantId"]}
    return {
        "CreateGrant": (
            "create_grant",
            {"KeyId": sym, "GranteePrincipal": GRANTEE, "Operations": ["Encrypt"]},
        ),
        "Decrypt": ("decrypt", {"CiphertextBlob": blob}),
        "DeriveSharedSecret": (
            "derive_shared_secret",
            {"KeyId": agree["KeyId"], "KeyAgreementAlgorithm": "ECDH", "PublicKey": peer},
        ),
        "Encrypt": ("encrypt", {"KeyId": sym, "Plaintext": b"p"}),
        "GenerateDataKey": ("generate_data_key", {"KeyId": sym, "KeySpec": "AES_256"}),
        "GenerateDataKeyPair": (
            "generate_data_key_pair",
            {"KeyId": sym, "KeyPairSpec": "ECC_NIST_P256"},
        ),
        "GenerateDataKeyPairWithoutPlaintext": (
            "generate_data_key_pair_without_plaintext",
            {"KeyId": sym, "KeyPairSpec": "ECC_NIST_P256"},
        ),
        "GenerateDataKeyWithoutPlaintext": (
            "generate_data_key_without_plaintext",
            {"KeyId": sym, "KeySpec": "AES_256"},
        ),
        "GenerateMac": ("generate_mac", mac),
        "ReEncrypt": ("re_encrypt", {"CiphertextBlob": blob, "DestinationKeyId": sym}),
        "RetireGrant": ("retire_grant", by_grant),
        "RevokeGrant": ("revoke_grant", by_grant),
        "Sign": ("sign", signing),
        "Verify": (
            "verify",
            {**signing, "Signature": kms.sign(**signing)["Signature"]},  # type: ignore[arg-type]
        ),
        "VerifyMac": ("verify_mac", {**mac, "Mac": kms.generate_mac(**mac)["Mac"]}),  # type: ignore[arg-type]
        **_encapsulation(kms),
    }


def _encapsulation(kms: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Encapsulate and Decapsulate, where the installed model has them (newer botocore)."""
    if "Encapsulate" not in _MODEL.operation_names:
        return {}
    kem = kms.create_key(KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")["KeyMetadata"]
    request = {"KeyId": kem["KeyId"], "EncapsulationAlgorithm": "ML_KEM"}
    sealed = kms.encapsulate(**request)["SharedSecretCiphertextBlob"]
    return {
        "Encapsulate": ("encapsulate", request),
        "Decapsulate": ("decapsulate", {**request, "SharedSecretCiphertextBlob": sealed}),
    }


@pytest.mark.parametrize("operation", WITH_DRY_RUN)
def test_dry_run_decides_authorization(kms: KMSClient, kms_mock: KmsMock, operation: str) -> None:
    method, request = _requests(kms)[operation]
    grants_before = {
        key["KeyId"]: kms.list_grants(KeyId=key["KeyId"])["Grants"]
        for key in kms.list_keys()["Keys"]
    }
    allowed = getattr(kms, method)
    assert refusal(allowed, **request, DryRun=True) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )
    nobody = kms_mock.add_user("nobody", identity_policies=[])
    refused = getattr(nobody.client(region_name=REGION), method)
    assert refusal(refused, **request, DryRun=True)[0] == "AccessDeniedException"
    assert {key: kms.list_grants(KeyId=key)["Grants"] for key in grants_before} == grants_before


def test_every_operation_with_dry_run_is_covered(kms: KMSClient) -> None:
    assert sorted(_requests(kms)) == WITH_DRY_RUN
