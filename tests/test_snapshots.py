"""Snapshots: the whole state exported to a versioned JSON document and restored (or frozen in
memory and restored in microseconds); a corrupt or foreign one is refused and changes nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from kmsmock import KmsMock, SnapshotError, mock_kms
from tests.helpers import new_client, public_xks_store
from tests.timetravel import Clock, frozen, utc

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

APP = "arn:aws:iam::123456789012:role/app"
PSS: Final = "RSASSA_PSS_SHA_256"


class World:
    """A state with one of most things a snapshot must carry, and what proves each came back."""

    def __init__(self, kms: KMSClient) -> None:
        self.key = kms.create_key(Description="main", Tags=[{"TagKey": "team", "TagValue": "a"}])[
            "KeyMetadata"
        ]["KeyId"]
        kms.create_alias(AliasName="alias/main", TargetKeyId=self.key)
        self.old_blob = kms.encrypt(KeyId=self.key, Plaintext=b"before")["CiphertextBlob"]
        kms.rotate_key_on_demand(KeyId=self.key)
        self.blob = kms.encrypt(KeyId="alias/main", Plaintext=b"after")["CiphertextBlob"]
        kms.enable_key_rotation(KeyId=self.key, RotationPeriodInDays=90)
        self.grant = kms.create_grant(KeyId=self.key, GranteePrincipal=APP, Operations=["Decrypt"])
        self.rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
            "KeyId"
        ]
        self.signature = kms.sign(KeyId=self.rsa, Message=b"m", SigningAlgorithm=PSS)["Signature"]
        self.hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")[
            "KeyMetadata"
        ]["KeyId"]
        self.mac = kms.generate_mac(KeyId=self.hmac, Message=b"m", MacAlgorithm="HMAC_SHA_256")[
            "Mac"
        ]
        self.doomed = kms.create_key()["KeyMetadata"]["KeyId"]
        self.deletion = kms.schedule_key_deletion(KeyId=self.doomed, PendingWindowInDays=7)[
            "DeletionDate"
        ]
        self.disabled = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=self.disabled)
        self.mrk = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.mrk_blob = kms.encrypt(KeyId=self.mrk, Plaintext=b"anywhere")["CiphertextBlob"]
        kms.replicate_key(KeyId=self.mrk, ReplicaRegion="eu-west-1")
        self.cks = kms.create_custom_key_store(**public_xks_store("xks", "s" * 43))[
            "CustomKeyStoreId"
        ]
        kms.put_key_policy(KeyId=self.disabled, PolicyName="default", Policy=policy())
        self.listing = [k["KeyId"] for k in kms.list_keys()["Keys"]]

    def check(self, kms: KMSClient) -> None:
        assert kms.decrypt(CiphertextBlob=self.old_blob)["Plaintext"] == b"before"
        assert kms.decrypt(CiphertextBlob=self.blob)["Plaintext"] == b"after"
        md = kms.describe_key(KeyId="alias/main")["KeyMetadata"]
        assert (md["KeyId"], md["Description"]) == (self.key, "main")
        assert kms.list_resource_tags(KeyId=self.key)["Tags"] == [
            {"TagKey": "team", "TagValue": "a"}
        ]
        status = kms.get_key_rotation_status(KeyId=self.key)
        assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 90)
        assert len(kms.list_key_rotations(KeyId=self.key)["Rotations"]) == 1
        grants = kms.list_grants(KeyId=self.key)["Grants"]
        assert [g["GrantId"] for g in grants] == [self.grant["GrantId"]]
        assert kms.verify(
            KeyId=self.rsa, Message=b"m", Signature=self.signature, SigningAlgorithm=PSS
        )["SignatureValid"]
        assert kms.verify_mac(
            KeyId=self.hmac, Message=b"m", Mac=self.mac, MacAlgorithm="HMAC_SHA_256"
        )["MacValid"]
        doomed = kms.describe_key(KeyId=self.doomed)["KeyMetadata"]
        assert (doomed["KeyState"], doomed["DeletionDate"]) == ("PendingDeletion", self.deletion)
        assert kms.describe_key(KeyId=self.disabled)["KeyMetadata"]["KeyState"] == "Disabled"
        assert json.loads(kms.get_key_policy(KeyId=self.disabled)["Policy"]) == json.loads(policy())
        replica = new_client("eu-west-1")
        assert replica.decrypt(CiphertextBlob=self.mrk_blob)["Plaintext"] == b"anywhere"
        regions = kms.describe_key(KeyId=self.mrk)["KeyMetadata"]["MultiRegionConfiguration"]
        assert [r["Region"] for r in regions["ReplicaKeys"]] == ["eu-west-1"]
        stores = kms.describe_custom_key_stores()["CustomKeyStores"]
        assert [s["CustomKeyStoreId"] for s in stores] == [self.cks]
        assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == self.listing


def policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "root",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


@pytest.fixture
def world(kms: KMSClient) -> World:
    return World(kms)


def test_a_document_restores_everything_in_another_activation() -> None:
    with mock_kms() as source:
        world = World(new_client())
        doc = json.loads(json.dumps(source.snapshot()))  # plain JSON, through and through
    assert doc["kmsmock_snapshot"] == 1
    with mock_kms() as target:
        target.restore(doc)
        world.check(new_client())


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with mock_kms() as source:
        world = World(new_client())
        source.save(path)
    with mock_kms() as target:
        target.load(path)
        world.check(new_client())


def test_a_frozen_state_restores_everything(kms_mock: KmsMock, world: World) -> None:
    frozen_state = kms_mock.freeze()
    kms = new_client()
    kms.delete_alias(AliasName="alias/main")
    kms.schedule_key_deletion(KeyId=world.rsa)
    kms_mock.restore(frozen_state)
    world.check(kms)


def test_a_restored_state_is_its_own(kms_mock: KmsMock, kms: KMSClient) -> None:
    """Changes after a restore reach neither the snapshot nor the next restore from it."""
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "t", "TagValue": "1"}])
    kms.create_alias(AliasName="alias/k", TargetKeyId=key)
    state = kms_mock.freeze()
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "t", "TagValue": "live"}])  # after freezing
    for _ in range(2):
        kms_mock.restore(state)
        assert kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "t", "TagValue": "1"}]
        kms.tag_resource(KeyId=key, Tags=[{"TagKey": "t", "TagValue": "2"}])
        kms.rotate_key_on_demand(KeyId=key)
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.update_alias(AliasName="alias/k", TargetKeyId=other)
        kms.disable_key(KeyId=key)
    kms_mock.restore(state)
    assert kms.describe_key(KeyId="alias/k")["KeyMetadata"]["KeyId"] == key
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.list_key_rotations(KeyId=key)["Rotations"] == []
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [key]


def test_a_restore_copies_only_the_keys_requests_read(kms_mock: KmsMock, kms: KMSClient) -> None:
    """Copy on read: what makes a restore cost the same for 10 keys or 10,000."""
    ids = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
    kms_mock.restore(kms_mock.freeze())
    kms.describe_key(KeyId=ids[1])
    store = kms_mock.backend.store(kms_mock.account_id, "us-east-1")
    assert [dict.__getitem__(store.keys, i).store is store for i in ids] == [False, True, False]
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == ids
    assert all(dict.__getitem__(store.keys, i).store is store for i in ids)


def test_a_frozen_state_restores_in_another_activation() -> None:
    with mock_kms() as m:
        key = new_client().create_key()["KeyMetadata"]["KeyId"]
        state = m.freeze()
    with mock_kms() as m:
        m.restore(state)
        assert new_client().describe_key(KeyId=key)["KeyMetadata"]["Enabled"]
        assert "1 keys" in repr(state)


@pytest.fixture
def stopped() -> Iterator[Clock]:
    with frozen("time-machine", utc(2024, 1, 1)) as clock:
        yield clock


def test_restored_keys_keep_rotating_on_the_clock(stopped: Clock) -> None:
    with mock_kms() as m:
        kms = new_client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=90)
        blob = kms.encrypt(KeyId=key, Plaintext=b"old")["CiphertextBlob"]
        doc = m.snapshot()
    stopped.advance(timedelta(days=181))
    with mock_kms() as m:
        m.restore(doc)
        kms = new_client()
        dates = [r["RotationDate"] for r in kms.list_key_rotations(KeyId=key)["Rotations"]]
        assert dates == [utc(2024, 3, 31), utc(2024, 6, 29)]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"old"


def test_the_clock_offset_comes_back(kms_mock: KmsMock) -> None:
    kms_mock.backend.clock_offset = timedelta(days=3)
    doc = kms_mock.snapshot()
    kms_mock.backend.clock_offset = timedelta(0)
    kms_mock.restore(doc)
    assert kms_mock.backend.clock_offset == timedelta(days=3)


def test_deterministic_mode_continues_where_the_snapshot_was() -> None:
    with mock_kms(seed=7) as m:
        kms = new_client()
        kms.create_key()
        doc = m.snapshot()
        state = m.freeze()
        following = kms.create_key()["KeyMetadata"]["KeyId"]
    for snapshot in (doc, state):
        with mock_kms() as m:
            m.restore(snapshot)
            assert new_client().create_key()["KeyMetadata"]["KeyId"] == following


# -- refused snapshots ------------------------------------------------------------------


def _without(path: str) -> Callable[[dict[str, Any]], Any]:
    def edit(doc: dict[str, Any]) -> Any:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]
        return doc

    return edit


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    def edit(doc: dict[str, Any]) -> Any:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
        return doc

    return edit


REFUSALS = {
    "not an object": (lambda doc: [doc], "not a kmsmock snapshot"),
    "foreign": (lambda doc: {"Keys": []}, "not a kmsmock snapshot"),
    "newer version": (
        _set("kmsmock_snapshot", 2),
        "format version 2; this kmsmock reads version 1",
    ),
    "member missing": (
        _without("stores.0.keys.0.spec"),
        "stores[0].keys[0]: missing member 'spec'",
    ),
    "unknown spec": (_set("stores.0.keys.0.spec", "RSA_1024"), "unknown key spec 'RSA_1024'"),
    "bad base64": (
        _set("stores.0.keys.0.materials.0.secret", "!!"),
        "stores[0].keys[0].materials[0].secret: not base64",
    ),
    "short material": (
        _set("stores.0.keys.0.materials.0.secret", "AAAA"),
        "symmetric key material is 32 bytes",
    ),
    "bad time": (_set("stores.0.keys.0.created", "yesterday"), "not an ISO 8601 time"),
    "wrong type": (_set("stores.0.keys.0.seq", "1"), "stores[0].keys[0].seq: expected an integer"),
    "dangling alias": (
        _set("stores.0.aliases.0.target", "1234abcd-12ab-34cd-56ef-1234567890ab"),
        "names a key that is not in its store",
    ),
    "other account": (_set("account_id", "111122223333"), "made in account '111122223333'"),
    "bad private key": (_set("stores.0.keys.1.private", "AAAA"), "not a private key of spec"),
    "out of order": (_set("stores.0.keys.1.seq", 1), "stores[0].keys[1].seq: keys are listed"),
    "bad seed state": (
        _set("random", {"seed": 1, "state": [3, [1], None]}),
        "random.state: not a generator state",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_corrupt_or_foreign_document_changes_nothing(
    kms_mock: KmsMock, kms: KMSClient, case: str
) -> None:
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/first", TargetKeyId=first)
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    kms.get_public_key(KeyId=signing["KeyMetadata"]["KeyId"])  # the private key exists
    doc = kms_mock.snapshot()
    live = kms.create_key()["KeyMetadata"]["KeyId"]  # made after the snapshot
    edit, message = REFUSALS[case]
    with pytest.raises(SnapshotError, match=_escaped(message)):
        kms_mock.restore(edit(copy.deepcopy(doc)))
    assert len(kms.list_keys()["Keys"]) == 3
    assert kms.describe_key(KeyId=live)["KeyMetadata"]["Enabled"]


def _escaped(message: str) -> str:
    import re

    return re.escape(message)


def test_a_file_that_is_not_json(kms_mock: KmsMock, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{ not json")
    with pytest.raises(SnapshotError, match="not JSON"):
        kms_mock.load(path)


def test_a_frozen_state_of_another_account_is_refused() -> None:
    with mock_kms(account_id="111122223333") as m:
        state = m.freeze()
    with mock_kms() as m, pytest.raises(SnapshotError, match="'111122223333'"):
        m.restore(state)


# -- the pytest pattern ------------------------------------------------------------------


def test_a_snapshot_fixture_builds_once_and_each_test_starts_from_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3
        from kmsmock.pytest_plugin import kms_snapshot_fixture

        BUILDS = []

        @kms_snapshot_fixture
        def kms_with_keys(kms_mock):
            '''Fifty keys, one with an alias.'''
            BUILDS.append(1)
            kms = boto3.client("kms", region_name="us-east-1")
            ids = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(50)]
            kms.create_alias(AliasName="alias/first", TargetKeyId=ids[0])

        def test_one(kms_with_keys, kms_client):
            assert len(kms_client.list_keys()["Keys"]) == 50
            kms_client.delete_alias(AliasName="alias/first")
            kms_client.create_key()

        def test_two(kms_with_keys, kms_client):
            assert len(kms_client.list_keys()["Keys"]) == 50
            kms_client.describe_key(KeyId="alias/first")
            kms_client.create_key()

        def test_built_once():
            assert BUILDS == [1]
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=3)


def test_imported_material_its_expiry_and_outstanding_import_parameters(stopped: Clock) -> None:
    from tests.test_import import wrap

    with mock_kms() as m:
        kms = new_client()
        key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        material = bytes(range(32))
        params = kms.get_parameters_for_import(
            KeyId=key, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        kms.import_key_material(
            KeyId=key,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params, material, "RSAES_OAEP_SHA_256"),
            ExpirationModel="KEY_MATERIAL_EXPIRES",
            ValidTo=utc(2024, 1, 1, 12),
        )
        blob = kms.encrypt(KeyId=key, Plaintext=b"p")["CiphertextBlob"]
        spare = kms.get_parameters_for_import(  # handed out, not used yet
            KeyId=key, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        doc = json.loads(json.dumps(m.snapshot()))
    with mock_kms() as m:
        m.restore(doc)
        kms = new_client()
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
        stopped.advance(timedelta(hours=13))
        assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
        kms.import_key_material(  # with the parameters handed out before the snapshot
            KeyId=key,
            ImportToken=spare["ImportToken"],
            EncryptedKeyMaterial=wrap(spare, material, "RSAES_OAEP_SHA_256"),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
