"""What the CloudTrail view (``kmsmock.events``) needs to know of an operation beyond its
call-log record: whether it is read-only.

``protocol.handle`` journals each call that reached its operation from the call log's own
record (one record per request). CloudTrail logs ``responseElements`` as null for read-only
calls (everything that reads or uses a key: Describe*, Get*, List* and the cryptographic
operations), so ``kmsmock.events`` renders only other calls' responses.
"""

from __future__ import annotations

import functools

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
