"""Every ciphertext opens in every Region, whatever happens (a state machine)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
from botocore.exceptions import ClientError
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from tests.multi_region.regions import AP, EU, HOME, START
from tests.timetravel import MockedMachine

# -- every ciphertext opens in every Region, whatever happens ------------------------------------


@dataclass
class Sealed:
    blob: bytes
    plaintext: bytes
    material_id: str


@dataclass
class Member:
    region: str
    enabled: bool = True


@dataclass
class World:
    members: dict[str, Member] = field(default_factory=dict)
    primary: str = HOME
    sealed: list[Sealed] = field(default_factory=list)


REGIONS = [HOME, EU, AP]


def served(member: Member, call: Callable[..., Any], **params: Any) -> Any:
    """``call``'s answer, which only an Enabled ``member`` gives; None when the call is refused
    because the member is disabled."""
    try:
        out = call(**params)
    except ClientError as exc:
        assert not member.enabled
        assert exc.response["Error"]["Code"] == "DisabledException"
        return None
    assert member.enabled
    return out


class MultiRegionMachine(MockedMachine):
    """Invariant: every ciphertext made in any Region decrypts in every Region holding an
    Enabled related key, to its plaintext and with the material version that made it, and all
    Regions list the same material versions — through rotations on the clock and on demand,
    changes of primary, disabled keys and late replicas."""

    def __init__(self) -> None:
        super().__init__(START)
        self.kms = {r: boto3.client("kms", region_name=r) for r in REGIONS}
        self.world = World()
        self.key_id = ""

    def final_check(self) -> None:
        self.every_ciphertext_opens_everywhere()

    @initialize()
    def create(self) -> None:
        self.key_id = self.kms[HOME].create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.world.members[HOME] = Member(HOME)
        self.kms[HOME].replicate_key(KeyId=self.key_id, ReplicaRegion=EU)
        self.world.members[EU] = Member(EU)

    @rule()
    def replicate_late(self) -> None:
        if AP in self.world.members:
            return
        primary = self.world.members[self.world.primary]
        client = self.kms[primary.region]
        if served(primary, client.replicate_key, KeyId=self.key_id, ReplicaRegion=AP):
            self.world.members[AP] = Member(AP)

    def members(self) -> list[Member]:
        return [self.world.members[r] for r in sorted(self.world.members)]

    @rule(data=st.data())
    def encrypt(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.members()))
        client = self.kms[member.region]
        out = served(member, client.generate_data_key, KeyId=self.key_id, NumberOfBytes=16)
        if out:
            self.world.sealed.append(
                Sealed(out["CiphertextBlob"], out["Plaintext"], out["KeyMaterialId"])
            )

    @rule()
    def rotate_on_demand(self) -> None:
        primary = self.world.members[self.world.primary]
        try:
            self.kms[primary.region].rotate_key_on_demand(KeyId=self.key_id)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            assert code in (
                {"LimitExceededException", "ConflictException"}
                if primary.enabled
                else {"DisabledException"}
            ), code

    @rule(period=st.sampled_from([None, 90, 365]))
    def set_rotation(self, period: int | None) -> None:
        primary = self.world.members[self.world.primary]
        client = self.kms[primary.region]
        try:
            if period is None:
                client.disable_key_rotation(KeyId=self.key_id)
            else:
                client.enable_key_rotation(KeyId=self.key_id, RotationPeriodInDays=period)
        except ClientError as exc:
            assert not primary.enabled
            assert exc.response["Error"]["Code"] == "DisabledException"

    @rule(data=st.data())
    def toggle(self, data: st.DataObject) -> None:
        member = data.draw(st.sampled_from(self.members()))
        if member.enabled:
            self.kms[member.region].disable_key(KeyId=self.key_id)
        else:
            self.kms[member.region].enable_key(KeyId=self.key_id)
        member.enabled = not member.enabled

    @rule(data=st.data())
    def move_primary(self, data: st.DataObject) -> None:
        others = sorted(r for r in self.world.members if r != self.world.primary)
        target = data.draw(st.sampled_from(others))
        primary = self.world.members[self.world.primary]
        client = self.kms[primary.region]
        if served(primary, client.update_primary_region, KeyId=self.key_id, PrimaryRegion=target):
            self.world.primary = target

    @rule(days=st.one_of(st.integers(0, 30), st.integers(80, 800)))
    def jump(self, days: int) -> None:
        self.now += timedelta(days=days, minutes=7)
        self.clock.move_to(self.now)

    @invariant()
    def every_ciphertext_opens_everywhere(self) -> None:
        if not self.key_id:
            return
        listings = []
        for member in self.world.members.values():
            rotations = self.kms[member.region].list_key_rotations(
                KeyId=self.key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
            )["Rotations"]
            listings.append([(r["KeyMaterialId"], r.get("RotationDate")) for r in rotations])
            for entry in self.world.sealed:
                out = served(member, self.kms[member.region].decrypt, CiphertextBlob=entry.blob)
                if out:
                    assert out["Plaintext"] == entry.plaintext
                    assert out["KeyMaterialId"] == entry.material_id
        assert all(listing == listings[0] for listing in listings)


TestMultiRegionMachine = MultiRegionMachine.TestCase
