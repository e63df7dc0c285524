"""Tags: TagResource, UntagResource, ListResourceTags, and the checks CreateKey shares."""

from __future__ import annotations

from typing import Any

from .. import errors
from .lookup import find_key, key_to_change
from .paging import page
from .registry import Context, Request, Response, operation
from .states import require_not_pending_deletion

MAX_TAGS = 50


def check_new_tags(tags: list[dict[str, Any]], existing: dict[str, str] | None) -> dict[str, str]:
    """The tag set after adding ``tags`` to ``existing``, with AWS's TagException rules."""
    keys = [t["TagKey"] for t in tags]
    if len(set(keys)) != len(keys):
        raise errors.DUPLICATE_TAG_KEYS()
    if any(k.lower().startswith("aws:") for k in keys):
        raise errors.RESERVED_TAG_PREFIX()
    merged = dict(existing or {})
    for t in tags:
        merged[t["TagKey"]] = t["TagValue"]
    if len(merged) > MAX_TAGS:
        raise errors.TOO_MANY_TAGS()
    return merged


@operation("TagResource")
def tag_resource(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    require_not_pending_deletion(key)
    key.tags = check_new_tags(req["Tags"], key.tags) or None
    return {}


@operation("UntagResource")
def untag_resource(ctx: Context, req: Request) -> Response:
    key = key_to_change(ctx, req["KeyId"])
    require_not_pending_deletion(key)
    if any(k.lower().startswith("aws:") for k in req["TagKeys"]):
        raise errors.RESERVED_TAG_PREFIX()
    if key.tags:
        for k in req["TagKeys"]:
            key.tags.pop(k, None)
    return {}


@operation("ListResourceTags")
def list_resource_tags(ctx: Context, req: Request) -> Response:
    key = find_key(ctx, req["KeyId"])
    tags = [{"TagKey": k, "TagValue": v} for k, v in (key.tags or {}).items()]
    chunk, paging = page(tags, req, default_limit=50, max_limit=50)
    return {"Tags": chunk, **paging}
