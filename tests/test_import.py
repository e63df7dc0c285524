"""Imported key material: wrapping, import, expiry on the clock, deletion, reimport, and the
2025 flow of new material staged for on-demand rotation. The material is made and wrapped
outside the mock with ``cryptography``, and what the key then does is checked outside too."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

from tests.helpers import error_of, refusal
from tests.timetravel import frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

DAY = timedelta(days=1)


def wrap(params: dict[str, Any], material: bytes, algorithm: str) -> bytes:
    public = serialization.load_der_public_key(params["PublicKey"])
    h = hashes.SHA256() if algorithm.endswith("256") else hashes.SHA1()
    oaep = padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep)  # type: ignore[union-attr]
    aes = os.urandom(32)
    return public.encrypt(aes, oaep) + aes_key_wrap_with_padding(aes, material)  # type: ignore[union-attr]


def import_material(
    kms: KMSClient,
    key_id: str,
    material: bytes,
    algorithm: str = "RSAES_OAEP_SHA_256",
    **kwargs: Any,
) -> dict[str, Any]:
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_2048"
    )
    kwargs.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    return dict(
        kms.import_key_material(
            KeyId=key_id,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params, material, algorithm),
            **kwargs,
        )
    )


def metadata(kms: KMSClient, key_id: str) -> dict[str, Any]:
    return dict(kms.describe_key(KeyId=key_id)["KeyMetadata"])


@pytest.fixture
def external(kms_client: KMSClient) -> dict[str, Any]:
    return dict(kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"])


def test_a_new_external_key_waits_for_material(kms_client: KMSClient, external: Any) -> None:
    assert external["KeyState"] == "PendingImport"
    assert external["Enabled"] is False
    assert external["Origin"] == "EXTERNAL"
    assert "CurrentKeyMaterialId" not in external
    assert "ExpirationModel" not in external
    assert refusal(kms_client.encrypt, KeyId=external["KeyId"], Plaintext=b"p") == (
        "KMSInvalidStateException",
        f"{external['Arn']} is pending import.",
    )


def test_parameters(kms_client: KMSClient, external: Any) -> None:
    with frozen("time-machine", utc(2026, 1, 1)):
        params = kms_client.get_parameters_for_import(
            KeyId=external["KeyId"],
            WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
            WrappingKeySpec="RSA_3072",
        )
    assert params["KeyId"] == external["Arn"]
    assert params["ParametersValidTo"] == utc(2026, 1, 2)
    public = serialization.load_der_public_key(params["PublicKey"])
    assert public.key_size == 3072  # type: ignore[union-attr]
    again = kms_client.get_parameters_for_import(
        KeyId=external["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_1", WrappingKeySpec="RSA_2048"
    )
    assert again["ImportToken"] != params["ImportToken"]


def test_only_for_external_keys(kms_client: KMSClient) -> None:
    md = kms_client.create_key()["KeyMetadata"]
    assert refusal(
        kms_client.get_parameters_for_import,
        KeyId=md["KeyId"],
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    ) == (
        "UnsupportedOperationException",
        f"{md['Arn']} origin is AWS_KMS which is not valid for this operation.",
    )


@pytest.mark.parametrize(
    "algorithm",
    [
        "RSAES_OAEP_SHA_1",
        "RSAES_OAEP_SHA_256",
        "RSA_AES_KEY_WRAP_SHA_1",
        "RSA_AES_KEY_WRAP_SHA_256",
    ],
)
def test_import_then_use(kms_client: KMSClient, external: Any, algorithm: str) -> None:
    material = os.urandom(32)
    out = import_material(kms_client, external["KeyId"], material, algorithm)
    assert out["KeyId"] == external["Arn"]
    assert re.fullmatch(r"[0-9a-f]{64}", out["KeyMaterialId"])
    md = metadata(kms_client, external["KeyId"])
    assert (md["KeyState"], md["Enabled"]) == ("Enabled", True)
    assert md["CurrentKeyMaterialId"] == out["KeyMaterialId"]
    assert md["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert "ValidTo" not in md
    blob = kms_client.encrypt(KeyId=external["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    back = kms_client.decrypt(CiphertextBlob=blob)
    assert (back["Plaintext"], back["KeyMaterialId"]) == (b"p", out["KeyMaterialId"])


def test_material_id_depends_on_key_and_material(kms_client: KMSClient, external: Any) -> None:
    material = os.urandom(32)
    first = import_material(kms_client, external["KeyId"], material)["KeyMaterialId"]
    again = import_material(kms_client, external["KeyId"], material)["KeyMaterialId"]
    assert again == first
    other = kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    assert import_material(kms_client, other, material)["KeyMaterialId"] != first


def test_expiry_on_the_clock_and_reimport(kms_client: KMSClient) -> None:
    with frozen("freezegun", utc(2026, 3, 1)) as clock:
        md = kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"]
        material = os.urandom(32)
        out = import_material(
            kms_client,
            md["KeyId"],
            material,
            ExpirationModel="KEY_MATERIAL_EXPIRES",
            ValidTo=utc(2026, 3, 11),
        )
        described = metadata(kms_client, md["KeyId"])
        assert described["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
        assert described["ValidTo"] == utc(2026, 3, 11)
        blob = kms_client.encrypt(KeyId=md["KeyId"], Plaintext=b"p")["CiphertextBlob"]
        clock.move_to(utc(2026, 3, 11))
        expired = metadata(kms_client, md["KeyId"])
        assert expired["KeyState"] == "PendingImport"
        assert expired["CurrentKeyMaterialId"] == out["KeyMaterialId"]  # the id stays
        assert "ExpirationModel" not in expired
        assert refusal(kms_client.decrypt, CiphertextBlob=blob) == (
            "KMSInvalidStateException",
            f"{md['Arn']} is pending import.",
        )
        import_material(kms_client, md["KeyId"], material)  # the same material again
        assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_valid_to_rules(kms_client: KMSClient, external: Any) -> None:
    params = kms_client.get_parameters_for_import(
        KeyId=external["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    wrapped = wrap(params, os.urandom(32), "RSAES_OAEP_SHA_256")
    assert refusal(
        kms_client.import_key_material,
        KeyId=external["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapped,
    ) == (
        "ValidationException",
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    )
    # the same token is still good for a corrected call
    kms_client.import_key_material(
        KeyId=external["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapped,
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )


def test_token_errors(kms_client: KMSClient, external: Any) -> None:
    with frozen("time-machine", utc(2026, 6, 1)) as clock:
        params = kms_client.get_parameters_for_import(
            KeyId=external["KeyId"],
            WrappingAlgorithm="RSAES_OAEP_SHA_256",
            WrappingKeySpec="RSA_2048",
        )
        wrapped = wrap(params, os.urandom(32), "RSAES_OAEP_SHA_256")
        other = kms_client.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        assert (
            refusal(
                kms_client.import_key_material,
                KeyId=other,
                ImportToken=params["ImportToken"],
                EncryptedKeyMaterial=wrapped,
                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
            )[0]
            == "InvalidImportTokenException"
        )
        assert refusal(
            kms_client.import_key_material,
            KeyId=external["KeyId"],
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=b"\x00" * 256,
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        ) == ("InvalidCiphertextException", "")
        clock.advance(timedelta(hours=24))
        assert (
            refusal(
                kms_client.import_key_material,
                KeyId=external["KeyId"],
                ImportToken=params["ImportToken"],
                EncryptedKeyMaterial=wrapped,
                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
            )[0]
            == "ExpiredImportTokenException"
        )


def test_different_material_is_refused_as_existing(kms_client: KMSClient, external: Any) -> None:
    import_material(kms_client, external["KeyId"], os.urandom(32))
    assert (
        refusal(import_material, kms_client, external["KeyId"], os.urandom(32))[0]
        == "IncorrectKeyMaterialException"
    )


def test_delete_and_reimport(kms_client: KMSClient, external: Any) -> None:
    material = os.urandom(32)
    material_id = import_material(kms_client, external["KeyId"], material)["KeyMaterialId"]
    blob = kms_client.encrypt(KeyId=external["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    out = kms_client.delete_imported_key_material(KeyId=external["KeyId"])
    assert (out["KeyId"], out["KeyMaterialId"]) == (external["Arn"], material_id)
    md = metadata(kms_client, external["KeyId"])
    assert (md["KeyState"], md["CurrentKeyMaterialId"]) == ("PendingImport", material_id)
    assert "ExpirationModel" not in md
    import_material(kms_client, external["KeyId"], material)
    assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_new_material_waits_for_on_demand_rotation(kms_client: KMSClient, external: Any) -> None:
    key_id, arn = external["KeyId"], external["Arn"]
    m1 = import_material(kms_client, key_id, os.urandom(32))["KeyMaterialId"]
    old = kms_client.encrypt(KeyId=key_id, Plaintext=b"old")["CiphertextBlob"]
    assert refusal(kms_client.rotate_key_on_demand, KeyId=key_id) == (
        "KMSInvalidStateException",
        f"No available key material pending rotation for the key: {arn}.",
    )
    m2 = import_material(
        kms_client,
        key_id,
        os.urandom(32),
        ImportType="NEW_KEY_MATERIAL",
        KeyMaterialDescription="second",
    )["KeyMaterialId"]
    assert metadata(kms_client, key_id)["CurrentKeyMaterialId"] == m1
    entries = kms_client.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    states = [
        (e["KeyMaterialId"], e["KeyMaterialState"], e["ImportState"]) for e in entries["Rotations"]
    ]
    assert states == [(m1, "CURRENT", "IMPORTED"), (m2, "PENDING_ROTATION", "IMPORTED")]
    assert entries["Rotations"][1]["KeyMaterialDescription"] == "second"
    third = os.urandom(32)
    with pytest.raises(ClientError) as exc:
        import_material(kms_client, key_id, third, ImportType="NEW_KEY_MATERIAL")
    third_id = hashlib.sha256(key_id.encode() + third).hexdigest()
    assert error_of(exc) == (
        "KMSInvalidStateException",
        f"New key material (id: {third_id}) cannot be imported into KMS key {arn}, because "
        f"another key material (id: {m2}) is pending rotation.",
    )
    assert kms_client.rotate_key_on_demand(KeyId=key_id)["KeyId"] == arn
    assert metadata(kms_client, key_id)["CurrentKeyMaterialId"] == m2
    new = kms_client.encrypt(KeyId=key_id, Plaintext=b"new")["CiphertextBlob"]
    assert kms_client.decrypt(CiphertextBlob=new)["KeyMaterialId"] == m2
    assert kms_client.decrypt(CiphertextBlob=old)["KeyMaterialId"] == m1
    rotations = kms_client.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [(r["KeyMaterialId"], r["RotationType"]) for r in rotations] == [(m2, "ON_DEMAND")]


def test_imported_signing_key_signs_with_the_imported_private_key(kms_client: KMSClient) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    md = kms_client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")
    key_id = md["KeyMetadata"]["KeyId"]
    out = import_material(kms_client, key_id, der, "RSA_AES_KEY_WRAP_SHA_256")
    assert "KeyMaterialId" not in out  # only symmetric keys report material ids
    sig = kms_client.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    private.public_key().verify(sig["Signature"], b"m", ec.ECDSA(hashes.SHA256()))
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert (
        refusal(import_material, kms_client, key_id, other, "RSA_AES_KEY_WRAP_SHA_256")[0]
        == "IncorrectKeyMaterialException"
    )


def test_imported_hmac_key_computes_the_expected_mac(kms_client: KMSClient) -> None:
    secret = os.urandom(32)
    md = kms_client.create_key(
        KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL"
    )["KeyMetadata"]
    import_material(kms_client, md["KeyId"], secret)
    out = kms_client.generate_mac(KeyId=md["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    assert out["Mac"] == hmac.new(secret, b"m", hashlib.sha256).digest()


def test_wrong_kind_of_material(kms_client: KMSClient, external: Any) -> None:
    assert (
        refusal(import_material, kms_client, external["KeyId"], os.urandom(16))[0]
        == "IncorrectKeyMaterialException"
    )
    rsa_key = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")
    assert refusal(
        import_material,
        kms_client,
        rsa_key["KeyMetadata"]["KeyId"],
        os.urandom(32),
        ImportType="NEW_KEY_MATERIAL",
    ) == (
        "ValidationException",
        "Input parameter importType can only be used with symmetric keys.",
    )


def _pkcs8(private: Any) -> bytes:
    return bytes(
        private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _ml_dsa(size: int) -> Any:
    from cryptography.hazmat.primitives.asymmetric import mldsa

    return getattr(mldsa, f"MLDSA{size}PrivateKey").generate()


@pytest.mark.parametrize(
    ("spec", "other"),
    [
        ("RSA_2048", lambda: rsa.generate_private_key(65537, 3072)),
        ("ECC_NIST_P256", lambda: ec.generate_private_key(ec.SECP384R1())),
        ("ECC_SECG_P256K1", lambda: ec.generate_private_key(ec.SECP256R1())),
        ("ECC_NIST_EDWARDS25519", lambda: ec.generate_private_key(ec.SECP256R1())),
        ("ECC_NIST_P256", ed25519.Ed25519PrivateKey.generate),
        # A loadable private key of another algorithm or parameter set is not ML-DSA's.
        ("ML_DSA_44", lambda: rsa.generate_private_key(65537, 2048)),
        ("ML_DSA_65", lambda: _ml_dsa(44)),
    ],
)
def test_private_key_of_another_spec_is_refused(kms_client: Any, spec: str, other: Any) -> None:
    md = kms_client.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")
    key_id = md["KeyMetadata"]["KeyId"]
    for material in (_pkcs8(other()), os.urandom(48)):
        with pytest.raises(ClientError) as exc:
            import_material(kms_client, key_id, material, "RSA_AES_KEY_WRAP_SHA_256")
        assert error_of(exc) == (
            "IncorrectKeyMaterialException",
            f"The key material is not a valid {spec} private key.",
        )
    assert metadata(kms_client, key_id)["KeyState"] == "PendingImport"


@pytest.mark.parametrize(("spec", "low", "high"), [("HMAC_224", 28, 64), ("HMAC_512", 64, 128)])
def test_hmac_material_between_hash_and_block_size(
    kms_client: Any, spec: str, low: int, high: int
) -> None:
    md = kms_client.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")
    key_id = md["KeyMetadata"]["KeyId"]
    for length in (low - 1, high + 1):
        with pytest.raises(ClientError) as exc:
            import_material(kms_client, key_id, os.urandom(length), "RSA_AES_KEY_WRAP_SHA_256")
        assert error_of(exc) == (
            "IncorrectKeyMaterialException",
            f"HMAC key material for {spec} must be {low} to {high} bytes long.",
        )
    import_material(kms_client, key_id, os.urandom(high), "RSA_AES_KEY_WRAP_SHA_256")
    assert metadata(kms_client, key_id)["KeyState"] == "Enabled"


def test_deprecated_wrapping_algorithm(kms_client: KMSClient, external: Any) -> None:
    assert (
        refusal(
            kms_client.get_parameters_for_import,
            KeyId=external["KeyId"],
            WrappingAlgorithm="RSAES_PKCS1_V1_5",
            WrappingKeySpec="RSA_2048",
        )[0]
        == "ValidationException"
    )


def test_pending_deletion(kms_client: KMSClient, external: Any) -> None:
    kms_client.schedule_key_deletion(KeyId=external["KeyId"])
    assert refusal(
        kms_client.get_parameters_for_import,
        KeyId=external["KeyId"],
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    ) == ("KMSInvalidStateException", f"{external['Arn']} is pending deletion.")
