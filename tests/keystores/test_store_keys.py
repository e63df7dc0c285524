"""KMS keys in custom key stores: creation, availability, no rotation, GenerateRandom."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from kmsmock.backend.keystore import Cluster, CustomKeyStores, Proxy
from tests.helpers import error_of, refusal
from tests.keystores.cloudhsm import CLUSTER, HSM_DELAY, hsm_key, hsm_store
from tests.keystores.stores import START, connected, key_state
from tests.keystores.xks import ENDPOINT, xks_store
from tests.timetravel import Clock

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

# -- KMS keys in custom key stores ----------------------------------------------------------------


class TestKeysInStores:
    def test_cloudhsm_key(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        assert re.fullmatch(r"[0-9a-f-]{36}", md["KeyId"])
        assert md == {
            "AWSAccountId": "123456789012",
            "KeyId": md["KeyId"],
            "Arn": f"arn:aws:kms:us-east-1:123456789012:key/{md['KeyId']}",
            "CreationDate": START + HSM_DELAY,
            "Enabled": True,
            "Description": "",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Enabled",
            "Origin": "AWS_CLOUDHSM",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
            "CustomKeyStoreId": store_id,
            "CloudHsmClusterId": CLUSTER,
        }  # no CurrentKeyMaterialId: only AWS_KMS and EXTERNAL keys name their material
        assert kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"] == md

    def test_external_key_store_key(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        md = kms.create_key(
            Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="bb8562717f809024"
        )["KeyMetadata"]
        assert (md["Origin"], md["CustomKeyStoreId"], md["XksKeyConfiguration"]) == (
            "EXTERNAL_KEY_STORE",
            store_id,
            {"Id": "bb8562717f809024"},
        )
        assert "CloudHsmClusterId" not in md
        assert "CurrentKeyMaterialId" not in md

    def test_keys_encrypt_and_decrypt(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext={"a": "b"})
        out = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "b"})
        assert (out["Plaintext"], out["KeyId"]) == (b"secret", blob["KeyId"])

    def test_the_store_must_be_connected(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        assert refusal(hsm_key, kms, store_id) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} is not connected. Its connection state is DISCONNECTED.",
        )
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert refusal(hsm_key, kms, store_id)[1].endswith("Its connection state is CONNECTING.")
        clock.advance(HSM_DELAY)
        assert hsm_key(kms, store_id)["KeyState"] == "Enabled"

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (
                {"Origin": "AWS_CLOUDHSM"},
                "ValidationException",
                "CustomKeyStoreId must be specified when Origin is AWS_CLOUDHSM.",
            ),
            (
                {"CustomKeyStoreId": "{hsm}"},
                "ValidationException",
                "Origin AWS_KMS is not valid with CustomKeyStoreId. Use AWS_CLOUDHSM for a "
                "CloudHSM key store or EXTERNAL_KEY_STORE for an external key store.",
            ),
            (
                {"XksKeyId": "abc"},
                "ValidationException",
                "XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.",
            ),
            (
                {"Origin": "EXTERNAL_KEY_STORE", "CustomKeyStoreId": "{xks}"},
                "ValidationException",
                "XksKeyId must be specified when Origin is EXTERNAL_KEY_STORE.",
            ),
            (
                {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "cks-1234567890abcdef0"},
                "CustomKeyStoreNotFoundException",
                "Custom key store cks-1234567890abcdef0 does not exist.",
            ),
            (
                {"Origin": "EXTERNAL_KEY_STORE", "CustomKeyStoreId": "{hsm}", "XksKeyId": "k1"},
                "UnsupportedOperationException",
                "Custom key store {hsm} is of type AWS_CLOUDHSM. Its KMS keys must have Origin "
                "AWS_CLOUDHSM.",
            ),
            (
                {
                    "Origin": "AWS_CLOUDHSM",
                    "CustomKeyStoreId": "{hsm}",
                    "KeySpec": "HMAC_256",
                    "KeyUsage": "GENERATE_VERIFY_MAC",
                },
                "UnsupportedOperationException",
                "KeySpec HMAC_256 is not supported in a custom key store. KMS keys in a custom "
                "key store must be symmetric encryption keys (SYMMETRIC_DEFAULT).",
            ),
            (
                {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "{hsm}", "MultiRegion": True},
                "UnsupportedOperationException",
                "Multi-Region keys cannot be created in a custom key store.",
            ),
        ],
    )
    def test_create_key_refusals(
        self, kms: KMSClient, clock: Clock, args: dict[str, Any], code: str, message: str
    ) -> None:
        ids = {"hsm": connected(kms, clock, hsm_store(kms)), "xks": xks_store(kms)}
        args = {k: v.format(**ids) if isinstance(v, str) else v for k, v in args.items()}
        assert refusal(kms.create_key, **args) == (code, message.format(**ids))
        assert kms.list_keys()["Keys"] == []

    def test_external_keys(self, kms: KMSClient, clock: Clock, world: CustomKeyStores) -> None:
        world.proxies[ENDPOINT] = Proxy(external_keys={"good": True, "other": True, "des": False})
        store_id = connected(kms, clock, xks_store(kms))

        def create(xks_key_id: str) -> Any:
            return kms.create_key(
                Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id
            )

        assert refusal(create, "missing") == (
            "XksKeyNotFoundException",
            "The external key store proxy cannot find the external key missing.",
        )
        assert refusal(create, "des") == (
            "XksKeyInvalidConfigurationException",
            "The external key des is not an enabled AES-256 symmetric key that encrypts and "
            "decrypts.",
        )
        first = create("good")["KeyMetadata"]
        assert refusal(create, "good") == (
            "XksKeyAlreadyInUseException",
            f"The external key good is already associated with KMS key {first['Arn']} in "
            f"custom key store {store_id}.",
        )
        assert create("other")["KeyMetadata"]["XksKeyConfiguration"] == {"Id": "other"}
        # once its KMS key is deleted, the external key is free again
        kms.schedule_key_deletion(KeyId=first["KeyId"], PendingWindowInDays=7)
        clock.advance(timedelta(days=7))
        assert create("good")["KeyMetadata"]["XksKeyConfiguration"] == {"Id": "good"}

    def test_cloudhsm_key_needs_two_hsms(
        self, kms: KMSClient, clock: Clock, world: CustomKeyStores
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        world.clusters[CLUSTER] = Cluster(hsms=1)
        assert refusal(hsm_key, kms, store_id)[0] == "CloudHsmClusterInvalidConfigurationException"


class TestUnavailable:
    def test_keys_of_a_disconnected_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        key_id, arn = md["KeyId"], md["Arn"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"kept")["CiphertextBlob"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        shown = kms.describe_key(KeyId=key_id)["KeyMetadata"]  # DescribeKey still works
        assert (shown["KeyState"], shown["Enabled"]) == ("Unavailable", False)
        calls = [
            lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"),
            lambda: kms.decrypt(CiphertextBlob=blob),
            lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"),
            lambda: kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16),
            lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key_id),
        ]
        for call in calls:
            assert refusal(call) == ("KMSInvalidStateException", f"{arn} is unavailable.")
        # connecting is not enough: only a CONNECTED store's keys are available
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "Unavailable"
        clock.advance(HSM_DELAY)
        assert key_state(kms, key_id) == "Enabled"
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"

    def test_enable_and_disable_take_effect_when_available(
        self, kms: KMSClient, clock: Clock
    ) -> None:
        # key-state footnote 12: the operation succeeds, the state changes once available
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms.disable_key(KeyId=key_id)
        assert key_state(kms, key_id) == "Unavailable"
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Disabled"
        assert refusal(kms.encrypt, KeyId=key_id, Plaintext=b"x")[0] == "DisabledException"
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms.enable_key(KeyId=key_id)
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Enabled"

    def test_pending_deletion_shows_through(self, kms: KMSClient, clock: Clock) -> None:
        # key-state footnote 13: a key pending deletion stays PendingDeletion when unavailable
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "PendingDeletion"
        kms.cancel_key_deletion(KeyId=key_id)  # back to Disabled, which is not shown yet
        assert key_state(kms, key_id) == "Unavailable"
        connected(kms, clock, store_id)
        assert key_state(kms, key_id) == "Disabled"

    def test_external_key_store_keys_too(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        key_id = kms.create_key(
            Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="k1"
        )["KeyMetadata"]["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert key_state(kms, key_id) == "Unavailable"


class TestNoRotation:
    @pytest.mark.parametrize("kind", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
    def test_rotation_operations_refuse(self, kms: KMSClient, clock: Clock, kind: str) -> None:
        if kind == "AWS_CLOUDHSM":
            md = hsm_key(kms, connected(kms, clock, hsm_store(kms)))
        else:
            store_id = connected(kms, clock, xks_store(kms))
            md = kms.create_key(Origin=kind, CustomKeyStoreId=store_id, XksKeyId="k1")[
                "KeyMetadata"
            ]
        refused = (
            "UnsupportedOperationException",
            f"{md['Arn']} origin is {kind} which is not valid for this operation.",
        )
        calls = [
            lambda: kms.enable_key_rotation(KeyId=md["KeyId"]),
            lambda: kms.disable_key_rotation(KeyId=md["KeyId"]),
            lambda: kms.get_key_rotation_status(KeyId=md["KeyId"]),
            lambda: kms.rotate_key_on_demand(KeyId=md["KeyId"]),
            lambda: kms.list_key_rotations(KeyId=md["KeyId"]),
        ]
        for call in calls:
            assert refusal(call) == refused
        kms.disable_key(KeyId=md["KeyId"])  # whatever the key's state
        assert refusal(kms.rotate_key_on_demand, KeyId=md["KeyId"]) == refused


class TestGenerateRandom:
    def test_in_a_connected_cloudhsm_key_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = hsm_store(kms)
        assert refusal(kms.generate_random, NumberOfBytes=32, CustomKeyStoreId=store_id) == (
            "CustomKeyStoreInvalidStateException",
            f"Custom key store {store_id} is not connected. Its connection state is DISCONNECTED.",
        )
        connected(kms, clock, store_id)
        assert (
            len(kms.generate_random(NumberOfBytes=32, CustomKeyStoreId=store_id)["Plaintext"]) == 32
        )

    def test_not_in_an_external_key_store(self, kms: KMSClient, clock: Clock) -> None:
        store_id = connected(kms, clock, xks_store(kms))
        assert refusal(kms.generate_random, NumberOfBytes=32, CustomKeyStoreId=store_id) == (
            "UnsupportedOperationException",
            f"Custom key store {store_id} is an external key store. GenerateRandom supports "
            "only CloudHSM key stores.",
        )

    def test_unknown_store(self, kms: KMSClient) -> None:
        assert refusal(
            kms.generate_random, NumberOfBytes=32, CustomKeyStoreId="cks-1234567890abcdef0"
        ) == (
            "CustomKeyStoreNotFoundException",
            "Custom key store cks-1234567890abcdef0 does not exist.",
        )


class TestOtherOperationsOnStoreKeys:
    def test_grants_can_be_created_while_unavailable(self, kms: KMSClient, clock: Clock) -> None:
        # key-state table: CreateGrant succeeds on an Unavailable key
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        grant = kms.create_grant(
            KeyId=key_id,
            GranteePrincipal="arn:aws:iam::123456789012:role/app",
            Operations=["Decrypt"],
        )
        assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id)["Grants"]] == [grant["GrantId"]]

    @pytest.mark.parametrize(
        "op", ["generate_data_key_pair", "generate_data_key_pair_without_plaintext"]
    )
    def test_no_data_key_pairs_under_a_store_key(
        self, kms: KMSClient, clock: Clock, op: str
    ) -> None:
        store_id = connected(kms, clock, hsm_store(kms))
        md = hsm_key(kms, store_id)
        with pytest.raises(ClientError) as exc:
            getattr(kms, op)(KeyId=md["KeyId"], KeyPairSpec="ECC_NIST_P256")
        name = "".join(p.title() for p in op.split("_"))
        assert error_of(exc) == (
            "UnsupportedOperationException",
            f"{md['Arn']} is in a custom key store, which is not valid for {name}.",
        )
