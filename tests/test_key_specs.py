"""Every key spec of botocore's current model: exactly the KeyUsage values AWS allows, the
algorithm lists DescribeKey shows, Region availability, and no key generation at CreateKey."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from kmsmock import KmsMock
from kmsmock.crypto import families
from tests.helpers import RSA_SIGNING, error_of, new_client, refusal

from . import model

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

# From CreateKey's KeyUsage documentation (botocore 1.44) and the Developer Guide's key specs.
ALLOWED: dict[str, dict[str, tuple[str, list[str]]]] = {
    "SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT": ("EncryptionAlgorithms", ["SYMMETRIC_DEFAULT"])},
    **{
        f"RSA_{n}": {
            "ENCRYPT_DECRYPT": ("EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
            "SIGN_VERIFY": (
                "SigningAlgorithms",
                RSA_SIGNING,
            ),
        }
        for n in (2048, 3072, 4096)
    },
    **{
        f"ECC_NIST_P{n}": {
            "SIGN_VERIFY": ("SigningAlgorithms", [f"ECDSA_SHA_{h}"]),
            "KEY_AGREEMENT": ("KeyAgreementAlgorithms", ["ECDH"]),
        }
        for n, h in ((256, 256), (384, 384), (521, 512))
    },
    "ECC_SECG_P256K1": {"SIGN_VERIFY": ("SigningAlgorithms", ["ECDSA_SHA_256"])},
    "ECC_NIST_EDWARDS25519": {
        "SIGN_VERIFY": ("SigningAlgorithms", ["ED25519_SHA_512", "ED25519_PH_SHA_512"])
    },
    **{
        f"ML_DSA_{n}": {"SIGN_VERIFY": ("SigningAlgorithms", ["ML_DSA_SHAKE_256"])}
        for n in (44, 65, 87)
    },
    **{
        f"ML_KEM_{n}": {"ENCAPSULATE_DECAPSULATE": ("EncapsulationAlgorithms", ["ML_KEM"])}
        for n in (512, 768, 1024)
    },
    **{
        f"HMAC_{n}": {"GENERATE_VERIFY_MAC": ("MacAlgorithms", [f"HMAC_SHA_{n}"])}
        for n in (224, 256, 384, 512)
    },
    "SM2": {
        "ENCRYPT_DECRYPT": ("EncryptionAlgorithms", ["SM2PKE"]),
        "SIGN_VERIFY": ("SigningAlgorithms", ["SM2DSA"]),
        "KEY_AGREEMENT": ("KeyAgreementAlgorithms", ["ECDH"]),
    },
}
ALGORITHM_FIELDS = {
    "EncryptionAlgorithms",
    "SigningAlgorithms",
    "MacAlgorithms",
    "KeyAgreementAlgorithms",
    "EncapsulationAlgorithms",
}

MODEL_SPECS = list(model.enum("KeySpec"))
MODEL_USAGES = list(model.enum("KeyUsageType"))
# In the table, but in botocore's model only from 1.44 (which also added Encapsulate).
ML_KEM_SPECS = {"ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}


def test_the_table_covers_the_model() -> None:
    assert set(MODEL_SPECS) <= set(ALLOWED)
    # A model with Encapsulate has every spec of the table; an older one lacks just ML-KEM.
    assert set(ALLOWED) - set(MODEL_SPECS) == (
        set() if model.has_operation("Encapsulate") else ML_KEM_SPECS
    )


def test_the_families_declare_exactly_these_specs() -> None:
    declared = {
        spec.name: {usage: list(algorithms) for usage, algorithms in spec.usages.items()}
        for spec in families.SPECS.values()
    }
    assert declared == {
        spec: {usage: algorithms for usage, (_, algorithms) in usages.items()}
        for spec, usages in ALLOWED.items()
    }
    for family in families.FAMILIES:
        assert all(spec.family is family for spec in family.specs)


def test_the_table_names_the_module_declaring_each_spec() -> None:
    """``families.MODULES`` (which module to import for a spec on its first use) is right."""
    assert set(families.MODULES) == set(families.SPECS)
    for name, spec in families.SPECS.items():
        assert type(spec.family).__module__ == f"{families.__name__}.{families.MODULES[name]}"
    assert families.spec("NOT_A_SPEC") is None


def test_data_key_pair_specs_are_the_models() -> None:
    """GenerateDataKeyPair's KeyPairSpec values are key specs whose family makes pairs."""
    pairs = {name for name, spec in families.SPECS.items() if spec.data_key_pair}
    model_pairs = set(model.enum("DataKeyPairSpec"))
    assert model_pairs <= pairs
    assert pairs - model_pairs <= ML_KEM_SPECS  # an older model lacks ML-KEM


@pytest.mark.parametrize("spec", [s for s in MODEL_SPECS if s != "SM2"])
def test_usages_per_spec(kms_client: KMSClient, spec: str) -> None:
    for usage in MODEL_USAGES:
        if usage in ALLOWED[spec]:
            md = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
            field, algorithms = ALLOWED[spec][usage]
            assert md["KeySpec"] == spec
            assert md["KeyUsage"] == usage
            assert md[field] == algorithms
            assert ALGORITHM_FIELDS & set(md) == {field}
            assert kms_client.describe_key(KeyId=md["KeyId"])["KeyMetadata"][field] == algorithms
        else:
            assert refusal(kms_client.create_key, KeySpec=spec, KeyUsage=usage) == (
                "ValidationException",
                f"KeyUsage {usage} is not compatible with KeySpec {spec}",
            )


def test_sm2_outside_china(kms_client: KMSClient) -> None:
    assert refusal(kms_client.create_key, KeySpec="SM2", KeyUsage="SIGN_VERIFY") == (
        "UnsupportedOperationException",
        "KeySpec SM2 is not supported in this Region",
    )


def test_sm2_usages_in_china(kms_mock: KmsMock) -> None:
    client = new_client("cn-north-1")
    for usage in MODEL_USAGES:
        if usage in ALLOWED["SM2"]:
            md = client.create_key(KeySpec="SM2", KeyUsage=usage)["KeyMetadata"]
            field, algorithms = ALLOWED["SM2"][usage]
            assert md[field] == algorithms
        else:
            assert refusal(client.create_key, KeySpec="SM2", KeyUsage=usage) == (
                "ValidationException",
                f"KeyUsage {usage} is not compatible with KeySpec SM2",
            )


class TestCheapUntilUsed:
    @pytest.fixture
    def generated(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        calls: list[str] = []
        real = families.generate

        def counting(spec: families.KeySpec) -> Any:
            calls.append(spec.name)
            return real(spec)

        monkeypatch.setattr(families, "generate", counting)
        return calls

    def test_create_key_generates_nothing(
        self, kms_client: KMSClient, generated: list[str]
    ) -> None:
        for spec, usages in ALLOWED.items():
            if spec != "SM2" and spec in MODEL_SPECS:  # an older model has no ML-KEM
                for usage in usages:
                    kms_client.create_key(KeySpec=spec, KeyUsage=usage)
        assert generated == []

    def test_first_use_generates_once(self, kms_client: KMSClient, generated: list[str]) -> None:
        key = kms_client.create_key(KeySpec="RSA_4096", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        kms_client.describe_key(KeyId=key["KeyId"])
        assert generated == []
        sig = kms_client.sign(
            KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256"
        )["Signature"]
        assert generated == ["RSA_4096"]
        kms_client.verify(
            KeyId=key["KeyId"], Message=b"m", Signature=sig, SigningAlgorithm="RSASSA_PSS_SHA_256"
        )
        public = kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]
        assert generated == ["RSA_4096"]
        assert public == kms_client.get_public_key(KeyId=key["KeyId"])["PublicKey"]

    def test_hmac_secret_generated_on_first_mac(
        self, kms_client: KMSClient, generated: list[str]
    ) -> None:
        key = kms_client.create_key(KeySpec="HMAC_512", KeyUsage="GENERATE_VERIFY_MAC")[
            "KeyMetadata"
        ]
        assert generated == []
        first = kms_client.generate_mac(
            KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_512"
        )
        second = kms_client.generate_mac(
            KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_512"
        )
        assert generated == ["HMAC_512"]
        assert first["Mac"] == second["Mac"]

    def test_refused_request_generates_nothing(
        self, kms_client: KMSClient, generated: list[str]
    ) -> None:
        key = kms_client.create_key(KeySpec="RSA_3072", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        kms_client.disable_key(KeyId=key["KeyId"])
        with pytest.raises(ClientError):
            kms_client.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
        kms_client.enable_key(KeyId=key["KeyId"])
        with pytest.raises(ClientError):
            kms_client.sign(
                KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256", DryRun=True
            )
        assert generated == []


@model.requires("KeySpec=ML_KEM_512", "GetPublicKeyResponse.EncapsulationAlgorithms")
def test_ml_kem_512_says_what_is_missing(kms_client: KMSClient) -> None:
    key = kms_client.create_key(KeySpec="ML_KEM_512", KeyUsage="ENCAPSULATE_DECAPSULATE")
    try:
        families.generate(families.SPECS["ML_KEM_512"])
    except Exception as exc:  # the installed cryptography lacks ML-KEM-512
        with pytest.raises(ClientError) as caught:
            kms_client.get_public_key(KeyId=key["KeyMetadata"]["KeyId"])
        code, message = error_of(caught)
        assert code == "NotImplementedByKmsmock"
        assert message == getattr(exc, "message", None)
        assert "ML-KEM-512" in message
    else:
        out = kms_client.get_public_key(KeyId=key["KeyMetadata"]["KeyId"])
        assert out["EncapsulationAlgorithms"] == ["ML_KEM"]
