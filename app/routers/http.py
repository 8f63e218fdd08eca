"""Small HTTP helpers the routers share: Location, ETag, Link."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from fastapi import Request, Response
from pydantic import TypeAdapter

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


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def as_json(model: Any, content: Any, response: Response, status_code: int = 200) -> Response:
    """The response FastAPI would make of `content` for a route whose response model is
    `model`, made in one pass: `content` (dicts, Core rows or models) validated once into
    the model and dumped once to JSON bytes, with the headers the route set on `response`.
    FastAPI passes a returned Response through, so the hot routes skip its second pass
    (validating the returned value against the response model, then dumping it); the
    route keeps `response_model=` for the contract. Byte for byte what FastAPI sends: the
    same validation (`from_attributes`) and dump (`by_alias`) of the same adapter."""
    adapter = _adapter(model)
    body = adapter.dump_json(adapter.validate_python(content, from_attributes=True), by_alias=True)
    out = Response(content=body, media_type="application/json", status_code=status_code)
    out.headers.raw.extend(response.headers.raw)
    return out


def page_json(
    model: Any,
    request: Request,
    response: Response,
    result: tuple[Sequence[Any], str | None],
    position: str = "cursor",
) -> Response:
    """`page()` for a hot list: `model` is the route's `Page[...]`, the items anything
    its item model validates from (Core rows, dicts)."""
    items, next_cursor = result
    link_next(request, response, next_cursor, position)
    return as_json(model, {"items": items, "next_cursor": next_cursor}, response)


def path_of(prefix: str, id_: uuid.UUID) -> str:
    return f"{prefix}/{id_}"
