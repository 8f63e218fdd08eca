"""Keyset pagination: an opaque cursor, `limit` 1-200 (default 50), `next_cursor` and a
`Link: rel="next"` header. The key is the time-ordered id (or the feed's sequence), so
pages stay stable while rows are added."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from app.problems import ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


def encode_cursor(key: uuid.UUID | int) -> str:
    """`{"k": <hex of the id, or the sequence number>}` as compact JSON, base64url without
    padding. Formatted directly (a hex string needs no escaping; an int is its digits):
    the same bytes as `json.dumps`, at a fraction of its cost (a feed page encodes 200)."""
    if isinstance(key, uuid.UUID):
        raw = f'{{"k":"{key.hex}"}}'
    elif isinstance(key, int) and not isinstance(key, bool):
        raw = f'{{"k":{int(key)}}}'
    else:
        raw = json.dumps({"k": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["k"]
        if isinstance(value, str):
            return uuid.UUID(hex=value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            return value
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        pass
    raise ValidationFailed(
        "The cursor is not one this service gave out.",
        errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
    )


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: Any | None
    # Lists of records that change: only rows with `updated_at` at or after this time.
    updated_since: datetime | None = None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1-200.")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


# RFC 3339 date-time: a full date, a time and an offset (`Z` or +hh:mm), nothing else.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(value: str, name: str = "updated_since") -> datetime:
    """An aware datetime from an RFC 3339 string with its offset; 422 otherwise."""
    if _RFC3339.match(value):
        text = value.replace("z", "Z").replace("t", "T")
        fraction = re.search(r"\.(\d+)", text)
        if fraction and len(fraction.group(1)) > 6:  # Python keeps microseconds
            text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationFailed(
        f"{name} is an RFC 3339 date-time with its offset, e.g. 2026-01-31T09:00:00Z.",
        errors=[{"loc": ["query", name], "msg": "expected an RFC 3339 date-time with offset"}],
    )


def changed_page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1-200.")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
    updated_since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="RFC 3339 date-time with offset: only records changed at or after it.",
            examples=["2026-01-31T09:00:00Z"],
        ),
    ] = None,
) -> PageParams:
    """`page_params` plus `updated_since`, for lists of records that change."""
    return PageParams(
        limit=limit,
        after=decode_cursor(cursor) if cursor else None,
        updated_since=parse_rfc3339(updated_since) if updated_since else None,
    )


def link_next(
    request: Request, response: Response, next_cursor: str | None, param: str = "cursor"
) -> None:
    """Set `Link: <...>; rel="next"` when there is a next page: the same query with the
    position (`cursor`, or the change feed's `after`) moved on."""
    if next_cursor is None:
        return
    url = request.url.remove_query_params(["cursor", "after"]).include_query_params(
        **{param: next_cursor}
    )
    response.headers["Link"] = f'<{url}>; rel="next"'
