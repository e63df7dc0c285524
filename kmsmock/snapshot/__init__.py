"""Snapshots: the whole state of an activation as a versioned JSON document, and back.

``KmsMock.snapshot()`` / ``KmsMock.restore(doc)`` (and ``save(path)`` / ``load(path)``) use
``encode.document`` and ``decode.backend``; ``KmsMock.freeze()`` keeps a snapshot in memory
(``backend.clone.Frozen``) for restoring in microseconds. A document that is not a kmsmock
snapshot of a version this release reads, or that does not hold together, is refused with a
``SnapshotError`` before anything of the running state changes.
"""

from __future__ import annotations

FORMAT = "kmsmock_snapshot"
VERSION = 1


class SnapshotError(ValueError):
    """A snapshot document kmsmock cannot restore: foreign, of another version, or corrupt.
    The message names the first offending member (``stores[0].keys[3].spec: ...``)."""


__all__ = ["FORMAT", "VERSION", "SnapshotError"]
