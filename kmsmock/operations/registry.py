"""What every KMS operation is, declared once, and the context each request runs in.

An operation is registered with ``@operation(name, key=..., resource=...)`` where it is
defined, saying what only its author knows: the request member naming the KMS key it acts on,
and whether its permission is checked on that key or on ``*`` (IAM only: CreateKey, ListKeys,
...). Everything the service model already says is derived from it, never listed by hand:

- ``grant_tokens``: the request takes ``GrantTokens`` and the model lists
  ``InvalidGrantTokenException`` for it (DescribeKey takes tokens without checking them);
- ``dry_run``: the request takes ``DryRun``;
- ``tracked``: the model's ``KeyLastUsageTrackingOperation`` enum names it (GetKeyLastUsage);
- ``cross_account``: its documentation says "Cross-account use: Yes" (only those reach another
  account's key);
- ``permissions``: ``kms:<Name>``, except ReEncrypt's two (kms:ReEncryptFrom on the source key,
  kms:ReEncryptTo on the destination), as the "AWS KMS permissions" reference lists them.

``operations.dispatch`` reads these for every request: it is the one place that answers "what
does this operation need" for grant tokens, authorization and usage tracking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ..access import Caller
from ..backend.store import Backend, RegionStore, partition_for
from ..model_facts import derived, each

if TYPE_CHECKING:
    from ..access import Policy
    from ..backend.key import Key

Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Context", Request], Response]

# Where an operation finds the KMS key it acts on: a request member ("KeyId", "TargetKeyId",
# "DestinationKeyId", ...), the key named inside the ciphertext, or none (resource "*").
CIPHERTEXT = "ciphertext"
KeySource = str | None


@dataclass(frozen=True, slots=True)
class Traits:
    """What botocore's service model says about an operation (see the module docstring)."""

    grant_tokens: bool
    dry_run: bool
    tracked: bool
    cross_account: bool  # the API Reference says "Cross-account use: Yes"


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    handler: Handler
    key: KeySource  # where the key it acts on comes from
    resource: Literal["key", "*"]  # what its permission is checked on
    permissions: tuple[str, ...]


OPERATIONS: dict[str, Operation] = {}


def operation(
    name: str,
    *,
    key: KeySource = "KeyId",
    resource: Literal["key", "*"] = "key",
    permissions: tuple[str, ...] | None = None,
) -> Callable[[Handler], Handler]:
    """Register ``name``'s handler with what only its definition knows."""

    def register(fn: Handler) -> Handler:
        OPERATIONS[name] = Operation(
            name,
            fn,
            key if resource == "key" else None,
            resource,
            permissions or (f"kms:{name}",),
        )
        return fn

    return register


# Each operation's documentation in the model ends "Cross-account use: Yes" or "No"
_CROSS_ACCOUNT_USE = re.compile(r"Cross-account use</b>:?\s*Yes")


def traits(service_model: Any, name: str) -> Traits:
    """``name``'s traits in ``service_model``, derived on its first request (resolving every
    operation's shapes up front would cost a first call ~1 ms: issue 12, the cold first call)
    and kept for every client of the session's model (``model_facts``: botocore makes a model
    per client)."""
    found = each(service_model, "traits", name, _derive)
    assert found is not None  # a name kmsmock routed: the model knows it
    return found


def _derive(model: Any, name: str) -> Traits:
    op = model.operation_model(name)
    members = op.input_shape.members if op.input_shape is not None else {}
    errors = {shape.name for shape in op.error_shapes}
    return Traits(
        grant_tokens="GrantTokens" in members and "InvalidGrantTokenException" in errors,
        dry_run="DryRun" in members,
        tracked=name in derived(model, "tracked", _tracked),
        cross_account=_CROSS_ACCOUNT_USE.search(op.documentation or "") is not None,
    )


def _tracked(model: Any) -> frozenset[str]:
    try:
        return frozenset(model.shape_for("KeyLastUsageTrackingOperation").enum)
    except Exception:  # a model without GetKeyLastUsage tracks nothing
        return frozenset()


@dataclass(slots=True)
class Context:
    """One request: who asks, where, and when (read once from the clock)."""

    backend: Backend
    store: RegionStore  # the caller's account and Region
    now: datetime
    operation: str
    request_id: str = ""  # the x-amzn-RequestId this request is answered with
    # The KMS keys the request acted on, as it found them (usage tracking, authorization)
    keys: list[Key] = field(default_factory=list)
    # Who signed the request; None is the account's root (every caller of a default activation)
    signer: Caller | None = None
    # The signer's identity (IAM) policies; None: IAM allows it everything (kms-facts §5 and
    # access.evaluate rule 5), as for every caller of a default activation
    policies: tuple[Policy, ...] | None = None
    # Condition keys the signer's requests carry that kmsmock cannot observe (aws:SourceIp, ...)
    signer_keys: Mapping[str, object] | None = None
    # Access control (set by dispatch): called with every key the request finds, it refuses the
    # request unless ``permission`` on that key is allowed. ReEncrypt switches ``permission``
    # to kms:ReEncryptTo before it finds its destination key.
    gate: Callable[[Context, Key], None] | None = None
    permission: str = ""
    request: Request | None = None

    @property
    def region(self) -> str:
        return self.store.region

    @property
    def account(self) -> str:
        return self.store.account

    @property
    def caller(self) -> Caller:
        """The principal the request is decided for (access control, grants, the call log)."""
        if self.signer is None:
            self.signer = Caller.root(self.account, partition_for(self.region))
        return self.signer

    def acting_on(self, key: Key) -> Key:
        """Record that the request acts on ``key`` (found by id, alias or ciphertext), once the
        gate (access control) lets it."""
        if self.gate is not None:
            self.gate(self, key)
        if key not in self.keys:
            self.keys.append(key)
        return key
