"""A backend driven through kmsmock's own operations, without a client: the pure access tests
build keys, aliases and grants the way a request would, and read them back as objects."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kmsmock.access import Caller
from kmsmock.backend.key import Key
from kmsmock.backend.store import Backend
from kmsmock.operations import OPERATIONS, Context

ACCOUNT, OTHER, REGION = "111122223333", "444455556666", "us-west-2"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


class World:
    """One account in one Region, and the operations run in it."""

    def __init__(self) -> None:
        self.backend = Backend(ACCOUNT)
        self.store = self.backend.store(ACCOUNT, REGION)

    def context(self, operation: str = "DescribeKey", caller: Caller | None = None) -> Context:
        """A request by ``caller`` (the account's root by default), served in its account."""
        store = self.store if caller is None else self.backend.store(caller.account, REGION)
        return Context(self.backend, store, NOW, operation, signer=caller)

    def call(self, operation: str, caller: Caller | None = None, **request: Any) -> Any:
        return OPERATIONS[operation].handler(self.context(operation, caller), request)

    def key(self, **request: Any) -> Key:
        key_id = self.call("CreateKey", **request)["KeyMetadata"]["KeyId"]
        return self.store.keys[key_id]
