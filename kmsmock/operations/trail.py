"""What the CloudTrail view (``kmsmock.events``) needs of an answered call beyond its call-log
record: whether the operation is read-only and which keys the call acted on.

``protocol.handle`` journals each call that reached its operation from the call log's own
record (one record per request). CloudTrail logs ``responseElements`` as null for read-only
calls (everything that reads or uses a key: Describe*, Get*, List* and the cryptographic
operations), so ``kmsmock.events`` renders only other calls' responses.
"""

from __future__ import annotations

import functools

from .registry import Context, Response

# Read-only beyond the Describe/Get/List prefixes: the calls that use a key without changing it
# (CloudTrail's "readOnly": true in the KMS developer guide's Encrypt, Decrypt, ... examples).
_READ_ONLY = frozenset(
    {
        "Decrypt",
        "DeriveSharedSecret",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "ReEncrypt",
        "Sign",
        "Verify",
        "VerifyMac",
    }
)


@functools.cache
def read_only(operation: str) -> bool:
    return operation in _READ_ONLY or operation.startswith(("Describe", "Get", "List"))


def acted_on(ctx: Context, response: Response | None) -> tuple[str, ...]:
    """The keys a call acted on as ``ApiCall.keys`` holds them. CreateKey and ReplicateKey act
    on the key they make, which no lookup recorded: it is in their answer."""
    keys = ctx.keys
    if len(keys) == 1:  # the common case, without a generator
        return (keys[0].store.arn_prefix, keys[0].key_id)
    if keys:
        return tuple(part for key in keys for part in (key.store.arn_prefix, key.key_id))
    metadata = (response or {}).get("KeyMetadata") or (response or {}).get("ReplicaKeyMetadata")
    if not metadata:
        return ()
    prefix, _, key_id = metadata["Arn"].rpartition("key/")
    return (prefix, key_id)
