"""Keyset pagination: an opaque cursor, `limit` 1-200 (default 50), `next_cursor` and a
`Link: rel="next"` header. The key is the time-ordered id (or the feed's sequence), so
pages stay stable while rows are added."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
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
    value: Any = key.hex if isinstance(key, uuid.UUID) else key
    raw = json.dumps({"k": value}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1-200.")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


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
