"""Hypothesis strategies for KMS requests, derived from botocore's own KMS service model.

Every operation's input shape is turned into a strategy that produces the keyword arguments a
boto3 user would pass: the right Python type for every member (bytes for blobs, datetimes for
timestamps), with values that are valid, on a boundary (min - 1, min, max, max + 1 lengths and
ranges), or invalid (unknown enum values, pattern violations, malformed key ids and ARNs, random
blobs, unusual Unicode). Values are mixed with what the running test already created (``Pools``:
real key ids, ARNs, aliases, ciphertexts and their encryption contexts), so requests reach the
deep paths of each operation and not only its validation.

``mangles()`` describes wire-level damage — a member of the wrong JSON type, a body that is not
JSON — applied to the serialized request just before it reaches the mock (what a raw HTTP
client or a buggy SDK could send).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import botocore.session
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from tests.helpers import public_xks_store

SERVICE_MODEL = botocore.session.get_session().get_service_model("kms")
OPERATION_NAMES: tuple[str, ...] = tuple(sorted(SERVICE_MODEL.operation_names))

# Any operation may answer these although the model does not list them for every operation.
ALWAYS_ALLOWED = frozenset({"ValidationException", "AccessDeniedException"})
# Listed by the model for every operation, but from kmsmock it means a kmsmock bug.
CRASH_CODES = frozenset({"KMSInternalException", "InternalFailure", "InternalError"})

REGION = "us-east-1"
ACCOUNT = "123456789012"
FOREIGN_ACCOUNT = "210987654321"
FOREIGN_REGION = "eu-west-3"


def allowed_codes(operation: str) -> frozenset[str]:
    """The error codes AWS may answer ``operation`` with: the model's list, minus internal
    failures, plus the codes every operation can return."""
    model = SERVICE_MODEL.operation_model(operation)
    return frozenset(e.name for e in model.error_shapes) - CRASH_CODES | ALWAYS_ALLOWED


# -- what the running test knows exists ------------------------------------------------------


@dataclass
class KnownKey:
    key_id: str
    arn: str
    spec: str
    usage: str


@dataclass
class LedgerEntry:
    """A ciphertext kmsmock produced, and everything needed to check it still decrypts."""

    blob: bytes
    plaintext: bytes | None  # None: a data key made without plaintext (only its length known)
    length: int
    context: dict[str, str] | None
    key_arn: str
    algorithm: str = "SYMMETRIC_DEFAULT"


@dataclass
class Pools:
    """Identifiers and ciphertexts seen so far; the strategies below draw from them."""

    keys: list[KnownKey] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    ledger: dict[bytes, LedgerEntry] = field(default_factory=dict)
    # Verify / VerifyMac requests that must succeed: what Sign / GenerateMac were given and
    # what they answered.
    signed: list[dict[str, Any]] = field(default_factory=list)
    maced: list[dict[str, Any]] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    grant_tokens: list[str] = field(default_factory=list)
    grant_ids: list[str] = field(default_factory=list)
    grants: list[tuple[str, str, str]] = field(default_factory=list)  # (KeyId, GrantId, token)

    def add_key(self, metadata: dict[str, Any]) -> None:
        if any(k.key_id == metadata["KeyId"] for k in self.keys):
            return
        self.keys.append(
            KnownKey(metadata["KeyId"], metadata["Arn"], metadata["KeySpec"], metadata["KeyUsage"])
        )

    def add_alias(self, name: str) -> None:
        if name not in self.aliases:
            self.aliases.append(name)


def _one_of(draw: st.DrawFn, items: list[Any]) -> Any:
    """One of ``items`` (not empty), drawn by index so that it shrinks towards the first."""
    return items[draw(st.integers(0, len(items) - 1))]


def _pick(items: Any, fallback: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """One element of a list that grows while the test runs (``items()`` is read at draw time)."""

    @st.composite
    def pick(draw: st.DrawFn) -> Any:
        found = items()
        if not found:
            return draw(fallback)
        return _one_of(draw, found)

    return pick()


# -- values worth trying anywhere ------------------------------------------------------------

INTERESTING_TEXT = (
    "",
    " ",
    "\x00",
    "\n",
    "\t",
    "null",
    "None",
    "true",
    "0",
    "-1",
    "%s%n%x",
    "'",
    '"',
    "\\",
    "{}",
    "[]",
    "é",
    "\u00ff",
    "\u0100",
    "😀",
    "\u202e",
    "\ufeff",
    "\ud800",  # a lone surrogate: valid in a JSON string, not encodable as UTF-8
    "\udfff",
    "a\ud83dz",
    "alias/",
    "arn:",
    "key/",
    "../../",
    "*",
)


def _fill(seed: str, size: int) -> str:
    if size <= 0:
        return ""
    seed = seed or "a"
    return (seed * (size // len(seed) + 1))[:size]


def _sized_text(
    lo: int, hi: int, alphabet: SearchStrategy[str] | None = None
) -> SearchStrategy[str]:
    """Strings exactly on and beside the length bounds (cheap even for 131072 characters)."""
    sizes = sorted({s for s in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1) if s >= 0})
    seed = (
        st.text(alphabet=alphabet, min_size=1, max_size=8)
        if alphabet
        else st.text(min_size=1, max_size=8)
    )
    return st.builds(_fill, seed, st.sampled_from(sizes))


def _sized_blob(lo: int, hi: int) -> SearchStrategy[bytes]:
    sizes = sorted({s for s in (0, lo - 1, lo, lo + 1, hi - 1, hi, hi + 1) if s >= 0})

    def fill(seed: bytes, size: int) -> bytes:
        return (seed * (size // len(seed) + 1))[:size]

    return st.builds(fill, st.binary(min_size=1, max_size=16), st.sampled_from(sizes))


# -- identifiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Values:
    """How to fill one member: ``valid`` values pass the service's syntactic checks (they may
    still name nothing); ``wild`` ones are boundary, malformed or hostile."""

    valid: SearchStrategy[Any]
    wild: SearchStrategy[Any]

    def any(self) -> SearchStrategy[Any]:
        return st.one_of(self.valid, self.wild)


_HEX = "0123456789abcdef"
MALFORMED_KEY_IDS = (
    "",
    " ",
    "1234ABCD-12AB-34CD-56EF-1234567890AB",
    "1234abcd12ab34cd56ef1234567890ab",
    "1234abcd-12ab-34cd-56ef-1234567890a",
    "1234abcd-12ab-34cd-56ef-1234567890abc",
    "mrk-1234abcd12ab34cd56ef1234567890a",
    "mrk-",
    "mrk-XYZ",
    "arn:aws:kms",
    "arn:aws:kms:us-east-1:123456789012:key/",
    "arn:aws:kms:us-east-1:123456789012:key/not-a-key-id",
    "arn:aws:kms:us-east-1:123456789012:alias/",
    "arn:aws:kms:us-east-1:123456789012:alias/does-not-exist",
    "arn:aws:kms:us-east-1::key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:::key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:s3:::bucket",
    "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab/extra",
    "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    "arn:",
    "ARN:AWS:KMS:US-EAST-1:123456789012:KEY/1234ABCD-12AB-34CD-56EF-1234567890AB",
    "alias/",
    "alias/aws/not-a-service",
    "alias/aws/",
    "alias//",
    "alias/with:colon",
    "Alias/upper",
    "key/1234abcd-12ab-34cd-56ef-1234567890ab",
)
WELL_FORMED_UNKNOWN_KEY_IDS = (
    "1234abcd-12ab-34cd-56ef-1234567890ab",  # AWS's documentation example
    "mrk-1234abcd12ab34cd56ef1234567890ab",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/does-not-exist",
    "alias/aws/s3",  # a predefined AWS managed alias: using it creates the managed key
    "alias/aws/ebs",
)


def _valid_forms(key: KnownKey, aliases: list[str]) -> list[str]:
    _, partition, service, region, account, _ = key.arn.split(":", 5)
    forms = [key.key_id, key.arn]
    for name in aliases[-3:]:
        forms += [name, f"arn:{partition}:{service}:{region}:{account}:{name}"]
    return forms


def _odd_forms(key: KnownKey) -> list[str]:
    arn = key.arn
    _, partition, _, region, account, _ = arn.split(":", 5)
    return [
        key.key_id.upper(),
        arn.replace(f":{region}:", f":{FOREIGN_REGION}:"),
        arn.replace(f":{account}:", f":{FOREIGN_ACCOUNT}:"),
        arn.replace(f"arn:{partition}:", "arn:aws-cn:"),
        arn.replace(":key/", ":alias/"),
        arn + " ",
        " " + key.key_id,
        key.key_id[:-1],
    ]


def key_ids(pools: Pools) -> Values:
    """Every way a KeyId parameter can name a key, or fail to."""

    def known(forms: Any) -> SearchStrategy[str]:
        @st.composite
        def draw_form(draw: st.DrawFn) -> str:
            if not pools.keys:
                return draw(st.sampled_from(WELL_FORMED_UNKNOWN_KEY_IDS))
            key = _one_of(draw, pools.keys)
            return draw(st.sampled_from(forms(key)))

        return draw_form()

    valid = st.one_of(
        known(lambda k: _valid_forms(k, pools.aliases)),
        known(lambda k: _valid_forms(k, pools.aliases)),
        known(lambda k: _valid_forms(k, pools.aliases)),
        st.sampled_from(WELL_FORMED_UNKNOWN_KEY_IDS),
        st.uuids().map(str),
    )
    wild = st.one_of(
        known(_odd_forms),
        st.sampled_from(MALFORMED_KEY_IDS),
        st.text(alphabet=_HEX, min_size=30, max_size=34).map(lambda h: f"mrk-{h}"),
        st.builds(
            lambda region, account, kind, rest: f"arn:aws:kms:{region}:{account}:{kind}/{rest}",
            st.sampled_from([REGION, FOREIGN_REGION, "", "US-EAST-1"]),
            st.sampled_from([ACCOUNT, FOREIGN_ACCOUNT, "", "12345678901"]),
            st.sampled_from(["key", "alias"]),
            st.one_of(st.uuids().map(str), st.text(max_size=12)),
        ),
        _sized_text(1, 2048),
        st.sampled_from(INTERESTING_TEXT),
        st.text(max_size=20),
    )
    return Values(valid, wild)


def alias_names(pools: Pools) -> Values:
    fresh = st.from_regex(r"alias/[a-zA-Z0-9_-][a-zA-Z0-9/_-]{0,19}", fullmatch=True).filter(
        lambda s: not s.startswith("alias/aws/")
    )
    return Values(
        st.one_of(_pick(lambda: pools.aliases, fresh), fresh),
        st.one_of(
            st.sampled_from(
                [
                    "alias/",
                    "alias/aws/s3",
                    "alias/aws/not-a-service",
                    "alias/aws/",
                    "alias/a:b",
                    "alias//x",
                    "no-prefix",
                    "ALIAS/upper",
                    "alias/" + "a" * 250,
                    "alias/" + "a" * 251,
                    "arn:aws:kms:us-east-1:123456789012:alias/x",
                ]
            ),
            st.text(alphabet="abc/:_-", max_size=12).map(lambda s: "alias/" + s),
            _sized_text(1, 256),
            st.sampled_from(INTERESTING_TEXT),
        ),
    )


def ciphertexts(pools: Pools) -> Values:
    """Real ciphertexts, damaged ones, and random blobs."""

    def damage(blob: bytes, where: int, how: int) -> bytes:
        i = where % len(blob)
        if how == 0:  # flip one bit
            return blob[:i] + bytes([blob[i] ^ 1]) + blob[i + 1 :]
        if how == 1:  # truncate
            return blob[:i] or b"\x01"
        if how == 2:  # extend
            return blob + b"\x00"
        if how == 3:  # same header, other body
            return blob[:64] + bytes(max(len(blob) - 64, 1))
        return blob[:2] + bytes(5) + blob[7:]  # the header names another account

    real = _pick(lambda: list(pools.ledger), st.binary(min_size=1, max_size=200))
    return Values(
        real,
        st.one_of(
            st.builds(damage, real, st.integers(0, 10_000), st.integers(0, 4)),
            st.binary(max_size=200),
            _sized_blob(1, 6144),
            st.sampled_from([b"\x01", b"\x01\x00" + bytes(200), b"\x01\x01" + bytes(200)]),
        ),
    )


def contexts(pools: Pools) -> Values:
    short = st.text(max_size=10)
    odd = st.one_of(short, st.sampled_from(INTERESTING_TEXT))
    return Values(
        st.one_of(
            _pick(lambda: [e.context for e in pools.ledger.values() if e.context], st.just({})),
            st.dictionaries(short, short, max_size=3),
        ),
        st.one_of(
            st.dictionaries(odd, odd, max_size=4),
            st.sampled_from([{}, {"a": "bc"}, {"ab": "c"}, {"": ""}, {"k": "v" * 9000}]),
        ),
    )


def markers(pools: Pools) -> Values:
    def enc(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode()

    return Values(
        _pick(lambda: pools.markers, st.text(min_size=1, max_size=20)),
        st.one_of(
            st.text(max_size=20),
            _sized_text(1, 1024),
            st.builds(enc, st.text(max_size=20)),
            st.integers(-(2**70), 2**70).map(lambda n: enc(f"kmsmock:{n}")),
            st.sampled_from(
                ["kmsmock:1", enc("kmsmock:"), enc("kmsmock:9" * 3000), "====", "\x7f"]
            ),
            st.sampled_from(INTERESTING_TEXT),
        ),
    )


VALID_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
)


def policies() -> Values:
    return Values(
        st.just(VALID_POLICY),
        st.one_of(
            st.sampled_from(
                [
                    "{}",
                    "[]",
                    "null",
                    "not json",
                    '{"Statement": []}',
                    '{"Statement": "x"}',
                    "[" * 5000 + "]" * 5000,  # deeper than the JSON parser's recursion limit
                    '{"Statement":' * 3000 + "1" + "}" * 3000,
                    VALID_POLICY[:-1] + ', "x": "' + "a" * 32700 + '"}',  # just over 32 KiB
                    VALID_POLICY + "\ud800",
                    '{"Statement": [], "é": "\ud800"}',
                ]
            ),
            _sized_text(1, 131072),
            st.text(max_size=30),
        ),
    )


REGIONS = ("us-east-1", "us-west-2", "eu-west-3", "cn-north-1", "us-gov-west-1")

# (KeySpec, KeyUsage) pairs AWS accepts (kms-facts §8.1, the CreateKey documentation).
VALID_KEY_TYPES = (
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    ("RSA_2048", "ENCRYPT_DECRYPT"),
    ("RSA_2048", "SIGN_VERIFY"),
    ("RSA_3072", "SIGN_VERIFY"),
    ("ECC_NIST_P256", "SIGN_VERIFY"),
    ("ECC_NIST_P384", "KEY_AGREEMENT"),
    ("ECC_SECG_P256K1", "SIGN_VERIFY"),
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"),
    ("ML_DSA_44", "SIGN_VERIFY"),
    ("ML_KEM_768", "ENCAPSULATE_DECAPSULATE"),
    ("HMAC_256", "GENERATE_VERIFY_MAC"),
    ("HMAC_512", "GENERATE_VERIFY_MAC"),
    ("SM2", "ENCRYPT_DECRYPT"),
    ("SM2", "SIGN_VERIFY"),
)

# One signing algorithm per key spec (the Sign documentation), to reach Sign/Verify successes.
SIGNING_ALGORITHMS = {
    "RSA_2048": "RSASSA_PSS_SHA_256",
    "RSA_3072": "RSASSA_PKCS1_V1_5_SHA_384",
    "RSA_4096": "RSASSA_PSS_SHA_512",
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "ECC_NIST_P384": "ECDSA_SHA_384",
    "ECC_NIST_P521": "ECDSA_SHA_512",
    "ECC_SECG_P256K1": "ECDSA_SHA_256",
    "ECC_NIST_EDWARDS25519": "ED25519_SHA_512",
    "ML_DSA_44": "ML_DSA_SHAKE_256",
    "SM2": "SM2DSA",
}
MAC_ALGORITHMS = {f"HMAC_{n}": f"HMAC_SHA_{n}" for n in (224, 256, 384, 512)}


# -- from the model --------------------------------------------------------------------------


def _enum(shape: Any) -> Values:
    values = list(shape.enum)
    return Values(
        st.sampled_from(values),
        st.one_of(
            st.sampled_from(values).map(str.lower),
            st.sampled_from(values).map(lambda v: v + " "),
            st.sampled_from(INTERESTING_TEXT),
            st.text(max_size=12),
        ),
    )


def _string(shape: Any) -> Values:
    if shape.enum:
        return _enum(shape)
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max", 256)
    if "pattern" in meta:
        # The model's patterns are Java regexes: \w, \d and \s mean ASCII there.
        valid = st.from_regex(re.compile(meta["pattern"], re.ASCII), fullmatch=True).map(
            lambda s: _fill(s, lo) if len(s) < lo else s[:hi]
        )
    else:
        valid = st.text(min_size=lo, max_size=max(lo, min(hi, 24)))
    return Values(
        valid,
        st.one_of(_sized_text(lo, hi), st.sampled_from(INTERESTING_TEXT), st.text(max_size=24)),
    )


def _integer(shape: Any) -> Values:
    meta = shape.metadata
    lo, hi = meta.get("min", -(2**31)), meta.get("max", 2**31 - 1)
    return Values(
        st.integers(lo, hi),
        st.one_of(
            st.sampled_from(sorted({lo - 1, lo, lo + 1, hi - 1, hi, hi + 1})),
            st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, -(2**63)]),
        ),
    )


def _blob(shape: Any) -> Values:
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max", 4096)
    return Values(
        st.binary(min_size=lo, max_size=max(lo, min(hi, 64))),
        st.one_of(st.binary(max_size=min(hi + 1, 64)), _sized_blob(lo, hi)),
    )


def _timestamp() -> Values:
    return Values(
        st.datetimes(
            min_value=datetime(2025, 1, 1),
            max_value=datetime(2030, 1, 1),
            timezones=st.just(timezone.utc),
        ),
        st.one_of(
            st.datetimes(
                min_value=datetime(1970, 1, 2),
                max_value=datetime(3000, 1, 1),
                timezones=st.just(timezone.utc),
            ),
            st.sampled_from(
                [
                    datetime(1, 1, 2, tzinfo=timezone.utc),
                    datetime(9999, 12, 30, tzinfo=timezone.utc),
                    datetime(1970, 1, 1, tzinfo=timezone.utc),
                ]
            ),
        ),
    )


# How a request is built: every member valid, exactly one member wild, or anything goes.
VALID, ONE_WILD, WILD = "valid", "one wild member", "wild"
_MODES = st.sampled_from([VALID, VALID, VALID, VALID, ONE_WILD, ONE_WILD, ONE_WILD, WILD, WILD])


class _Builder:
    """Compiles shapes to ``Values`` once per ``Pools``."""

    def __init__(self, pools: Pools) -> None:
        self.pools = pools
        self._cache: dict[tuple[str, str], Values] = {}

    def member(self, name: str, shape: Any) -> Values:
        found = self._cache.get((name, shape.name))
        if found is None:
            found = self._cache[(name, shape.name)] = self._special(name, shape) or self._compile(
                shape
            )
        return found

    def _special(self, name: str, shape: Any) -> Values | None:
        pools = self.pools
        if shape.name == "KeyIdType":
            return key_ids(pools)
        if shape.name == "AliasNameType":
            return alias_names(pools)
        if shape.name == "CiphertextType" and name == "CiphertextBlob":
            return ciphertexts(pools)
        if shape.name == "CiphertextType" and name in ("Signature", "Mac"):
            records = pools.signed if name == "Signature" else pools.maced
            generic = _blob(shape)
            return Values(
                _pick(lambda: [r[name] for r in records], generic.valid),
                generic.wild,
            )
        if shape.name == "GrantTokenList":
            generic = self._compile(shape)
            return Values(_known_tokens(pools), generic.wild)
        if shape.name == "GrantTokenType":
            generic = self._compile(shape)
            return Values(_pick(lambda: pools.grant_tokens, generic.valid), generic.wild)
        if shape.name == "GrantIdType":
            generic = self._compile(shape)
            hex64 = st.text(alphabet=_HEX, min_size=64, max_size=64)
            return Values(_pick(lambda: pools.grant_ids, hex64), generic.any())
        if shape.name == "EncryptionContextType":
            return contexts(pools)
        if shape.name == "MarkerType":
            return markers(pools)
        if shape.name == "PolicyType":
            return policies()
        if shape.name == "RegionType":
            return Values(st.sampled_from(REGIONS), self._compile(shape).any())
        if shape.name == "TagKeyType":
            return Values(
                st.text(alphabet="abcXYZ019 _.:/=+-@", min_size=1, max_size=16).filter(
                    lambda k: not k.lower().startswith("aws:")
                ),
                st.one_of(
                    st.sampled_from(["aws:x", "AWS:x", "Aws:", "k "]), self._compile(shape).wild
                ),
            )
        return None

    def _compile(self, shape: Any) -> Values:
        kind = shape.type_name
        if kind == "string":
            return _string(shape)
        if kind == "blob":
            return _blob(shape)
        if kind in ("integer", "long"):
            return _integer(shape)
        if kind == "boolean":
            return Values(st.booleans(), st.booleans())
        if kind == "timestamp":
            return _timestamp()
        if kind == "list":
            member = self.member("", shape.member)
            lo, hi = shape.metadata.get("min", 0), shape.metadata.get("max", 6)
            return Values(
                st.lists(member.valid, min_size=lo, max_size=max(lo, min(hi, 4))),
                st.lists(member.any(), max_size=min(hi + 1, 12)),
            )
        if kind == "map":
            key, value = self.member("", shape.key), self.member("", shape.value)
            return Values(
                st.dictionaries(key.valid, value.valid, max_size=3),
                st.dictionaries(key.any(), value.any(), max_size=5),
            )
        if kind == "structure":
            return Values(self.structure(shape, VALID), self.structure(shape, None))
        raise TypeError(f"unhandled shape type {kind}")

    def structure(self, shape: Any, mode: str | None) -> SearchStrategy[dict[str, Any]]:
        """Requests of one shape; ``mode`` None draws the mode per request."""
        members = {name: self.member(name, m) for name, m in shape.members.items()}
        names = list(members)
        required = set(shape.required_members)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            how = mode or draw(_MODES)
            odd = draw(st.sampled_from(names)) if how == ONE_WILD and names else None
            out: dict[str, Any] = {}
            for name, values in members.items():
                if name == odd:
                    out[name] = draw(values.wild)
                    continue
                if name in required:
                    # A wild request sometimes leaves out a required member.
                    present = how != WILD or draw(st.integers(0, 9)) > 0
                else:
                    present = draw(st.integers(0, 2)) == 0
                if present:
                    out[name] = draw(values.any() if how == WILD else values.valid)
            return out

        return build()


def _known_tokens(pools: Pools) -> SearchStrategy[list[str]]:
    """Up to two grant tokens CreateGrant really returned (none until it has)."""

    @st.composite
    def draw_tokens(draw: st.DrawFn) -> list[str]:
        tokens = pools.grant_tokens
        if not tokens:
            return []
        count = draw(st.integers(0, min(2, len(tokens))))
        return [_one_of(draw, tokens) for _ in range(count)]

    return draw_tokens()


# -- requests --------------------------------------------------------------------------------


class RequestStrategies:
    """Per-operation request strategies bound to one ``Pools``."""

    def __init__(self, pools: Pools) -> None:
        self.pools = pools
        self._builder = _Builder(pools)
        self._ops: dict[str, SearchStrategy[dict[str, Any]]] = {}

    def __call__(self, operation: str) -> SearchStrategy[dict[str, Any]]:
        found = self._ops.get(operation)
        if found is None:
            shape = SERVICE_MODEL.operation_model(operation).input_shape
            generic = self._builder.structure(shape, None)
            correlate = _CORRELATIONS.get(operation)
            if correlate is not None:
                fix = correlate
                pools = self.pools

                @st.composite
                def correlated(draw: st.DrawFn) -> dict[str, Any]:
                    params: dict[str, Any] = draw(generic)
                    if draw(st.booleans()):
                        fix(draw, pools, params)
                    return params

                found = correlated()
            else:
                found = generic
            self._ops[operation] = found
        return found


# Correlations between members that independent draws would almost never line up: each takes
# (draw, pools, params) and adjusts params in place so the request can reach a success path.


def _from_ledger(draw: st.DrawFn, pools: Pools, params: dict[str, Any], prefix: str) -> None:
    entries = list(pools.ledger.values())
    if not entries:
        return
    entry = _one_of(draw, entries)
    params["CiphertextBlob"] = entry.blob
    params.pop(f"{prefix}EncryptionContext", None)
    if entry.context:
        params[f"{prefix}EncryptionContext"] = entry.context
    if entry.algorithm != "SYMMETRIC_DEFAULT":
        params[f"{prefix}KeyId"] = entry.key_arn
        params[f"{prefix}EncryptionAlgorithm"] = entry.algorithm
    else:
        params.pop(f"{prefix}EncryptionAlgorithm", None)
    params.pop("DryRunModifiers", None)


def _decrypt(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    _from_ledger(draw, pools, params, "")
    params.pop("Recipient", None)


def _re_encrypt(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    _from_ledger(draw, pools, params, "Source")
    params.pop("DestinationEncryptionAlgorithm", None)


def _create_key(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    spec, usage = draw(st.sampled_from(VALID_KEY_TYPES))
    params.update(KeySpec=spec, KeyUsage=usage)
    for member in ("CustomerMasterKeySpec", "Origin", "CustomKeyStoreId", "XksKeyId"):
        params.pop(member, None)


def _data_key(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    params.pop("KeySpec", None)
    params.pop("NumberOfBytes", None)
    params.pop("Recipient", None)
    if draw(st.booleans()):
        params["KeySpec"] = draw(st.sampled_from(["AES_128", "AES_256"]))
    else:
        params["NumberOfBytes"] = draw(st.integers(1, 1024))


def _keys_with(pools: Pools, usage: str) -> list[KnownKey]:
    return [k for k in pools.keys if k.usage == usage]


def _key_for(
    draw: st.DrawFn, pools: Pools, usage: str, algorithms: dict[str, str]
) -> KnownKey | None:
    """One of the known keys of ``usage`` whose spec has an entry in ``algorithms``, if any."""
    keys = [k for k in _keys_with(pools, usage) if k.spec in algorithms]
    return _one_of(draw, keys) if keys else None


def _message_to(draw: st.DrawFn, key: KnownKey) -> dict[str, Any]:
    """A short message for ``key`` to sign or MAC."""
    return {"KeyId": key.arn, "Message": draw(st.binary(min_size=1, max_size=64))}


def _sign(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    key = _key_for(draw, pools, "SIGN_VERIFY", SIGNING_ALGORITHMS)
    if key:
        algorithm = SIGNING_ALGORITHMS[key.spec]
        params.update(_message_to(draw, key), MessageType="RAW", SigningAlgorithm=algorithm)


def _verify(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    if pools.signed and draw(st.booleans()):
        params.update(_one_of(draw, pools.signed))
    else:
        _sign(draw, pools, params)


def _verify_mac(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    if pools.maced and draw(st.booleans()):
        params.update(_one_of(draw, pools.maced))
    else:
        _mac(draw, pools, params)


def _mac(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    key = _key_for(draw, pools, "GENERATE_VERIFY_MAC", MAC_ALGORITHMS)
    if key:
        params.update(_message_to(draw, key), MacAlgorithm=MAC_ALGORITHMS[key.spec])


def _encrypt(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    keys = _keys_with(pools, "ENCRYPT_DECRYPT")
    if keys:
        key = _one_of(draw, keys)
        params["KeyId"] = key.arn
        params.pop("EncryptionAlgorithm", None)
        if key.spec.startswith("RSA_"):
            params["EncryptionAlgorithm"] = draw(
                st.sampled_from(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
            )
            params["Plaintext"] = params.get("Plaintext", b"x")[:60] or b"x"
            params.pop("EncryptionContext", None)


def _schedule_deletion(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    params["PendingWindowInDays"] = draw(st.integers(7, 30))


def _create_grant(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    if pools.keys:
        params["KeyId"] = _one_of(draw, pools.keys).arn
    params["GranteePrincipal"] = f"arn:aws:iam::{ACCOUNT}:role/fuzz"
    params["Operations"] = draw(
        st.lists(
            st.sampled_from(["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "Sign"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for member in ("GranteeServicePrincipal", "RetiringServicePrincipal", "Constraints"):
        params.pop(member, None)
    params.pop("RetiringPrincipal", None)
    if draw(st.booleans()):
        params["RetiringPrincipal"] = f"arn:aws:iam::{ACCOUNT}:role/retirer"


def _known_grant(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    if not pools.grants:
        return
    key_id, grant_id, token = _one_of(draw, pools.grants)
    params.pop("GrantToken", None)
    params.update(KeyId=key_id, GrantId=grant_id)
    if "GrantToken" in SERVICE_MODEL.operation_model("RetireGrant").input_shape.members and draw(
        st.booleans()
    ):
        params["GrantToken"] = token


def _revoke_grant(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    _known_grant(draw, pools, params)
    params.pop("GrantToken", None)


def _replicate_key(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    primaries = [k for k in pools.keys if k.key_id.startswith("mrk-")]
    if primaries:
        key = _one_of(draw, primaries)
        params["KeyId"] = key.arn
        params["ReplicaRegion"] = draw(st.sampled_from(["us-west-2", "eu-west-3", "ap-south-1"]))
        params.pop("Policy", None)


def _create_xks(draw: st.DrawFn, pools: Pools, params: dict[str, Any]) -> None:
    params.clear()
    name = draw(st.from_regex(r"xks-[a-z0-9]{1,12}", fullmatch=True))
    params.update(public_xks_store(name, "a" * 43))


_CORRELATIONS: dict[str, Any] = {
    "CreateGrant": _create_grant,
    "RetireGrant": _known_grant,
    "RevokeGrant": _revoke_grant,
    "ReplicateKey": _replicate_key,
    "CreateCustomKeyStore": _create_xks,
    "Decrypt": _decrypt,
    "ReEncrypt": _re_encrypt,
    "CreateKey": _create_key,
    "GenerateDataKey": _data_key,
    "GenerateDataKeyWithoutPlaintext": _data_key,
    "Sign": _sign,
    "Verify": _verify,
    "GenerateMac": _mac,
    "VerifyMac": _verify_mac,
    "Encrypt": _encrypt,
    "ScheduleKeyDeletion": _schedule_deletion,
}


# -- wire-level damage -----------------------------------------------------------------------

WRONG_JSON_VALUES: tuple[Any, ...] = (
    0,
    -1,
    1.5,
    10**40,
    True,
    False,
    "",
    "x",
    "not base64!",
    "AAAA====",
    [],
    [1, "a"],
    {},
    {"a": 1},
    {"a": {"b": []}},
    float("nan"),
    float("inf"),
)

# Bodies that are not a JSON object: AWS answers SerializationException whatever the operation.
NOT_JSON_OBJECTS: tuple[bytes, ...] = (
    b"{",
    b"}",
    b"[]",
    b"null",
    b"1",
    b'"text"',
    b"\xff\xfe\x00",
    b"{'single': 'quotes'}",
    b'{"a": 1,}',
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the JSON parser's recursion limit
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\x00" * 16,
)
RAW_BODIES: tuple[bytes, ...] = (
    *NOT_JSON_OBJECTS,
    b"",
    b'{"KeyId": "\\ud800"}',
    b'{"KeyId": "\\u0000"}',
    b'{"Unknown": 1}',
)


@dataclass(frozen=True, repr=False)
class Mangle:
    """What to do to a serialized request body: replace it, or one member's value."""

    raw: bytes | None = None
    member_index: int = 0  # which top-level member (modulo the members present or modeled)
    value: Any = None
    nested: bool = False  # put the wrong value one level down (in a list or map) when possible

    def __repr__(self) -> str:
        if self.raw is not None:
            shown = self.raw if len(self.raw) <= 40 else self.raw[:40] + b"..."
            return f"Mangle(raw={shown!r} ({len(self.raw)} bytes))"
        return (
            f"Mangle(member_index={self.member_index}, value={self.value!r}, nested={self.nested})"
        )

    def apply(self, operation: str, body: bytes) -> bytes:
        if self.raw is not None:
            return self.raw
        wire = json.loads(body or b"{}")
        names = list(wire) or list(SERVICE_MODEL.operation_model(operation).input_shape.members)
        name = names[self.member_index % len(names)]
        current = wire.get(name)
        if self.nested and isinstance(current, list) and current:
            current[0] = self.value
        elif self.nested and isinstance(current, dict) and current:
            current[next(iter(current))] = self.value
        else:
            wire[name] = self.value
        return json.dumps(wire).encode()


def mangles() -> SearchStrategy[Mangle]:
    return st.one_of(
        st.builds(Mangle, raw=st.sampled_from(RAW_BODIES)),
        st.builds(
            Mangle,
            member_index=st.integers(0, 20),
            value=st.sampled_from(WRONG_JSON_VALUES),
            nested=st.booleans(),
        ),
    )
