"""Server-side validation derived from botocore's model, in AWS's words (kms-facts.md §0, §3).

The client's own validation is turned off here, as the checks botocore does not make (maximums,
enums, patterns, blob lengths) are the ones the service answers with these texts.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from kmsmock import KmsMock, errors
from kmsmock.validation import decode_request

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

MODEL = botocore.session.get_session().get_service_model("kms")
KEY_SPECS = (
    "[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
    "ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, "
    "HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87"
)


@pytest.fixture
def key_id(unchecked_kms: KMSClient) -> str:
    return str(unchecked_kms.create_key()["KeyMetadata"]["KeyId"])


def validation_error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    response = exc.value.response
    assert response["Error"]["Code"] == "ValidationException"
    assert "message" not in response  # not a modeled KMS shape
    return str(response["Error"]["Message"])


def one(rule: str) -> str:
    return f"1 validation error detected: {rule}"


def test_empty_plaintext_hides_the_blob(unchecked_kms: KMSClient, key_id: str) -> None:
    assert validation_error(unchecked_kms.encrypt, KeyId=key_id, Plaintext=b"") == one(
        "Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_plaintext_over_4096_bytes(unchecked_kms: KMSClient, key_id: str) -> None:
    assert validation_error(unchecked_kms.encrypt, KeyId=key_id, Plaintext=b"x" * 4097) == one(
        "Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096"
    )


@pytest.mark.parametrize(
    ("count", "rule"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (1025, "Member must have value less than or equal to 1024"),
    ],
)
def test_number_of_bytes_range(unchecked_kms: KMSClient, count: int, rule: str) -> None:
    assert validation_error(unchecked_kms.generate_random, NumberOfBytes=count) == one(
        f"Value '{count}' at 'numberOfBytes' failed to satisfy constraint: {rule}"
    )


def test_key_spec_enum_in_aws_order(unchecked_kms: KMSClient) -> None:
    message = validation_error(unchecked_kms.create_key, KeySpec="HMAC_random")
    prefix = one(
        "Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {KEY_SPECS}"
    )
    assert message.startswith(prefix)
    # Specs botocore knows but the order was not recorded for follow in model order.
    newer = [s for s in MODEL.shape_for("KeySpec").enum if s not in KEY_SPECS]
    assert message == prefix + "".join(f", {s}" for s in newer) + "]"


def test_key_usage_enum(unchecked_kms: KMSClient) -> None:
    usages = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"] + [
        u
        for u in MODEL.shape_for("KeyUsageType").enum
        if u not in ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC")
    ]
    assert validation_error(unchecked_kms.create_key, KeyUsage="RANDOM") == one(
        "Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(usages)}]"
    )
    assert usages[3] == "KEY_AGREEMENT"


@pytest.mark.parametrize(
    ("operation", "given", "bad", "allowed"),
    [
        (
            "generate_mac",
            {"Message": b"m", "MacAlgorithm": "HMAC_SHA_1"},
            "'HMAC_SHA_1' at 'macAlgorithm'",
            "HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512",
        ),
        (
            "list_key_rotations",
            {"IncludeKeyMaterial": "INVALID_VALUE"},
            "'INVALID_VALUE' at 'includeKeyMaterial'",
            "ALL_KEY_MATERIAL, ROTATIONS_ONLY",
        ),
        (
            "derive_shared_secret",
            {"KeyAgreementAlgorithm": "INVALID", "PublicKey": b"k"},
            "'INVALID' at 'keyAgreementAlgorithm'",
            "ECDH",
        ),
        (
            "encrypt",
            {"Plaintext": b"x", "EncryptionAlgorithm": "AES"},
            "'AES' at 'encryptionAlgorithm'",
            "RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE, SYMMETRIC_DEFAULT",
        ),
    ],
    ids=[
        "mac_algorithm",
        "include_key_material",
        "key_agreement_algorithm",
        "encryption_algorithm",
    ],
)
def test_algorithm_enums_in_aws_order(
    unchecked_kms: KMSClient,
    key_id: str,
    operation: str,
    given: dict[str, Any],
    bad: str,
    allowed: str,
) -> None:
    call = getattr(unchecked_kms, operation)
    assert validation_error(call, KeyId=key_id, **given) == one(
        f"Value {bad} failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]"
    )


def test_tag_lengths_use_the_nested_member_path(unchecked_kms: KMSClient) -> None:
    long_key, long_value = "k" * 129, "v" * 257
    assert validation_error(
        unchecked_kms.create_key, Tags=[{"TagKey": long_key, "TagValue": "v"}]
    ) == one(
        f"Value '{long_key}' at 'tags.1.member.tagKey' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )
    assert validation_error(
        unchecked_kms.create_key,
        Tags=[{"TagKey": "a", "TagValue": "b"}, {"TagKey": "c", "TagValue": long_value}],
    ) == one(
        f"Value '{long_value}' at 'tags.2.member.tagValue' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


def test_several_errors_are_counted_and_joined_in_member_order(unchecked_kms: KMSClient) -> None:
    newer = "".join(f", {s}" for s in MODEL.shape_for("KeySpec").enum if s not in KEY_SPECS)
    assert validation_error(
        unchecked_kms.create_key, KeySpec="NOPE", Tags=[{"TagKey": "", "TagValue": "v" * 257}]
    ) == (
        "3 validation errors detected: "
        "Value 'NOPE' at 'keySpec' failed to satisfy constraint: "
        f"Member must satisfy enum value set: {KEY_SPECS}{newer}]; "
        "Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value '" + "v" * 257 + "' at 'tags.1.member.tagValue' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


@pytest.mark.parametrize("sent", [{"Limit": 0, "Marker": ""}, {"Marker": "", "Limit": 0}])
def test_errors_follow_the_models_member_order(
    unchecked_kms: KMSClient, sent: dict[str, Any]
) -> None:
    message = validation_error(unchecked_kms.list_keys, **sent)
    assert message == (
        "2 validation errors detected: "
        "Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value '' at 'marker' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_missing_required_member(unchecked_kms: KMSClient) -> None:
    assert validation_error(unchecked_kms.describe_key) == one(
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null"
    )


def test_missing_required_members_of_a_key_only_operation(unchecked_kms: KMSClient) -> None:
    assert validation_error(unchecked_kms.create_alias) == (
        "2 validation errors detected: "
        "Value null at 'aliasName' failed to satisfy constraint: Member must not be null; "
        "Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null"
    )


def test_empty_key_id(unchecked_kms: KMSClient) -> None:
    assert validation_error(unchecked_kms.describe_key, KeyId="") == one(
        "Value '' at 'keyId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_validation_comes_before_key_lookup(unchecked_kms: KMSClient) -> None:
    assert validation_error(
        unchecked_kms.enable_key_rotation,
        KeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
        RotationPeriodInDays=89,
    ) == one(
        "Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: "
        "Member must have value greater than or equal to 90"
    )
    assert validation_error(
        unchecked_kms.enable_key_rotation,
        KeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
        RotationPeriodInDays=2561,
    ) == one(
        "Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: "
        "Member must have value less than or equal to 2560"
    )


def test_alias_pattern(unchecked_kms: KMSClient, key_id: str) -> None:
    assert validation_error(
        unchecked_kms.create_alias, AliasName="alias/my alias!", TargetKeyId=key_id
    ) == (
        one(
            "Value 'alias/my alias!' at 'aliasName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        )
    )


def test_list_of_values_is_shown_in_brackets(unchecked_kms: KMSClient, key_id: str) -> None:
    tokens = [f"t{i}" for i in range(11)]
    assert validation_error(unchecked_kms.describe_key, KeyId=key_id, GrantTokens=tokens) == one(
        f"Value '[{', '.join(tokens)}]' at 'grantTokens' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
    )


def test_limit_above_the_model_maximum(unchecked_kms: KMSClient) -> None:
    assert validation_error(unchecked_kms.list_keys, Limit=1001) == one(
        "Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000"
    )


# -- decoding (unit level) ------------------------------------------------------------------


def test_decode_turns_base64_into_bytes_and_numbers_into_datetimes() -> None:
    request = decode_request(
        MODEL.operation_model("ImportKeyMaterial"),
        {
            "KeyId": "k",
            "ImportToken": "dG9rZW4=",
            "EncryptedKeyMaterial": "bWF0ZXJpYWw=",
            "ValidTo": 1700000000.5,
            "ExpirationModel": "KEY_MATERIAL_EXPIRES",
        },
    )
    assert request == {
        "KeyId": "k",
        "ImportToken": b"token",
        "EncryptedKeyMaterial": b"material",
        "ValidTo": datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=timezone.utc),
        "ExpirationModel": "KEY_MATERIAL_EXPIRES",
    }


def test_decode_drops_null_members() -> None:
    assert decode_request(MODEL.operation_model("ListKeys"), {"Limit": None}) == {}


def test_decode_rejects_invalid_base64() -> None:
    with pytest.raises(errors.KMSError, match="Invalid base64 value for 'plaintext'") as caught:
        decode_request(MODEL.operation_model("Encrypt"), {"KeyId": "k", "Plaintext": "!!"})
    assert caught.value.code == "SerializationException"


def test_every_operation_input_compiles() -> None:
    for name in MODEL.operation_names:
        op = MODEL.operation_model(name)
        required = op.input_shape.required_members if op.input_shape else []
        if not required:
            assert isinstance(decode_request(op, {}), dict)
        else:
            with pytest.raises(errors.KMSError, match="Member must not be null") as caught:
                decode_request(op, {})
            assert caught.value.code == "ValidationException"


def test_lengths_count_utf16_units_as_aws_does(kms_mock: KmsMock) -> None:
    """AWS's limits count Java String.length(): an emoji is two units, so 4,096 of them in a
    description (max 8,192) fit and 4,097 do not."""

    raw = boto3.client("kms", region_name="us-east-1", config=Config(parameter_validation=False))
    raw.create_key(Description="\U0001f511" * 4096)
    with pytest.raises(ClientError) as exc:
        raw.create_key(Description="\U0001f511" * 4097)
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert exc.value.response["Error"]["Message"].endswith(
        "at 'description' failed to satisfy constraint: Member must have length less than or "
        "equal to 8192"
    )
