"""Snapshots of the states a test author builds with the other features: grants for declared
principals (with constraints), keys inside custom key stores, multi-Region keys that go on
changing after the restore."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from kmsmock import KmsMock, mock_kms
from tests.helpers import new_client
from tests.keystores.cloudhsm import CLUSTER, hsm_key, hsm_store
from tests.keystores.stores import START, connected, state
from tests.timetravel import Clock, frozen

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

Restore = Callable[[KmsMock], Any]


@pytest.fixture(params=["document", "frozen"])
def carry(request: pytest.FixtureRequest) -> Callable[[KmsMock], Restore]:
    """How a state crosses to another activation: as the JSON document or frozen in memory."""

    def take(mock: KmsMock) -> Restore:
        state = mock.snapshot() if request.param == "document" else mock.freeze()
        return lambda other: other.restore(state)

    return take


@pytest.fixture
def clock() -> Iterator[Clock]:
    with frozen("time-machine", START) as c:
        yield c


def test_a_grant_for_a_declared_principal_keeps_its_constraints(
    carry: Callable[[KmsMock], Restore],
) -> None:
    with mock_kms() as m:
        admin = new_client()
        key_id = admin.create_key()["KeyMetadata"]["KeyId"]
        app = m.add_user("app", identity_policies=[])  # nothing but what the grant gives
        grant = admin.create_grant(
            KeyId=key_id,
            GranteePrincipal=app.arn,
            RetiringPrincipal=app.arn,
            Operations=["Decrypt", "RetireGrant"],
            Constraints={"EncryptionContextSubset": {"tenant": "7"}},
        )
        bound = admin.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "7"})
        other = admin.encrypt(KeyId=key_id, Plaintext=b"y", EncryptionContext={"tenant": "8"})
        restore = carry(m)

    with mock_kms() as m:
        restore(m)
        app = m.add_user("app", identity_policies=[])  # principals belong to the activation
        kms: KMSClient = app.client(region_name="us-east-1")
        out = kms.decrypt(CiphertextBlob=bound["CiphertextBlob"], EncryptionContext={"tenant": "7"})
        assert out["Plaintext"] == b"x"
        with pytest.raises(ClientError) as refused:
            kms.decrypt(CiphertextBlob=other["CiphertextBlob"], EncryptionContext={"tenant": "8"})
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
        assert m.calls.last.caller == app.arn
        kms.retire_grant(KeyId=key_id, GrantId=grant["GrantId"])
        assert new_client().list_grants(KeyId=key_id)["Grants"] == []


def test_keys_in_a_custom_key_store_come_back_connected(
    clock: Clock, carry: Callable[[KmsMock], Restore]
) -> None:
    with mock_kms() as m:
        kms = new_client()
        store_id = connected(kms, clock, hsm_store(kms))
        key_id = hsm_key(kms, store_id)["KeyId"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"in the hsm")["CiphertextBlob"]
        restore = carry(m)

    with mock_kms() as m:
        restore(m)
        kms = new_client()
        assert state(kms, store_id) == "CONNECTED"
        md = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        assert (md["CustomKeyStoreId"], md["CloudHsmClusterId"]) == (store_id, CLUSTER)
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"in the hsm"
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Unavailable"


def test_a_multi_region_key_goes_on_changing_after_a_restore(
    carry: Callable[[KmsMock], Restore],
) -> None:
    with mock_kms() as m:
        kms = new_client()
        mrk = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        kms.replicate_key(KeyId=mrk, ReplicaRegion="eu-west-1")
        blob = kms.encrypt(KeyId=mrk, Plaintext=b"anywhere")["CiphertextBlob"]
        restore = carry(m)

    with mock_kms() as m:
        restore(m)
        kms, europe = new_client(), new_client("eu-west-1")
        kms.update_primary_region(KeyId=mrk, PrimaryRegion="eu-west-1")
        md = europe.describe_key(KeyId=mrk)["KeyMetadata"]["MultiRegionConfiguration"]
        assert (md["MultiRegionKeyType"], md["PrimaryKey"]["Region"]) == ("PRIMARY", "eu-west-1")
        europe.replicate_key(KeyId=mrk, ReplicaRegion="ap-south-1")
        far = new_client("ap-south-1")
        assert far.decrypt(CiphertextBlob=blob)["Plaintext"] == b"anywhere"
        assert m.calls.counts() == {
            "UpdatePrimaryRegion": 1,
            "DescribeKey": 1,
            "ReplicateKey": 1,
            "Decrypt": 1,
        }
