"""Seeding: keys declared with fixed ids, aliases, tags, policies, specs, rotation and material,
so committed ciphertexts decrypt in every run; deterministic mode (one seed makes ids, material,
grant ids and request ids reproducible); known ids for CreateKey."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kmsmock import KmsMock, SeedError, is_active, mock_kms
from tests.helpers import new_client, without_retries
from tests.timetravel import frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

SEEDS = Path(__file__).parent / "seeds"
KEYS = SEEDS / "keys.json"
FIXTURES = json.loads((SEEDS / "fixtures.json").read_text())
FIXTURE_KEY = "0b1e7f2a-3c4d-4e5f-8a6b-7c8d9e0f1a2b"
SIGNER = "5d2c3a4b-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
OTHER_ID = "11111111-2222-4333-8444-555555555555"
ROOT = "arn:aws:iam::123456789012:root"


@pytest.mark.parametrize("index", [0, 1])
def test_committed_ciphertexts_decrypt(kms_mock: KmsMock, kms: KMSClient, index: int) -> None:
    """tests/seeds/fixtures.json was made once with the keys tests/seeds/keys.json declares;
    each of its ciphertexts (one per material version) decrypts in every run."""
    kms_mock.seed(KEYS)
    fixture = FIXTURES["ciphertexts"][index]
    out = kms.decrypt(
        CiphertextBlob=base64.b64decode(fixture["blob"]),
        EncryptionContext=fixture["encryption_context"],
    )
    assert (out["KeyId"], out["Plaintext"]) == (
        f"arn:aws:kms:us-east-1:123456789012:key/{FIXTURE_KEY}",
        fixture["plaintext"].encode(),
    )


def test_a_key_derived_from_a_material_seed_is_the_same_in_every_run(kms: KMSClient) -> None:
    with mock_kms(seed_keys=KEYS):
        fixture = FIXTURES["signature"]
        public = kms.get_public_key(KeyId="alias/fixture-signer")["PublicKey"]
        assert base64.b64encode(public).decode() == fixture["public_key"]
        assert kms.verify(
            KeyId=SIGNER,
            Message=fixture["message"].encode(),
            Signature=base64.b64decode(fixture["signature"]),
            SigningAlgorithm="ECDSA_SHA_256",
        )["SignatureValid"]


def test_a_seeded_key_is_what_was_declared(kms_mock: KmsMock, kms: KMSClient) -> None:
    with frozen("time-machine", utc(2024, 7, 1)):
        assert kms_mock.seed(KEYS) == [FIXTURE_KEY, SIGNER]
        md = kms.describe_key(KeyId="alias/fixtures")["KeyMetadata"]
        assert (md["KeyId"], md["CreationDate"], md["Description"]) == (
            FIXTURE_KEY,
            utc(2024, 1, 1),
            "the key the committed ciphertext fixtures were sealed with",
        )
        assert kms.list_resource_tags(KeyId=FIXTURE_KEY)["Tags"] == [
            {"TagKey": "purpose", "TagValue": "fixtures"}
        ]
        status = kms.get_key_rotation_status(KeyId=FIXTURE_KEY)
        assert (status["RotationPeriodInDays"], status["NextRotationDate"]) == (
            180,
            utc(2024, 6, 29) + timedelta(days=180),
        )
        rotations = kms.list_key_rotations(KeyId=FIXTURE_KEY)["Rotations"]
        assert [(r["RotationDate"], r["RotationType"]) for r in rotations] == [
            (utc(2024, 6, 29), "ON_DEMAND")
        ]


def test_keys_from_a_mapping_with_a_policy_and_a_disabled_key() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
        ],
    }
    declared = [
        {"id": OTHER_ID, "policy": policy, "enabled": False, "region": "eu-west-1"},
        {"spec": "HMAC_256", "usage": "GENERATE_VERIFY_MAC", "material_seed": "mac"},
    ]
    with mock_kms(seed_keys={"keys": declared}) as m:
        kms, europe = new_client(), new_client("eu-west-1")
        md = europe.describe_key(KeyId=OTHER_ID)["KeyMetadata"]
        assert md["KeyState"] == "Disabled"
        assert json.loads(europe.get_key_policy(KeyId=OTHER_ID)["Policy"]) == policy
        (mac_key,) = [k["KeyId"] for k in kms.list_keys()["Keys"]]
        mac = kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
        assert m.backend.store(m.account_id, "us-east-1").keys[mac_key].spec.name == "HMAC_256"
    with mock_kms(seed_keys={"keys": declared}):
        kms = new_client()
        (again,) = [k["KeyId"] for k in kms.list_keys()["Keys"]]
        assert again != mac_key  # a new id, the same secret
        assert kms.verify_mac(KeyId=again, Message=b"m", Mac=mac, MacAlgorithm="HMAC_SHA_256")[
            "MacValid"
        ]


def test_keys_from_a_yaml_file(kms_mock: KmsMock, kms: KMSClient, tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "keys.yaml"
    path.write_text(f"keys:\n  - id: {OTHER_ID}\n    aliases: [alias/from-yaml]\n")
    kms_mock.seed(path)
    assert kms.describe_key(KeyId="alias/from-yaml")["KeyMetadata"]["KeyId"] == OTHER_ID


def test_yaml_without_pyyaml_says_what_to_install(
    kms_mock: KmsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    path = tmp_path / "keys.yml"
    path.write_text("keys: []\n")
    with pytest.raises(SeedError, match=r"pip install kmsmock\[yaml\]"):
        kms_mock.seed(path)


BAD = {
    "unknown field": ({"colour": "red"}, "unknown fields ['colour']"),
    "bad id": ({"id": "key-1"}, "key id 'key-1' is neither a lowercase UUID"),
    "mrk id on a single-Region key": ({"id": "mrk-" + "0" * 32}, "starts with mrk-"),
    "taken id": ({"id": FIXTURE_KEY}, f"a key {FIXTURE_KEY} already exists in us-east-1"),
    "taken alias": ({"aliases": ["alias/fixtures"]}, "alias alias/fixtures already exists"),
    "reserved alias": ({"aliases": ["alias/aws/s3"]}, "'alias/aws/s3' is not an alias name"),
    "unknown spec": ({"spec": "RSA_1024"}, "unknown key spec 'RSA_1024'"),
    "wrong usage": ({"spec": "HMAC_256", "usage": "SIGN_VERIFY"}, "HMAC_256 keys take usage"),
    "short material": ({"material": [{"hex": "00" * 16}]}, "material is 32 bytes, got 16"),
    "not base64": ({"material": ["??"]}, "not base64"),
    "wrong private key": (
        {"spec": "ECC_NIST_P384", "usage": "SIGN_VERIFY", "private_key": "AAAA"},
        "private_key is not a ECC_NIST_P384 private key",
    ),
    "rotation out of range": ({"rotation_period_days": 30}, "from 90 to 2560"),
    "bad time": ({"created": "soon"}, "not an ISO 8601 time"),
    "reserved tag": ({"tags": {"aws:x": "y"}}, "CreateKey would refuse it: TagException"),
    "policy not JSON": ({"policy": "{"}, "MalformedPolicyDocumentException"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_declaration_kmsmock_cannot_honour_creates_nothing(
    kms_mock: KmsMock, kms: KMSClient, case: str
) -> None:
    kms_mock.seed(KEYS)
    declaration, message = BAD[case]
    with pytest.raises(SeedError, match=message.replace("[", r"\[").replace("]", r"\]")):
        kms_mock.seed({"keys": [{"id": OTHER_ID}, declaration]})
    assert len(kms.list_keys()["Keys"]) == 2  # not even the valid first declaration


def test_not_a_list_of_declarations(kms_mock: KmsMock, tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="expected"):
        kms_mock.seed({"Keys": []})
    path = tmp_path / "keys.json"
    path.write_text("{ nope")
    with pytest.raises(SeedError, match="not JSON"):
        kms_mock.seed(path)


def test_a_failed_seed_at_start_leaves_no_activation() -> None:
    handle = mock_kms(seed_keys={"keys": [{"id": "nope"}]})
    with pytest.raises(SeedError):
        handle.start()
    assert not handle.active
    assert not is_active()


# -- deterministic mode -----------------------------------------------------------------


def _run(seed: int | None) -> list[Any]:
    """Everything a test could see that depends on randomness."""
    with mock_kms(seed=seed):
        kms = new_client()
        key = kms.create_key()
        out: list[Any] = [key["KeyMetadata"]["KeyId"], key["ResponseMetadata"]["RequestId"]]
        kid = key["KeyMetadata"]["KeyId"]
        out.append(kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"])
        kms.rotate_key_on_demand(KeyId=kid)
        out.append(kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"])
        grant = kms.create_grant(KeyId=kid, GranteePrincipal=ROOT, Operations=["Decrypt"])
        out.append(grant["GrantId"])
        out.append(kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"])
        for spec, usage in [
            ("ECC_NIST_P256", "SIGN_VERIFY"),
            ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"),
            ("ML_DSA_44", "SIGN_VERIFY"),
            ("RSA_2048", "ENCRYPT_DECRYPT"),
        ]:
            asym = kms.create_key(KeySpec=spec, KeyUsage=usage)  # type: ignore[arg-type]
            out.append(kms.get_public_key(KeyId=asym["KeyMetadata"]["KeyId"])["PublicKey"])
        return out


def test_one_seed_reproduces_ids_material_grants_and_request_ids() -> None:
    first, second = _run(42), _run(42)
    assert first == second
    assert _run(43)[0] != first[0]
    assert _run(None)[0] != first[0]


def test_every_activation_form_takes_the_seed() -> None:
    @mock_kms(seed=5)
    def first_key() -> str:
        return str(new_client().create_key()["KeyMetadata"]["KeyId"])

    handle = mock_kms(seed=5).start()
    try:
        started = new_client().create_key()["KeyMetadata"]["KeyId"]
    finally:
        handle.stop()
    assert first_key() == first_key() == started


def test_private_keys_do_not_depend_on_the_order_of_first_use() -> None:
    def public_keys(order: list[int]) -> dict[str, bytes]:
        with mock_kms(seed=1):
            kms = new_client()
            ids = [
                kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
                    "KeyId"
                ]
                for _ in range(2)
            ]
            return {ids[i]: kms.get_public_key(KeyId=ids[i])["PublicKey"] for i in order}

    assert public_keys([0, 1]) == public_keys([1, 0])


def test_a_nested_activation_cannot_name_another_seed() -> None:
    with mock_kms(seed=1), pytest.raises(RuntimeError, match="seed=2"):
        mock_kms(seed=2).start()


# -- known ids for CreateKey -------------------------------------------------------------


def test_create_key_takes_the_expected_ids(kms_mock: KmsMock, kms: KMSClient) -> None:
    mrk = "mrk-" + "ab" * 16
    kms_mock.expect_key_ids(OTHER_ID, mrk)
    assert kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"] == mrk
    assert kms.create_key()["KeyMetadata"]["KeyId"] == OTHER_ID
    assert kms.create_key()["KeyMetadata"]["KeyId"] not in (OTHER_ID, mrk)  # random again


def test_an_expected_id_must_be_a_key_id(kms_mock: KmsMock) -> None:
    with pytest.raises(SeedError, match="'alias/x'"):
        kms_mock.expect_key_ids("alias/x")


def test_an_expected_id_that_is_taken_fails_the_create_key(kms_mock: KmsMock) -> None:
    kms_mock.seed({"keys": [{"id": OTHER_ID}]})
    kms_mock.expect_key_ids(OTHER_ID)
    kms = without_retries()
    with pytest.raises(kms.exceptions.KMSInternalException, match="is taken"):
        kms.create_key()
    assert kms.create_key()["KeyMetadata"]["KeyId"] != OTHER_ID
