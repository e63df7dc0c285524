"""Model-driven fuzzing: every KMS operation, through a real boto3 client, never breaks kmsmock.

Requests come from ``tests/strategies.py`` (built from botocore's KMS service model). They go
through the real path — boto3 client, botocore serialization, kmsmock's interception — with
client-side parameter validation on for some and off for most (so invalid values reach the mock,
as they would reach AWS), and some are damaged on the wire (wrong JSON types, bodies that are
not JSON). The properties:

* every request ends in success or a ``ClientError`` whose code the model lists for that
  operation (or ValidationException / AccessDeniedException; SerializationException only for
  damaged bodies; NotImplementedByKmsmock only for operations kmsmock does not serve yet) —
  never KMSInternalException, never a 500, never a Python exception escaping from the mock;
* state stays consistent: every ciphertext kmsmock produced still decrypts to its plaintext
  (or fails with the error its key's state calls for), unless its key was deleted after its
  deletion window passed on the clock.

The ``ci`` Hypothesis profile keeps this bounded; ``HYPOTHESIS_PROFILE=long`` runs it deeper.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
import time_machine
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

import kmsmock
from kmsmock import mock_kms
from kmsmock.operations import OPERATIONS

from . import model, strategies
from .strategies import (
    OPERATION_NAMES,
    LedgerEntry,
    Mangle,
    Pools,
    RequestStrategies,
    allowed_codes,
)

# Boundary values include 128 KiB policies; Hypothesis warns when it prints such examples.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

START = datetime(2025, 1, 15, 12, 0, tzinfo=timezone.utc)
CHINA = "cn-north-1"
KMSMOCK_DIR = str(Path(kmsmock.__file__).parent)
# NotImplementedByKmsmock from an operation kmsmock serves is accepted only with one of these
# documented messages (README "Differences from AWS KMS"); anything else is a failure.
DOCUMENTED_GAPS = (
    # Nitro Enclaves attestation (the Recipient parameter) is not emulated.
    re.compile(
        r"kmsmock does not emulate the Recipient parameter \(Nitro Enclaves attestation\)\."
    ),
    # ML-DSA / ML-KEM need a cryptography build (OpenSSL 3.5+ or AWS-LC) that has them.
    re.compile(r"kmsmock needs a cryptography release that implements ML-(DSA|KEM)-\d+ .*"),
    re.compile(r"The installed cryptography/OpenSSL cannot generate ML_(DSA|KEM)_\d+ keys .*"),
    # ML-DSA's external mu needs sign_mu/verify_mu, which some cryptography builds lack.
    re.compile(r"MessageType EXTERNAL_MU is not implemented by kmsmock on this cryptography .*"),
    # A KeySpec added to botocore's model after this kmsmock release.
    re.compile(r"kmsmock does not support KeySpec \S+ yet\."),
)
_DATA_KEY_BYTES = {"AES_128": 16, "AES_256": 32}
ALIASES_NOT_SUPPORTED = ("InvalidArnException", "Key Aliases are not supported for this operation.")


def test_the_model_still_has_the_operations_the_fuzzer_targets() -> None:
    # The issue counted 54; botocore's model grows (Encapsulate, Decapsulate). Every operation
    # kmsmock serves is fuzzed, but those an older installed model lacks (it cannot send them).
    assert len(OPERATION_NAMES) >= 54
    unknown_to_the_model = model.LATER_OPERATIONS - set(OPERATION_NAMES)
    assert set(OPERATIONS) - set(OPERATION_NAMES) == unknown_to_the_model
    assert all(not allowed_codes(op) & strategies.CRASH_CODES for op in OPERATION_NAMES)


# -- clients ---------------------------------------------------------------------------------


@dataclass
class Clients:
    strict: Any  # botocore's own parameter validation on (the default)
    loose: Any  # validation off: every value reaches the mock, as it would reach AWS
    custom_endpoint: Any  # an endpoint_url that must never be contacted
    china: Any  # aws-cn partition: China-only key specs (SM2)

    def for_region(self, region: str) -> Any:
        return self.china if region == CHINA else self.loose


def make_clients() -> Clients:
    loose = Config(parameter_validation=False, retries={"max_attempts": 1})
    # Created inside an activation so the credential chain stops at kmsmock's fake credentials.
    with mock_kms():
        return Clients(
            strict=boto3.client("kms", region_name=strategies.REGION),
            loose=boto3.client("kms", region_name=strategies.REGION, config=loose),
            custom_endpoint=boto3.client(
                "kms",
                region_name=strategies.REGION,
                endpoint_url="https://kms.fuzz.invalid:4443",
                config=loose,
            ),
            china=boto3.client("kms", region_name=CHINA, config=loose),
        )


@pytest.fixture(scope="module")
def clients() -> Clients:
    return make_clients()


# -- one request, its outcome, and the property ------------------------------------------------


@dataclass
class Outcome:
    response: dict[str, Any] | None = None
    code: str | None = None
    message: str = ""
    status: int = 200
    rejected_by_client: bool = False  # botocore's own validation refused it before the mock


def _from_kmsmock(exc: BaseException) -> bool:
    return any(
        frame.filename.startswith(KMSMOCK_DIR) for frame in traceback.extract_tb(exc.__traceback__)
    )


def invoke(client: Any, operation: str, params: dict[str, Any], mangle: Mangle | None) -> Outcome:
    """Call ``operation`` through the client; any exception other than a botocore-built
    ``ClientError`` (or botocore's own client-side refusal) fails the test with its traceback."""
    method = getattr(client, xform_name(operation))
    event = f"before-call.kms.{operation}"

    def damage(params: dict[str, Any], **_: Any) -> None:
        assert mangle is not None
        params["body"] = mangle.apply(operation, params["body"])

    if mangle is not None:
        client.meta.events.register(event, damage, unique_id="kmsmock-fuzz-mangle")
    try:
        response = method(**params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return Outcome(
            code=error.get("Code"),
            message=error.get("Message") or "",
            status=exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0),
        )
    except ParamValidationError:
        if client.meta.config.parameter_validation:
            return Outcome(rejected_by_client=True)
        raise
    except Exception as exc:
        where = "escaped from kmsmock" if _from_kmsmock(exc) else "raised on the client side"
        raise AssertionError(
            f"{operation}({_show(params)}) mangle={mangle!r}: {type(exc).__name__} {where}"
        ) from exc
    finally:
        if mangle is not None:
            client.meta.events.unregister(event, unique_id="kmsmock-fuzz-mangle")
    return Outcome(response=response, status=response["ResponseMetadata"]["HTTPStatusCode"])


def _show(params: dict[str, Any]) -> str:
    text = repr(params)
    return text if len(text) < 600 else text[:600] + "..."


def check(operation: str, params: dict[str, Any], outcome: Outcome, mangle: Mangle | None) -> None:
    """The property every single request must satisfy."""
    if outcome.rejected_by_client:
        return
    where = f"{operation}({_show(params)}) mangle={mangle!r}"
    if outcome.code is None:
        assert outcome.status == 200, where
        return
    allowed = set(allowed_codes(operation))
    documented_gap = any(gap.fullmatch(outcome.message) for gap in DOCUMENTED_GAPS)
    if operation not in OPERATIONS or documented_gap:
        allowed.add("NotImplementedByKmsmock")
    if mangle is not None:
        allowed.add("SerializationException")
    if (outcome.code, outcome.message) == ALIASES_NOT_SUPPORTED:
        # AWS's wording for an alias given where only key ids and key ARNs are accepted; the
        # model's error lists omit it for CreateAlias and UpdateAlias (they are not exhaustive).
        allowed.add("InvalidArnException")
    assert outcome.code in allowed, f"{where} -> {outcome.code}: {outcome.message}"
    assert "internal error" not in outcome.message.lower(), f"{where} -> {outcome.message}"
    assert "Traceback" not in outcome.message, where
    if outcome.code == "NotImplementedByKmsmock":
        assert outcome.status == 501, where
    elif outcome.code == "DependencyTimeoutException":
        assert outcome.status == 503, where
    else:
        assert 400 <= outcome.status < 500, f"{where} -> HTTP {outcome.status}"


# -- the harness: seeds state, calls, learns from answers, checks the ledger --------------------


class Harness:
    def __init__(self, clients: Clients, pools: Pools) -> None:
        self.clients = clients
        self.pools = pools
        self.requests = RequestStrategies(pools)
        self.deletion: dict[str, datetime] = {}  # key ARN -> DeletionDate seen in a response
        self.calls = 0

    # -- seeding

    def seed(self) -> None:
        c = self.clients.loose

        def create(**kwargs: Any) -> dict[str, Any]:
            md: dict[str, Any] = c.create_key(**kwargs)["KeyMetadata"]
            self.pools.add_key(md)
            return md

        sym = create(Description="fuzz: symmetric")
        c.enable_key_rotation(KeyId=sym["KeyId"], RotationPeriodInDays=90)
        disabled = create()
        c.disable_key(KeyId=disabled["KeyId"])
        doomed = create()
        self._learn(
            "ScheduleKeyDeletion",
            {},
            c.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7),
        )
        create(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        create(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        create(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        create(MultiRegion=True)
        c.create_alias(AliasName="alias/fuzz", TargetKeyId=sym["KeyId"])
        self.pools.add_alias("alias/fuzz")
        grant = {
            "KeyId": sym["Arn"],
            "GranteePrincipal": f"arn:aws:iam::{strategies.ACCOUNT}:role/fuzz",
            "Operations": ["Decrypt", "Encrypt"],
        }
        self._learn("CreateGrant", grant, c.create_grant(**grant))
        for context in (None, {"purpose": "fuzz"}):
            params: dict[str, Any] = {"KeyId": sym["Arn"], "Plaintext": b"seed plaintext"}
            if context:
                params["EncryptionContext"] = context
            self._learn("Encrypt", params, c.encrypt(**params))

    # -- requests

    def call(
        self, operation: str, params: dict[str, Any], client: Any, mangle: Mangle | None = None
    ) -> Outcome:
        self.calls += 1
        outcome = invoke(client, operation, params, mangle)
        check(operation, params, outcome, mangle)
        if outcome.response is not None:
            self._learn(operation, params if mangle is None else None, outcome.response)
        return outcome

    def _learn(
        self, operation: str, params: dict[str, Any] | None, response: dict[str, Any]
    ) -> None:
        """Remember what a successful answer created, so later requests can use it."""
        pools = self.pools
        if "KeyMetadata" in response:
            pools.add_key(response["KeyMetadata"])
        if "NextMarker" in response and len(pools.markers) < 50:
            pools.markers.append(response["NextMarker"])
        if operation == "ScheduleKeyDeletion" and "DeletionDate" in response:
            # A multi-Region primary with replicas answers PendingReplicaDeletion and no
            # DeletionDate: its date is not known until its last replica is deleted.
            self.deletion[response["KeyId"]] = response["DeletionDate"]
        elif operation == "CancelKeyDeletion":
            self.deletion.pop(response["KeyId"], None)
        elif operation == "CreateGrant":
            pools.grant_tokens.append(response["GrantToken"])
            pools.grant_ids.append(response["GrantId"])
            if params is not None:
                grant = (params["KeyId"], response["GrantId"], response["GrantToken"])
                pools.grants.append(grant)
        if params is None:
            return  # a damaged request: what was really sent is unknown
        if operation == "Sign" and len(pools.signed) < 50:
            signed = {k: params[k] for k in ("KeyId", "Message", "MessageType", "SigningAlgorithm")}
            pools.signed.append({**signed, "Signature": response["Signature"]})
        elif operation == "GenerateMac" and len(pools.maced) < 50:
            maced = {k: params[k] for k in ("KeyId", "Message", "MacAlgorithm")}
            pools.maced.append({**maced, "Mac": response["Mac"]})
        elif operation == "CreateAlias":
            pools.add_alias(params["AliasName"])
        elif operation == "Encrypt":
            self._record(response, params["Plaintext"], params.get("EncryptionContext"))
        elif operation == "GenerateDataKey":
            self._record(response, response["Plaintext"], params.get("EncryptionContext"))
        elif operation == "GenerateDataKeyWithoutPlaintext":
            n = params.get("NumberOfBytes") or _DATA_KEY_BYTES[params["KeySpec"]]
            self._record(response, None, params.get("EncryptionContext"), length=n)
        elif operation == "ReEncrypt":
            source = pools.ledger.get(params["CiphertextBlob"])
            if source is not None:
                self._record(
                    response,
                    source.plaintext,
                    params.get("DestinationEncryptionContext"),
                    length=source.length,
                    algorithm=response.get("DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT"),
                )

    def _record(
        self,
        response: dict[str, Any],
        plaintext: bytes | None,
        context: dict[str, str] | None,
        *,
        length: int | None = None,
        algorithm: str | None = None,
    ) -> None:
        blob = response["CiphertextBlob"]
        self.pools.ledger[blob] = LedgerEntry(
            blob,
            plaintext,
            length if plaintext is None else len(plaintext),  # type: ignore[arg-type]
            context or None,
            response["KeyId"],
            algorithm or response.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT"),
        )

    # -- the state property

    def verify(self, entry: LedgerEntry, *, recover: bool) -> None:
        """``entry`` decrypts to its plaintext, or fails exactly as its key's state demands.

        ``recover``: first bring a disabled or pending-deletion key back, so the ciphertext
        must decrypt (unless the key is gone because its deletion window passed)."""
        region = entry.key_arn.split(":")[3]
        c = self.clients.for_region(region)
        where = f"ledger entry for {entry.key_arn} (context {entry.context!r})"
        try:
            md = c.describe_key(KeyId=entry.key_arn)["KeyMetadata"]
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "NotFoundException", where
            due = self.deletion.get(entry.key_arn)
            assert due is not None, f"{where}: key vanished without a deletion being scheduled"
            assert due <= datetime.now(timezone.utc), f"{where}: key deleted before {due}"
            return
        state = md["KeyState"]
        if recover and md["KeyManager"] == "CUSTOMER":
            if state == "PendingDeletion":
                c.cancel_key_deletion(KeyId=entry.key_arn)
                self.deletion.pop(entry.key_arn, None)
                state = "Disabled"
            if state == "Disabled":
                c.enable_key(KeyId=entry.key_arn)
                state = "Enabled"
        kwargs: dict[str, Any] = {"CiphertextBlob": entry.blob}
        if entry.context:
            kwargs["EncryptionContext"] = entry.context
        if entry.algorithm != "SYMMETRIC_DEFAULT":
            kwargs["KeyId"] = entry.key_arn
            kwargs["EncryptionAlgorithm"] = entry.algorithm
        expected_error = {
            "Disabled": "DisabledException",
            "PendingDeletion": "KMSInvalidStateException",
        }
        if state == "Enabled":
            answer = c.decrypt(**kwargs)
            assert answer["KeyId"] == entry.key_arn, where
            if entry.plaintext is None:
                assert len(answer["Plaintext"]) == entry.length, where
            else:
                assert answer["Plaintext"] == entry.plaintext, where
        else:
            assert state in expected_error, f"{where}: unexpected state {state}"
            with pytest.raises(ClientError) as exc:
                c.decrypt(**kwargs)
            assert exc.value.response["Error"]["Code"] == expected_error[state], where

    def verify_all(self, *, recover: bool) -> None:
        for entry in list(self.pools.ledger.values()):
            self.verify(entry, recover=recover)


def _client(clients: Clients, name: str) -> Any:
    return getattr(clients, name)


CLIENT_NAMES = st.sampled_from(["loose", "loose", "loose", "strict", "custom_endpoint", "china"])


# -- every operation, each from a fresh activation ---------------------------------------------


def _per_operation_examples() -> int:
    return max(6, settings.default.max_examples // 6)


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_every_operation_answers_cleanly(clients: Clients, operation: str) -> None:
    """Each of the model's operations, with generated inputs, on a freshly seeded mock."""

    @settings(max_examples=_per_operation_examples())
    @given(data=st.data(), client_name=CLIENT_NAMES, damaged=st.integers(0, 4))
    def run(data: st.DataObject, client_name: str, damaged: int) -> None:
        pools = Pools()
        with time_machine.travel(START, tick=False), mock_kms():
            harness = Harness(clients, pools)
            harness.seed()
            params = data.draw(harness.requests(operation), label="params")
            mangle = data.draw(strategies.mangles(), label="mangle") if damaged == 0 else None
            client = clients.loose if mangle else _client(clients, client_name)
            harness.call(operation, params, client, mangle)
            harness.verify_all(recover=True)

    run()


# -- sequences of requests, with the clock moving ------------------------------------------------


class KmsSequences(RuleBasedStateMachine):
    """Random operations on shared state while time passes; the ledger must always hold."""

    clients: Clients  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self.traveller = time_machine.travel(START, tick=False)
        self.time = self.traveller.start()
        self.mock = mock_kms().start()
        self.harness = Harness(self.clients, Pools())

    @initialize()
    def seed(self) -> None:
        self.harness.seed()

    @rule(data=st.data(), operation=st.sampled_from(OPERATION_NAMES), client_name=CLIENT_NAMES)
    def request(self, data: st.DataObject, operation: str, client_name: str) -> None:
        params = data.draw(self.harness.requests(operation), label="params")
        self.harness.call(operation, params, _client(self.clients, client_name))

    @rule(data=st.data(), operation=st.sampled_from(OPERATION_NAMES), mangle=strategies.mangles())
    def damaged_request(self, data: st.DataObject, operation: str, mangle: Mangle) -> None:
        params = data.draw(self.harness.requests(operation), label="params")
        self.harness.call(operation, params, self.clients.loose, mangle)

    @rule(
        plaintext=st.binary(min_size=1, max_size=64),
        context=st.one_of(
            st.none(), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
        ),
        pick=st.integers(0, 100),
    )
    def encrypt_with_a_known_key(
        self, plaintext: bytes, context: dict[str, str] | None, pick: int
    ) -> None:
        keys = [k for k in self.harness.pools.keys if k.spec == "SYMMETRIC_DEFAULT"]
        key = keys[pick % len(keys)]
        params: dict[str, Any] = {"KeyId": key.arn, "Plaintext": plaintext}
        if context is not None:
            params["EncryptionContext"] = context
        region = key.arn.split(":")[3]
        self.harness.call("Encrypt", params, self.clients.for_region(region))

    @rule(days=st.integers(0, 120), seconds=st.integers(0, 86_400))
    def time_passes(self, days: int, seconds: int) -> None:
        self.time.shift(timedelta(days=days, seconds=seconds))

    @precondition(lambda self: bool(self.harness.pools.ledger))
    @rule(pick=st.integers(0, 10_000))
    def a_ciphertext_still_decrypts(self, pick: int) -> None:
        entries = list(self.harness.pools.ledger.values())
        self.harness.verify(entries[pick % len(entries)], recover=False)

    def teardown(self) -> None:
        try:
            self.harness.verify_all(recover=True)
        finally:
            self.mock.stop()
            self.traveller.stop()


def test_random_request_sequences_keep_every_ciphertext(clients: Clients) -> None:
    KmsSequences.clients = clients
    run_state_machine_as_test(KmsSequences, settings=settings(stateful_step_count=50))


# -- the wire itself ---------------------------------------------------------------------------


@pytest.fixture
def _active() -> Iterator[None]:
    with mock_kms():
        yield


@pytest.mark.usefixtures("_active")
@pytest.mark.parametrize("body", strategies.NOT_JSON_OBJECTS, ids=lambda b: repr(b[:12]))
@pytest.mark.parametrize("operation", ["Encrypt", "CreateKey", "ListKeys", "PutKeyPolicy"])
def test_bodies_that_are_not_json_objects_answer_serialization_exception(
    clients: Clients, operation: str, body: bytes
) -> None:
    outcome = invoke(clients.loose, operation, {}, Mangle(raw=body))
    assert (outcome.code, outcome.status) == ("SerializationException", 400), outcome
    check(operation, {}, outcome, Mangle(raw=body))


# -- what the fuzzer found, pinned ---------------------------------------------------------------


def test_a_body_nested_deeper_than_the_parser_goes_is_a_serialization_error(
    clients: Clients,
) -> None:
    with mock_kms():
        outcome = invoke(clients.loose, "ListKeys", {}, Mangle(raw=b"[" * 100_000))
    assert (outcome.code, outcome.status) == ("SerializationException", 400)


def test_lone_surrogates_in_strings_are_text_not_a_crash(clients: Clients) -> None:
    """JSON can carry an unpaired UTF-16 surrogate; AWS's Java services encode it as '?'."""
    with mock_kms():
        c = clients.loose
        key = c.create_key(Description="odd \ud800 text")["KeyMetadata"]
        assert key["Description"] == "odd ? text"
        blob = c.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"\ud800": "v"})[
            "CiphertextBlob"
        ]
        for context in ({"\ud800": "v"}, {"?": "v"}):
            answer = c.decrypt(CiphertextBlob=blob, EncryptionContext=context)
            assert answer["Plaintext"] == b"p"


def test_model_patterns_are_java_regexes_with_ascii_classes(clients: Clients) -> None:
    # PolicyNameType is [\w]+: in Java (and on AWS) \w is [a-zA-Z_0-9], so "é" does not match.
    with mock_kms():
        key = clients.loose.create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(ClientError) as exc:
            clients.loose.get_key_policy(KeyId=key, PolicyName="défault")
    assert exc.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'défault' at 'policyName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\w]+",
    }
