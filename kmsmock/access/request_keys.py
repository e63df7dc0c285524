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
_PERMISSIONS = _DG + "kms-api-permissions-reference.html"
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


def encryption_context(facts: Facts) -> dict[str, str]:
    """The encryption context the action is judged on (CreateGrant: its constraint's pairs)."""
    if facts.action == "CreateGrant":
        constraints = facts.request.get("Constraints") or {}
        pairs: dict[str, str] = {}
        for name in ("EncryptionContextSubset", "EncryptionContextEquals"):
            pairs.update(constraints.get(name) or {})
        return pairs
    return dict(facts.request.get(_CONTEXT_MEMBER.get(facts.action, "EncryptionContext")) or {})


def _context_pairs(facts: Facts) -> Values:
    return {f"kms:EncryptionContext:{k.lower()}": v for k, v in encryption_context(facts).items()}


def _context_keys(facts: Facts) -> Values:
    keys = list(encryption_context(facts))
    return {"kms:EncryptionContextKeys": keys} if keys else {}


def _encryption_algorithm(facts: Facts) -> Values:
    """The algorithm asked for, or used: data keys are always SYMMETRIC_DEFAULT."""
    given = facts.request.get(_ALGORITHM_MEMBER.get(facts.action, "EncryptionAlgorithm"))
    return {"kms:EncryptionAlgorithm": given or "SYMMETRIC_DEFAULT"}


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


def _request_tags(facts: Facts) -> Values:
    return {f"aws:RequestTag/{k}": v for k, v in _tags(facts.request).items()}


def _tag_keys(facts: Facts) -> Values:
    keys = list(facts.request.get("TagKeys") or ()) or list(_tags(facts.request))
    return {"aws:TagKeys": keys} if keys else {}


def _grant_constraint_type(facts: Facts) -> Values:
    kinds = [
        name
        for name in ("EncryptionContextEquals", "EncryptionContextSubset")
        if name in (facts.request.get("Constraints") or {})
    ]
    if not kinds:
        return {}
    return {"kms:GrantConstraintType": kinds[0] if len(kinds) == 1 else kinds}


def _grant_operations(facts: Facts) -> Values:
    return {"kms:GrantOperations": list(facts.request.get("Operations") or ())}


def _grant_is_for_aws_resource(facts: Facts) -> Values:
    """True only when an integrated service calls on the caller's behalf (kms:ViaService set)."""
    return {"kms:GrantIsForAWSResource": False}


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


def _key_spec(facts: Facts) -> Values:
    if facts.key is not None:
        spec = facts.key.spec.name
    else:  # CreateKey: the request, CustomerMasterKeySpec being KeySpec's old name
        req = facts.request
        spec = req.get("KeySpec") or req.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    return {"kms:KeySpec": spec, "kms:CustomerMasterKeySpec": spec}


def _key_usage(facts: Facts) -> Values:
    if facts.key is not None:
        usage: object = facts.key.usage
    else:  # CreateKey's default is ENCRYPT_DECRYPT (other specs must name theirs)
        usage = facts.request.get("KeyUsage", "ENCRYPT_DECRYPT")
    return {"kms:KeyUsage": usage, "kms:CustomerMasterKeyUsage": usage}


def _key_origin(facts: Facts) -> Values:
    origin = facts.key.origin if facts.key is not None else facts.request.get("Origin", "AWS_KMS")
    return {"kms:KeyOrigin": origin}


def _multi_region(facts: Facts) -> Values:
    if facts.key is not None:
        return {"kms:MultiRegion": facts.key.multi_region}
    return {"kms:MultiRegion": bool(facts.request.get("MultiRegion", False))}


def _multi_region_key_type(facts: Facts) -> Values:
    """Only multi-Region keys have one; CreateKey makes a primary."""
    key = facts.key
    if key is None:
        return {"kms:MultiRegionKeyType": "PRIMARY"} if facts.request.get("MultiRegion") else {}
    if not key.multi_region:
        return {}
    primary = key.mr_set.primary if key.mr_set is not None else key
    return {"kms:MultiRegionKeyType": "PRIMARY" if primary is key else "REPLICA"}


def _resource_aliases(facts: Facts) -> Values:
    key = facts.key
    if key is None:
        return {}
    names = [a.name for a in key.store.aliases.values() if a.target == key.key_id]
    return {"kms:ResourceAliases": names} if names else {}


def _resource_tags(facts: Facts) -> Values:
    tags = facts.key.tags if facts.key is not None else None
    return {f"aws:ResourceTag/{k}": v for k, v in (tags or {}).items()}


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


CONDITION_KEYS: dict[str, ConditionKey] = {
    "kms:CallerAccount": ConditionKey(_caller_account, _CK + "caller-account"),
    "kms:KeySpec": ConditionKey(_key_spec, _CK + "key-spec"),
    "kms:KeyUsage": ConditionKey(_key_usage, _CK + "key-usage"),
    "kms:KeyOrigin": ConditionKey(_key_origin, _CK + "key-origin"),
    "kms:MultiRegion": ConditionKey(_multi_region, _CK + "multiregion"),
    "kms:MultiRegionKeyType": ConditionKey(_multi_region_key_type, _CK + "multiregion-key-type"),
    "kms:ResourceAliases": ConditionKey(_resource_aliases, _CK + "resource-aliases"),
    "aws:ResourceTag/*": ConditionKey(_resource_tags, _GLOBAL + "#condition-keys-resourcetag"),
    "kms:EncryptionContext:*": ConditionKey(_context_pairs, _CK + "encryption-context"),
    "kms:EncryptionContextKeys": ConditionKey(_context_keys, _CK + "encryption-context-keys"),
    "kms:EncryptionAlgorithm": ConditionKey(_encryption_algorithm, _CK + "encryption-algorithm"),
    "kms:RequestAlias": ConditionKey(_request_alias, _CK + "request-alias"),
    "kms:DataKeyPairSpec": ConditionKey(
        _member("kms:DataKeyPairSpec", "KeyPairSpec"), _CK + "data-key-spec"
    ),
    "kms:SigningAlgorithm": ConditionKey(
        _member("kms:SigningAlgorithm", "SigningAlgorithm"), _CK + "signing-algorithm"
    ),
    "kms:MessageType": ConditionKey(
        _member("kms:MessageType", "MessageType", "RAW"), _CK + "message-type"
    ),
    "kms:MacAlgorithm": ConditionKey(
        _member("kms:MacAlgorithm", "MacAlgorithm"), _CK + "mac-algorithm"
    ),
    "kms:KeyAgreementAlgorithm": ConditionKey(
        _member("kms:KeyAgreementAlgorithm", "KeyAgreementAlgorithm"),
        _CK + "key-agreement-algorithm",
    ),
    "kms:ReEncryptOnSameKey": ConditionKey(
        lambda f: {
            "kms:ReEncryptOnSameKey": f.request.get("SourceKeyId") is not None
            and f.request.get("SourceKeyId") == f.request.get("DestinationKeyId")
        },
        _CK + "reencrypt-on-same-key",
    ),
    "kms:GrantOperations": ConditionKey(_grant_operations, _CK + "grant-operations"),
    "kms:GrantConstraintType": ConditionKey(_grant_constraint_type, _CK + "grant-constraint-type"),
    "kms:GrantIsForAWSResource": ConditionKey(
        _grant_is_for_aws_resource, _CK + "grant-is-for-aws-resource"
    ),
    "kms:GranteePrincipal": ConditionKey(
        _member("kms:GranteePrincipal", "GranteePrincipal"), _CK + "grantee-principal"
    ),
    "kms:RetiringPrincipal": ConditionKey(
        _member("kms:RetiringPrincipal", "RetiringPrincipal"), _CK + "retiring-principal"
    ),
    "kms:BypassPolicyLockoutSafetyCheck": ConditionKey(
        _member("kms:BypassPolicyLockoutSafetyCheck", "BypassPolicyLockoutSafetyCheck"),
        _CK + "bypass-policy-lockout-safety-check",
    ),
    "kms:RotationPeriodInDays": ConditionKey(
        _member("kms:RotationPeriodInDays", "RotationPeriodInDays", 365),
        _CK + "rotation-period-in-days",
    ),
    "kms:ScheduleKeyDeletionPendingWindowInDays": ConditionKey(
        _member("kms:ScheduleKeyDeletionPendingWindowInDays", "PendingWindowInDays", 30),
        _CK + "schedule-key-deletion-pending-window-in-days",
    ),
    "kms:ReplicaRegion": ConditionKey(
        _member("kms:ReplicaRegion", "ReplicaRegion"), _CK + "replica-region"
    ),
    "kms:PrimaryRegion": ConditionKey(
        _member("kms:PrimaryRegion", "PrimaryRegion"), _CK + "primary-region"
    ),
    "kms:WrappingAlgorithm": ConditionKey(
        _member("kms:WrappingAlgorithm", "WrappingAlgorithm"), _CK + "wrapping-algorithm"
    ),
    "kms:WrappingKeySpec": ConditionKey(
        _member("kms:WrappingKeySpec", "WrappingKeySpec"), _CK + "wrapping-key-spec"
    ),
    "kms:ExpirationModel": ConditionKey(
        _member("kms:ExpirationModel", "ExpirationModel"), _CK + "expiration-model"
    ),
    "kms:ValidTo": ConditionKey(_valid_to, _CK + "valid-to"),
    "aws:RequestTag/*": ConditionKey(_request_tags, _GLOBAL + "#condition-keys-requesttag"),
    "aws:TagKeys": ConditionKey(_tag_keys, _GLOBAL + "#condition-keys-tagkeys"),
}

# -- which keys each action supplies (kms-api-permissions-reference and conditions-kms) ---------

# "Conditions for KMS key operations": every operation authorized on a KMS key.
KEY_RESOURCE = (
    "kms:CallerAccount",
    "kms:KeySpec",
    "kms:KeyUsage",
    "kms:KeyOrigin",
    "kms:MultiRegion",
    "kms:MultiRegionKeyType",
    "kms:ResourceAliases",
    "aws:ResourceTag/*",
)
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
        "kms:KeySpec",
        "kms:KeyUsage",
        "kms:KeyOrigin",
        "kms:MultiRegion",
        "kms:MultiRegionKeyType",
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
    ``kms:ReEncryptTo``...) on ``key`` (None for operations on ``*``), as ``Request.keys``
    takes them. ``extra`` adds or overrides keys kmsmock cannot know (``aws:SourceIp``,
    ``aws:SourceVpc``, ``kms:ViaService``, ...); a ``kms:ViaService`` there also makes
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
