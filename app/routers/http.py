"""Small HTTP helpers the routers share: Location, ETag, Link."""

from __future__ import annotations

import uuid
from typing import Any, Protocol, TypeVar

from fastapi import Request, Response

from app.pagination import Page, link_next

T = TypeVar("T")

# Pydantic keeps parametrised generics in a weak cache, so `Page[T]` written in `page()`
# was rebuilt after every garbage collection (about 1 ms a page). One strong reference
# (items are typed by the route's response model; here they are taken as they are).
_PAGE: Any = Page[Any]

# Records that never change once written (contacts, case notes) have one version.
IMMUTABLE_ETAG = '"1"'


def created(response: Response, request: Request, path: str) -> None:
    response.status_code = 201
    response.headers["Location"] = str(request.base_url).rstrip("/") + path


class HasVersion(Protocol):
    version: int


V = TypeVar("V", bound=HasVersion)


def with_etag(response: Response, item: V) -> V:
    """Send the item's ETag (its version) with a single-resource response."""
    response.headers["ETag"] = f'"{item.version}"'
    return item


def page(
    request: Request,
    response: Response,
    result: tuple[list[T], str | None],
    position: str = "cursor",
) -> Page[T]:
    items, next_cursor = result
    link_next(request, response, next_cursor, position)
    result_page: Page[T] = _PAGE(items=items, next_cursor=next_cursor)
    return result_page


def path_of(prefix: str, id_: uuid.UUID) -> str:
    return f"{prefix}/{id_}"
