"""The condition keys AWS KMS puts in a request's authorization context, per operation.

Data-driven: ``CONDITION_KEYS`` says, for every condition key, where its value comes from and
which page documents it; ``OPERATION_KEYS`` says which of them each operation (each *action*:
ReEncrypt is ``ReEncryptFrom`` on its source key and ``ReEncryptTo`` on its destination) supplies.
Sources: the KMS Developer Guide's "AWS KMS condition keys" (``conditions-kms``, the table at
the top of each key's section lists its operations) and "AWS KMS permissions"
(``kms-api-permissions-reference``: every operation on a KMS key also has the "Conditions for
KMS key operations"); the IAM User Guide's "AWS global condition context keys" for ``aws:*``.

Rules kept here:

- "This type of condition works even when the parameter doesn't appear in the request, such as
  when you use the parameter's default value" (conditions-kms, "Conditions for an API operation
  request"): KeySpec, KeyUsage, KeyOrigin, MultiRegion of CreateKey, MessageType, the encryption
  algorithm of symmetric operations, RotationPeriodInDays and PendingWindowInDays take their
  defaults. Except where AWS's own example tests absence with ``Null``:
  BypassPolicyLockoutSafetyCheck and ExpirationModel are present only when the request has them.
- ``kms:EncryptionContext:<key>``: the context key is case-insensitive (so it is lower-cased
  here), the value case-sensitive; on CreateGrant the pairs are the grant's constraint.
- ``kms:ViaService`` is absent: kmsmock's callers call KMS directly (a test that wants to act
  as a service sets it, with any other key such as ``aws:SourceIp``, through ``extra``).

Names are returned as AWS spells them (the evaluator lower-cases every name); multivalued keys
are lists; booleans are ``bool``; ``kms:ValidTo`` is Unix time in seconds (conditions-kms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: access imports nothing of kmsmock at run time
    from ..backend.key import Key
    from ..operations.registry import Context

_DG = "https://docs.aws.amazon.com/kms/latest/developerguide/"
_CK = _DG + "conditions-kms.html#conditions-kms-"
_GLOBAL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"


@dataclass(frozen=True)
class Facts:
    """What a condition key's value is read from."""

    action: str  # without "kms:", e.g. "Decrypt", "ReEncryptFrom"
    request: Mapping[str, Any]
    key: Key | None
    ctx: Context


Values = dict[str, object]
Extract = Callable[[Facts], Values]


@dataclass(frozen=True)
class ConditionKey:
    """One condition key (or family, such as ``aws:RequestTag/*``): its values and its page."""

    extract: Extract
    source: str


CONDITION_KEYS: dict[str, ConditionKey] = {}


def condition_key(name: str, anchor: str, page: str = _CK) -> Callable[[Extract], Extract]:
    """Register ``name``'s extractor with the page (and anchor) that defines the key."""

    def register(extract: Extract) -> Extract:
        CONDITION_KEYS[name] = ConditionKey(extract, page + anchor)
        return extract

    return register


def _one(name: str, value: object) -> Values:
    return {} if value is None else {name: value}


# -- what each action reads from its request ----------------------------------------------------

# The request members that name the key, the context and the algorithm, where they differ from
# KeyId / EncryptionContext / EncryptionAlgorithm.
_KEY_MEMBER = {"ReEncryptFrom": "SourceKeyId", "ReEncryptTo": "DestinationKeyId"}
_CONTEXT_MEMBER = {
    "ReEncryptFrom": "SourceEncryptionContext",
    "ReEncryptTo": "DestinationEncryptionContext",
}
_ALGORITHM_MEMBER = {
    "ReEncryptFrom": "SourceEncryptionAlgorithm",
    "ReEncryptTo": "DestinationEncryptionAlgorithm",
}


def encryption_context(action: str, request: Mapping[str, Any]) -> dict[str, str]:
    """The encryption context ``action`` is judged on (CreateGrant: its constraint's pairs)."""
    if action == "CreateGrant":
        constraints = request.get("Constraints") or {}
        pairs: dict[str, str] = {}
        for name in ("EncryptionContextSubset", "EncryptionContextEquals"):
            pairs.update(constraints.get(name) or {})
        return pairs
    return dict(request.get(_CONTEXT_MEMBER.get(action, "EncryptionContext")) or {})


@condition_key("kms:EncryptionContext:*", "encryption-context")
def _context_pairs(facts: Facts) -> Values:
    pairs = encryption_context(facts.action, facts.request)
    return {f"kms:EncryptionContext:{k.lower()}": v for k, v in pairs.items()}


@condition_key("kms:EncryptionContextKeys", "encryption-context-keys")
def _context_keys(facts: Facts) -> Values:
    keys = list(encryption_context(facts.action, facts.request))
    return {"kms:EncryptionContextKeys": keys} if keys else {}


@condition_key("kms:EncryptionAlgorithm", "encryption-algorithm")
def _encryption_algorithm(facts: Facts) -> Values:
    """The algorithm asked for, or used: data keys are always SYMMETRIC_DEFAULT."""
    given = facts.request.get(_ALGORITHM_MEMBER.get(facts.action, "EncryptionAlgorithm"))
    return {"kms:EncryptionAlgorithm": given or "SYMMETRIC_DEFAULT"}


@condition_key("kms:RequestAlias", "request-alias")
def _request_alias(facts: Facts) -> Values:
    """The alias name the request named the key by (an alias ARN counts by its name)."""
    named = facts.request.get(_KEY_MEMBER.get(facts.action, "KeyId"))
    if not isinstance(named, str):
        return {}
    if named.startswith("alias/"):
        return {"kms:RequestAlias": named}
    if named.startswith("arn:") and ":alias/" in named:
        return {"kms:RequestAlias": "alias/" + named.split(":alias/", 1)[1]}
    return {}


def _tags(request: Mapping[str, Any]) -> dict[str, str]:
    return {t["TagKey"]: t["TagValue"] for t in request.get("Tags") or ()}


@condition_key("aws:RequestTag/*", "#condition-keys-requesttag", _GLOBAL)
def _request_tags(facts: Facts) -> Values:
    return {f"aws:RequestTag/{k}": v for k, v in _tags(facts.request).items()}


@condition_key("aws:TagKeys", "#condition-keys-tagkeys", _GLOBAL)
def _tag_keys(facts: Facts) -> Values:
    keys = list(facts.request.get("TagKeys") or ()) or list(_tags(facts.request))
    return {"aws:TagKeys": keys} if keys else {}


@condition_key("kms:GrantConstraintType", "grant-constraint-type")
def _grant_constraint_type(facts: Facts) -> Values:
    kinds = [
        name
        for name in ("EncryptionContextEquals", "EncryptionContextSubset")
        if name in (facts.request.get("Constraints") or {})
    ]
    if not kinds:
        return {}
    return {"kms:GrantConstraintType": kinds[0] if len(kinds) == 1 else kinds}


@condition_key("kms:GrantOperations", "grant-operations")
def _grant_operations(facts: Facts) -> Values:
    return {"kms:GrantOperations": list(facts.request.get("Operations") or ())}


@condition_key("kms:GrantIsForAWSResource", "grant-is-for-aws-resource")
def _grant_is_for_aws_resource(facts: Facts) -> Values:
    """True only when an integrated service calls on the caller's behalf (kms:ViaService set)."""
    return {"kms:GrantIsForAWSResource": False}


@condition_key("kms:ValidTo", "valid-to")
def _valid_to(facts: Facts) -> Values:
    when = facts.request.get("ValidTo")
    if isinstance(when, datetime):
        moment = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        return {"kms:ValidTo": moment.timestamp()}
    return _one("kms:ValidTo", when)


def _member(name: str, member: str, default: object = None) -> Extract:
    """A condition key whose value is one request member (or its default)."""
    return lambda facts: _one(name, facts.request.get(member, default))


# -- what the key itself says (KMS key resource operations) -------------------------------------


@condition_key("kms:KeySpec", "key-spec")
def _key_spec(facts: Facts) -> Values:
    if facts.key is not None:
        spec = facts.key.spec.name
    else:  # CreateKey: the request, CustomerMasterKeySpec being KeySpec's old name
        req = facts.request
        spec = req.get("KeySpec") or req.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    return {"kms:KeySpec": spec, "kms:CustomerMasterKeySpec": spec}


@condition_key("kms:KeyUsage", "key-usage")
def _key_usage(facts: Facts) -> Values:
    if facts.key is not None:
        usage: object = facts.key.usage
    else:  # CreateKey's default is ENCRYPT_DECRYPT (other specs must name theirs)
        usage = facts.request.get("KeyUsage", "ENCRYPT_DECRYPT")
    return {"kms:KeyUsage": usage, "kms:CustomerMasterKeyUsage": usage}


@condition_key("kms:KeyOrigin", "key-origin")
def _key_origin(facts: Facts) -> Values:
    origin = facts.key.origin if facts.key is not None else facts.request.get("Origin", "AWS_KMS")
    return {"kms:KeyOrigin": origin}


@condition_key("kms:MultiRegion", "multiregion")
def _multi_region(facts: Facts) -> Values:
    if facts.key is not None:
        return {"kms:MultiRegion": facts.key.multi_region}
    return {"kms:MultiRegion": bool(facts.request.get("MultiRegion", False))}


@condition_key("kms:MultiRegionKeyType", "multiregion-key-type")
def _multi_region_key_type(facts: Facts) -> Values:
    """Only multi-Region keys have one; CreateKey makes a primary."""
    key = facts.key
    if key is None:
        return {"kms:MultiRegionKeyType": "PRIMARY"} if facts.request.get("MultiRegion") else {}
    if not key.multi_region:
        return {}
    primary = key.mr_set.primary if key.mr_set is not None else key
    return {"kms:MultiRegionKeyType": "PRIMARY" if primary is key else "REPLICA"}


@condition_key("kms:ResourceAliases", "resource-aliases")
def _resource_aliases(facts: Facts) -> Values:
    key = facts.key
    if key is None:
        return {}
    names = [a.name for a in key.store.aliases.values() if a.target == key.key_id]
    return {"kms:ResourceAliases": names} if names else {}


@condition_key("aws:ResourceTag/*", "#condition-keys-resourcetag", _GLOBAL)
def _resource_tags(facts: Facts) -> Values:
    # No key yet: the key CreateKey is making (its lockout check), tagged as the request says
    tags = facts.key.tags if facts.key is not None else _tags(facts.request)
    return {f"aws:ResourceTag/{k}": v for k, v in (tags or {}).items()}


@condition_key("kms:CallerAccount", "caller-account")
def _caller_account(facts: Facts) -> Values:
    return {"kms:CallerAccount": facts.ctx.caller.account}


def _globals(facts: Facts) -> Values:
    now = facts.ctx.now
    return {
        "aws:CurrentTime": now,
        "aws:EpochTime": int(now.timestamp()),
        "aws:SecureTransport": True,  # every AWS SDK and the CLI call KMS over HTTPS
        "aws:RequestedRegion": facts.ctx.region,
    }


# Condition keys whose value is one request member: key -> (member, default, page anchor).
_MEMBERS: dict[str, tuple[str, object, str]] = {
    "kms:DataKeyPairSpec": ("KeyPairSpec", None, "data-key-spec"),
    "kms:SigningAlgorithm": ("SigningAlgorithm", None, "signing-algorithm"),
    "kms:MessageType": ("MessageType", "RAW", "message-type"),
    "kms:MacAlgorithm": ("MacAlgorithm", None, "mac-algorithm"),
    "kms:KeyAgreementAlgorithm": ("KeyAgreementAlgorithm", None, "key-agreement-algorithm"),
    "kms:GranteePrincipal": ("GranteePrincipal", None, "grantee-principal"),
    "kms:RetiringPrincipal": ("RetiringPrincipal", None, "retiring-principal"),
    "kms:BypassPolicyLockoutSafetyCheck": (
        "BypassPolicyLockoutSafetyCheck",
        None,
        "bypass-policy-lockout-safety-check",
    ),
    "kms:RotationPeriodInDays": ("RotationPeriodInDays", 365, "rotation-period-in-days"),
    "kms:ScheduleKeyDeletionPendingWindowInDays": (
        "PendingWindowInDays",
        30,
        "schedule-key-deletion-pending-window-in-days",
    ),
    "kms:ReplicaRegion": ("ReplicaRegion", None, "replica-region"),
    "kms:PrimaryRegion": ("PrimaryRegion", None, "primary-region"),
    "kms:WrappingAlgorithm": ("WrappingAlgorithm", None, "wrapping-algorithm"),
    "kms:WrappingKeySpec": ("WrappingKeySpec", None, "wrapping-key-spec"),
    "kms:ExpirationModel": ("ExpirationModel", None, "expiration-model"),
}
for _name, (_from, _default, _anchor) in _MEMBERS.items():
    condition_key(_name, _anchor)(_member(_name, _from, _default))


@condition_key("kms:ReEncryptOnSameKey", "reencrypt-on-same-key")
def _same_key(facts: Facts) -> Values:
    source = facts.request.get("SourceKeyId")
    return {
        "kms:ReEncryptOnSameKey": source is not None
        and source == facts.request.get("DestinationKeyId")
    }


# -- which keys each action supplies (kms-api-permissions-reference and conditions-kms) ---------

# The key's own properties: of the key used, or (CreateKey) of the key the request creates.
_KEY_FACTS = (
    "kms:KeySpec",
    "kms:KeyUsage",
    "kms:KeyOrigin",
    "kms:MultiRegion",
    "kms:MultiRegionKeyType",
)
# "Conditions for KMS key operations": every operation authorized on a KMS key.
KEY_RESOURCE = ("kms:CallerAccount", *_KEY_FACTS, "kms:ResourceAliases", "aws:ResourceTag/*")
_CONTEXT = ("kms:EncryptionContext:*", "kms:EncryptionContextKeys")
_SYMMETRIC = (*KEY_RESOURCE, *_CONTEXT, "kms:EncryptionAlgorithm", "kms:RequestAlias")
_SIGNING = (*KEY_RESOURCE, "kms:MessageType", "kms:SigningAlgorithm", "kms:RequestAlias")
_MAC = (*KEY_RESOURCE, "kms:MacAlgorithm", "kms:RequestAlias")
_PAIR = (*_SYMMETRIC, "kms:DataKeyPairSpec")
_REENCRYPT = (*_SYMMETRIC, "kms:ReEncryptOnSameKey")
_TAGGING = ("aws:RequestTag/*", "aws:TagKeys")

OPERATION_KEYS: dict[str, tuple[str, ...]] = {
    "CreateKey": (
        "kms:CallerAccount",
        *_KEY_FACTS,
        "kms:BypassPolicyLockoutSafetyCheck",
        *_TAGGING,
    ),
    "Encrypt": _SYMMETRIC,
    "Decrypt": _SYMMETRIC,
    "GenerateDataKey": _SYMMETRIC,
    "GenerateDataKeyWithoutPlaintext": _SYMMETRIC,
    "GenerateDataKeyPair": _PAIR,
    "GenerateDataKeyPairWithoutPlaintext": _PAIR,
    "ReEncryptFrom": _REENCRYPT,
    "ReEncryptTo": _REENCRYPT,
    "Sign": _SIGNING,
    "Verify": _SIGNING,
    "GenerateMac": _MAC,
    "VerifyMac": _MAC,
    "DeriveSharedSecret": (*KEY_RESOURCE, "kms:KeyAgreementAlgorithm", "kms:RequestAlias"),
    "DescribeKey": (*KEY_RESOURCE, "kms:RequestAlias"),
    "GetPublicKey": (*KEY_RESOURCE, "kms:RequestAlias"),
    "CreateGrant": (
        *KEY_RESOURCE,
        *_CONTEXT,
        "kms:GrantConstraintType",
        "kms:GrantIsForAWSResource",
        "kms:GrantOperations",
        "kms:GranteePrincipal",
        "kms:RetiringPrincipal",
    ),
    "ListGrants": (*KEY_RESOURCE, "kms:GrantIsForAWSResource"),
    "RevokeGrant": (*KEY_RESOURCE, "kms:GrantIsForAWSResource"),
    "PutKeyPolicy": (*KEY_RESOURCE, "kms:BypassPolicyLockoutSafetyCheck"),
    "EnableKeyRotation": (*KEY_RESOURCE, "kms:RotationPeriodInDays"),
    "ScheduleKeyDeletion": (*KEY_RESOURCE, "kms:ScheduleKeyDeletionPendingWindowInDays"),
    "ReplicateKey": (*KEY_RESOURCE, "kms:ReplicaRegion", *_TAGGING),
    "UpdatePrimaryRegion": (*KEY_RESOURCE, "kms:PrimaryRegion"),
    "GetParametersForImport": (*KEY_RESOURCE, "kms:WrappingAlgorithm", "kms:WrappingKeySpec"),
    "ImportKeyMaterial": (*KEY_RESOURCE, "kms:ExpirationModel", "kms:ValidTo"),
    "TagResource": (*KEY_RESOURCE, *_TAGGING),
    "UntagResource": (*KEY_RESOURCE, "aws:TagKeys"),
}
# Operations on no key (ListKeys, ListAliases, GenerateRandom, ListRetirableGrants, the custom
# key store operations) supply kms:CallerAccount only; every other operation on a key, the
# "Conditions for KMS key operations".
NO_KEY = ("kms:CallerAccount",)


def action_name(operation: str) -> str:
    """``kms:ReEncryptFrom`` or ``ReEncryptFrom`` -> ``ReEncryptFrom``."""
    return operation[4:] if operation.lower().startswith("kms:") else operation


def keys_for(operation: str, has_key: bool) -> tuple[str, ...]:
    """The condition keys ``operation`` supplies (names as in ``CONDITION_KEYS``)."""
    return OPERATION_KEYS.get(action_name(operation), KEY_RESOURCE if has_key else NO_KEY)


def request_keys(
    operation: str,
    request: Mapping[str, Any],
    key: Key | None,
    ctx: Context,
    *,
    extra: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The condition keys of one request for ``operation`` (an action: ``Decrypt``,
    ``kms:ReEncryptTo``...) on ``key``, as ``Request.keys`` takes them. ``key`` is None for
    operations on ``*``; with a key operation it means the key does not exist yet, and its
    properties are read from ``request`` as CreateKey's (its lockout check).

    ``extra`` adds or overrides keys kmsmock cannot know (``aws:SourceIp``, ``aws:SourceVpc``,
    ``kms:ViaService``, ...); a ``kms:ViaService`` there also makes
    ``kms:GrantIsForAWSResource`` true."""
    action = action_name(operation)
    facts = Facts(action, request, key, ctx)
    values = _globals(facts)
    for name in keys_for(action, key is not None):
        values.update(CONDITION_KEYS[name].extract(facts))
    if extra:
        values.update(extra)
        if "kms:GrantIsForAWSResource" in values and any(
            name.lower() == "kms:viaservice" for name in extra
        ):
            values["kms:GrantIsForAWSResource"] = True
    return values
