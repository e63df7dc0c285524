"""List paging: opaque Marker strings and Limit handling, the same for every List operation."""

from __future__ import annotations

import base64
from typing import Any

from .. import errors

_MARKER_PREFIX = "kmsmock:"


def encode_marker(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_MARKER_PREFIX}{position}".encode()).decode()


def decode_marker(marker: str | None) -> int:
    if marker is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
        if text.startswith(_MARKER_PREFIX):
            return int(text[len(_MARKER_PREFIX) :])
    except ValueError:
        pass
    raise errors.INVALID_MARKER()


def page(
    items: list[Any], request: dict[str, Any], default_limit: int, max_limit: int
) -> tuple[list[Any], dict[str, Any]]:
    """Slice a fully-built listing by Marker/Limit; returns the page and the paging fields."""
    start = decode_marker(request.get("Marker"))
    limit = min(request.get("Limit", default_limit), max_limit)
    chunk = items[start : start + limit]
    end = start + len(chunk)
    if end < len(items):
        return chunk, {"NextMarker": encode_marker(end), "Truncated": True}
    return chunk, {"Truncated": False}
