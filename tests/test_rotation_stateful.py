"""A Hypothesis state machine over key use, rotation, key states and clock jumps.

Invariant: every ciphertext ever produced decrypts to its plaintext and reports the
KeyMaterialId that made it, until its key is deleted — whatever rotations, disables, deletion
schedules and cancellations happened in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.exceptions import ClientError
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, precondition, rule

from tests.timetravel import MockedMachine, utc

CONTEXTS = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["a", "ab", "b", "tenant"]), st.sampled_from(["", "c", "bc"]), max_size=2
    ),
)
# Errors a step may legitimately meet, given what the model knows.
STATE_ERRORS = {"DisabledException", "KMSInvalidStateException"}


@dataclass
class KeyModel:
    key_id: str
    state: str = "Enabled"
    deletion_date: datetime | None = None


@dataclass
class Sealed:
    key: KeyModel
    blob: bytes
    plaintext: bytes
    context: dict[str, str] | None
    material_id: str


@dataclass
class Ledger:
    entries: list[Sealed] = field(default_factory=list)


class RotationMachine(MockedMachine):
    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__(utc(2024, 1, 1))
        self.kms = boto3.client("kms", region_name="us-east-1")
        self.ledger = Ledger()
        self.models: list[KeyModel] = []

    def final_check(self) -> None:
        self.check_every_ciphertext()

    # -- helpers ------------------------------------------------------------------------

    def current_material(self, key: KeyModel) -> str:
        md = self.kms.describe_key(KeyId=key.key_id)["KeyMetadata"]
        return str(md["CurrentKeyMaterialId"])

    def expect(self, call: Any, key: KeyModel) -> Any:
        """Run ``call``; it must succeed when the key is Enabled and fail with a state error
        otherwise."""
        try:
            result = call()
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            assert key.state != "Enabled", f"{code} on an enabled key"
            assert code in STATE_ERRORS, code
            return None
        assert key.state == "Enabled", f"succeeded on a {key.state} key"
        return result

    # -- rules --------------------------------------------------------------------------

    @initialize(target=keys)
    def first_key(self) -> KeyModel:
        return self.create_key()

    @rule(target=keys)
    def create_key(self) -> KeyModel:
        model = KeyModel(self.kms.create_key()["KeyMetadata"]["KeyId"])
        self.models.append(model)
        return model

    @rule(key=keys, plaintext=st.binary(min_size=1, max_size=64), context=CONTEXTS)
    def encrypt(self, key: KeyModel, plaintext: bytes, context: dict[str, str] | None) -> None:
        if key.state == "Deleted":
            return
        kwargs = {"EncryptionContext": context} if context is not None else {}
        out = self.expect(
            lambda: self.kms.encrypt(KeyId=key.key_id, Plaintext=plaintext, **kwargs), key
        )
        if out is not None:
            material_id = self.current_material(key)  # the clock is frozen: same instant
            self.ledger.entries.append(
                Sealed(key, out["CiphertextBlob"], plaintext, context, material_id)
            )

    @rule(key=keys, size=st.integers(1, 64), context=CONTEXTS)
    def generate_data_key(self, key: KeyModel, size: int, context: dict[str, str] | None) -> None:
        if key.state == "Deleted":
            return
        kwargs = {"EncryptionContext": context} if context is not None else {}
        out = self.expect(
            lambda: self.kms.generate_data_key(KeyId=key.key_id, NumberOfBytes=size, **kwargs),
            key,
        )
        if out is not None:
            self.ledger.entries.append(
                Sealed(key, out["CiphertextBlob"], out["Plaintext"], context, out["KeyMaterialId"])
            )

    @precondition(lambda self: bool(self.ledger.entries))
    @rule(data=st.data(), dest=keys, context=CONTEXTS)
    def re_encrypt(
        self, data: st.DataObject, dest: KeyModel, context: dict[str, str] | None
    ) -> None:
        entry = data.draw(st.sampled_from(self.ledger.entries))
        if "Deleted" in (entry.key.state, dest.state):
            return
        kwargs: dict[str, Any] = {}
        if entry.context is not None:
            kwargs["SourceEncryptionContext"] = entry.context
        if context is not None:
            kwargs["DestinationEncryptionContext"] = context
        try:
            out = self.kms.re_encrypt(
                CiphertextBlob=entry.blob, DestinationKeyId=dest.key_id, **kwargs
            )
        except ClientError as exc:
            assert entry.key.state != "Enabled" or dest.state != "Enabled"
            assert exc.response["Error"]["Code"] in STATE_ERRORS
            return
        assert entry.key.state == dest.state == "Enabled"
        assert out["SourceKeyMaterialId"] == entry.material_id
        self.ledger.entries.append(
            Sealed(
                dest,
                out["CiphertextBlob"],
                entry.plaintext,
                context,
                out["DestinationKeyMaterialId"],
            )
        )

    @rule(key=keys, period=st.sampled_from([None, 90, 91, 365, 1000]))
    def enable_rotation(self, key: KeyModel, period: int | None) -> None:
        if key.state == "Deleted":
            return
        kwargs = {"RotationPeriodInDays": period} if period else {}
        self.expect(lambda: self.kms.enable_key_rotation(KeyId=key.key_id, **kwargs), key)

    @rule(key=keys)
    def disable_rotation(self, key: KeyModel) -> None:
        if key.state != "Deleted":
            self.expect(lambda: self.kms.disable_key_rotation(KeyId=key.key_id), key)

    @rule(key=keys)
    def rotate_on_demand(self, key: KeyModel) -> None:
        if key.state == "Deleted":
            return
        try:
            self.kms.rotate_key_on_demand(KeyId=key.key_id)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            allowed = {"LimitExceededException", "ConflictException"}
            assert code in (allowed if key.state == "Enabled" else STATE_ERRORS), code

    @rule(key=keys)
    def disable_key(self, key: KeyModel) -> None:
        if key.state in ("Enabled", "Disabled"):
            self.kms.disable_key(KeyId=key.key_id)
            key.state = "Disabled"

    @rule(key=keys)
    def enable_key(self, key: KeyModel) -> None:
        if key.state in ("Enabled", "Disabled"):
            self.kms.enable_key(KeyId=key.key_id)
            key.state = "Enabled"

    @rule(key=keys, days=st.integers(7, 30))
    def schedule_deletion(self, key: KeyModel, days: int) -> None:
        if key.state in ("Enabled", "Disabled"):
            out = self.kms.schedule_key_deletion(KeyId=key.key_id, PendingWindowInDays=days)
            key.state = "PendingDeletion"
            key.deletion_date = out["DeletionDate"]
            assert key.deletion_date == self.now + timedelta(days=days)

    @rule(key=keys)
    def cancel_deletion(self, key: KeyModel) -> None:
        if key.state == "PendingDeletion":
            self.kms.cancel_key_deletion(KeyId=key.key_id)
            key.state = "Disabled"
            key.deletion_date = None

    @rule(days=st.one_of(st.integers(0, 40), st.integers(300, 4000)), minutes=st.integers(0, 1440))
    def jump(self, days: int, minutes: int) -> None:
        self.now += timedelta(days=days, minutes=minutes)
        self.clock.move_to(self.now)
        for key in self.models:
            if key.deletion_date is not None and key.deletion_date <= self.now:
                key.state = "Deleted"
                key.deletion_date = None

    @rule()
    def check_every_ciphertext(self) -> None:
        for entry in self.ledger.entries:
            kwargs = {"EncryptionContext": entry.context} if entry.context is not None else {}
            if entry.key.state == "Deleted":
                try:
                    self.kms.decrypt(CiphertextBlob=entry.blob, **kwargs)
                except ClientError as exc:
                    # issue 13: AWS refuses it as a key that does not exist or is not ours
                    assert exc.response["Error"]["Code"] == "AccessDeniedException"
                else:
                    raise AssertionError("a ciphertext of a deleted key decrypted")
                continue
            out = self.expect(
                lambda e=entry, kw=kwargs: self.kms.decrypt(CiphertextBlob=e.blob, **kw), entry.key
            )
            if out is not None:
                assert out["Plaintext"] == entry.plaintext
                assert out["KeyMaterialId"] == entry.material_id


TestRotationMachine = RotationMachine.TestCase
