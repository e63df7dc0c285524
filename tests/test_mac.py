"""GenerateMac and VerifyMac for every HMAC spec and algorithm. Each MAC is recomputed outside
the mock with ``cryptography``'s HMAC from the key's secret (read from the backend, as the owner
of imported HMAC material would know it); every refusal has AWS's exact code and message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, hmac

from kmsmock import KmsMock
from tests.helpers import STATE_CHANGES, error_of, out_of_service, refusal, wrong_usage

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

SPECS = {
    "HMAC_224": ("HMAC_SHA_224", hashes.SHA224, 28),
    "HMAC_256": ("HMAC_SHA_256", hashes.SHA256, 32),
    "HMAC_384": ("HMAC_SHA_384", hashes.SHA384, 48),
    "HMAC_512": ("HMAC_SHA_512", hashes.SHA512, 64),
}


def create(client: KMSClient, spec: str) -> dict[str, Any]:
    return dict(client.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"])


@pytest.mark.parametrize("spec", list(SPECS))
def test_mac_is_rfc2104_hmac_of_the_key_secret(
    kms_client: KMSClient, kms_mock: KmsMock, spec: str
) -> None:
    algorithm, hash_cls, length = SPECS[spec]
    key = create(kms_client, spec)
    assert key["MacAlgorithms"] == [algorithm]
    out = kms_client.generate_mac(KeyId=key["KeyId"], Message=b"message", MacAlgorithm=algorithm)
    assert set(out) - {"ResponseMetadata"} == {"Mac", "MacAlgorithm", "KeyId"}
    assert out["KeyId"] == key["Arn"]
    assert out["MacAlgorithm"] == algorithm
    assert len(out["Mac"]) == length
    # Outside check: the key's secret (read from the backend, as an imported key's would be
    # known to its owner) gives the same HMAC with cryptography's implementation.
    secret = secret_of(kms_mock, key["KeyId"])
    assert len(secret) == length
    h = hmac.HMAC(secret, hash_cls())
    h.update(b"message")
    assert out["Mac"] == h.finalize()
    verified = kms_client.verify_mac(
        KeyId=key["KeyId"], Message=b"message", MacAlgorithm=algorithm, Mac=out["Mac"]
    )
    assert set(verified) - {"ResponseMetadata"} == {"KeyId", "MacValid", "MacAlgorithm"}
    assert verified["MacValid"] is True
    assert verified["KeyId"] == key["Arn"]


def secret_of(kms_mock: KmsMock, key_id: str) -> bytes:
    backend = kms_mock.backend
    for store in backend.stores():
        key = store.keys.get(key_id)
        if key is not None:
            return bytes(key.private)
    raise AssertionError(key_id)


def test_macs_are_deterministic_and_key_bound(kms_client: KMSClient) -> None:
    one, two = create(kms_client, "HMAC_256"), create(kms_client, "HMAC_256")
    a = kms_client.generate_mac(KeyId=one["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    b = kms_client.generate_mac(KeyId=one["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    c = kms_client.generate_mac(KeyId=two["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    assert a["Mac"] == b["Mac"] != c["Mac"]


@pytest.mark.parametrize(
    ("message", "mac"), [(b"other message", None), (b"message", b"\x00" * 32), (b"message", b"x")]
)
def test_wrong_mac_is_refused_without_a_message(
    kms_client: KMSClient, message: bytes, mac: bytes | None
) -> None:
    key = create(kms_client, "HMAC_256")
    good = kms_client.generate_mac(
        KeyId=key["KeyId"], Message=b"message", MacAlgorithm="HMAC_SHA_256"
    )
    with pytest.raises(ClientError) as exc:
        kms_client.verify_mac(
            KeyId=key["KeyId"], Message=message, MacAlgorithm="HMAC_SHA_256", Mac=mac or good["Mac"]
        )
    assert error_of(exc) == ("KMSInvalidMacException", "")
    assert "message" not in exc.value.response


def test_mac_of_another_key_is_refused(kms_client: KMSClient) -> None:
    one, two = create(kms_client, "HMAC_384"), create(kms_client, "HMAC_384")
    mac = kms_client.generate_mac(KeyId=one["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_384")
    assert refusal(
        kms_client.verify_mac,
        KeyId=two["KeyId"],
        Message=b"m",
        MacAlgorithm="HMAC_SHA_384",
        Mac=mac["Mac"],
    ) == ("KMSInvalidMacException", "")


@pytest.mark.parametrize("operation", ["GenerateMac", "VerifyMac"])
@pytest.mark.parametrize(
    ("spec", "algorithm"),
    [("HMAC_224", "HMAC_SHA_256"), ("HMAC_256", "HMAC_SHA_512"), ("HMAC_512", "HMAC_SHA_384")],
)
def test_algorithm_incompatible_with_key_spec(
    kms_client: KMSClient, operation: str, spec: str, algorithm: str
) -> None:
    key = create(kms_client, spec)
    assert refusal(call, kms_client, operation, key["Arn"], algorithm) == (
        "InvalidKeyUsageException",
        f"Algorithm {algorithm} is incompatible with key spec {spec}.",
    )


@pytest.mark.parametrize("operation", ["GenerateMac", "VerifyMac"])
@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
        ("RSA_2048", "SIGN_VERIFY"),
        ("ECC_NIST_P256", "KEY_AGREEMENT"),
    ],
)
def test_key_usage(kms_client: KMSClient, operation: str, spec: str, usage: str) -> None:
    key = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    assert refusal(call, kms_client, operation, key["Arn"], "HMAC_SHA_256") == wrong_usage(
        key["Arn"], usage, operation
    )


@pytest.mark.parametrize("operation", ["GenerateMac", "VerifyMac"])
@pytest.mark.parametrize("change", STATE_CHANGES)
def test_key_state_before_algorithm(kms_client: KMSClient, operation: str, change: str) -> None:
    key = create(kms_client, "HMAC_256")
    refused = out_of_service(kms_client, key, change)
    assert refusal(call, kms_client, operation, key["Arn"], "HMAC_SHA_512") == refused


def test_pending_import(kms_client: KMSClient) -> None:
    key = kms_client.create_key(
        KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL"
    )["KeyMetadata"]
    assert refusal(call, kms_client, "GenerateMac", key["Arn"], "HMAC_SHA_256") == (
        "KMSInvalidStateException",
        f"{key['Arn']} is pending import.",
    )


@pytest.mark.parametrize("operation", ["GenerateMac", "VerifyMac"])
def test_dry_run(kms_client: KMSClient, operation: str) -> None:
    key = create(kms_client, "HMAC_256")
    assert refusal(call, kms_client, operation, key["Arn"], "HMAC_SHA_256", DryRun=True) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def test_invalid_key_id(kms_client: KMSClient) -> None:
    assert refusal(call, kms_client, "GenerateMac", "key_id", "HMAC_SHA_256") == (
        "NotFoundException",
        "Invalid keyId 'key_id'",
    )


def call(client: KMSClient, operation: str, key_id: str, algorithm: str, **extra: Any) -> Any:
    if operation == "GenerateMac":
        return client.generate_mac(KeyId=key_id, Message=b"m", MacAlgorithm=algorithm, **extra)
    return client.verify_mac(
        KeyId=key_id, Message=b"m", MacAlgorithm=algorithm, Mac=b"\x00" * 32, **extra
    )
