"""Where an activation's ids and key material come from.

By default the operating system's randomness. In deterministic mode (``mock_kms(seed=42)``)
one seeded generator instead, so that the same test run gets the same key ids, material
versions, grant ids and request ids. Private keys made on a key's first use are derived from
the seed and the key's id (``for_key``), so they do not depend on the order keys are first used.

Also the queue of key ids a test asked for (``KmsMock.expect_key_ids``): CreateKey takes the
next queued id of the right kind instead of a random one.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections import deque
from collections.abc import Callable

_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def uuid_from(raw: bytes) -> str:
    """A version 4 UUID string made of 16 random bytes (``str(uuid.uuid4())`` at half the cost)."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def stream(label: bytes) -> Callable[[int], bytes]:
    """An endless deterministic byte stream named by ``label`` (SHAKE-256 in counter blocks)."""
    counter = 0
    buffer = b""

    def read(n: int) -> bytes:
        nonlocal counter, buffer
        while len(buffer) < n:
            buffer += hashlib.shake_256(label + counter.to_bytes(8, "big")).digest(64)
            counter += 1
        out, buffer = buffer[:n], buffer[n:]
        return out

    return read


class Source:
    """The randomness of one activation (see the module docstring)."""

    __slots__ = ("_random", "key_ids", "seed")

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._random = random.Random(seed) if seed is not None else None
        self.key_ids: deque[str] = deque()  # ids the next CreateKeys take, in order

    def __call__(self, n: int) -> bytes:
        return os.urandom(n) if self._random is None else self._random.randbytes(n)

    def uuid(self) -> str:
        return uuid_from(self(16))

    def for_key(self, key_id: str) -> Callable[[int], bytes] | None:
        """In deterministic mode, the bytes a key's private material is derived from."""
        if self.seed is None:
            return None
        return stream(f"kmsmock/{self.seed}/{key_id}".encode())

    def next_key_id(self, multi_region: bool, taken: Callable[[str], bool]) -> str:
        """A queued id of the kind asked for (``mrk-`` ids for multi-Region keys), else new."""
        for queued in self.key_ids:
            if queued.startswith("mrk-") == multi_region:
                self.key_ids.remove(queued)
                if taken(queued):
                    raise RuntimeError(f"kmsmock: the expected key id {queued!r} is taken")
                return queued
        key_id = self.uuid()
        return f"mrk-{key_id.replace('-', '')}" if multi_region else key_id

    # -- snapshots ------------------------------------------------------------------------

    def state(self) -> object:
        """The seeded generator's position (JSON-serialisable), or None."""
        if self._random is None:
            return None
        version, internal, gauss = self._random.getstate()
        return [version, list(internal), gauss]

    def set_state(self, state: object) -> None:
        if self._random is not None and isinstance(state, list):
            version, internal, gauss = state
            self._random.setstate((version, tuple(internal), gauss))

    def copy(self) -> Source:
        twin = Source(self.seed)
        twin.set_state(self.state())
        twin.key_ids = deque(self.key_ids)
        return twin
