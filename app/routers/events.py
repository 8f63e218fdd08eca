"""The change feed: `/v1/events`, in commit order."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import Ctx, Paging
from app.pagination import Page, PageParams, decode_cursor
from app.problems import problem_responses
from app.routers.http import page_json
from app.schemas.events import EventRead, FeedHead
from app.services import events as service

router = APIRouter(tags=["work"])

EVENTS_PAGE = Page[EventRead]


@router.get("/v1/events/head", responses=problem_responses(403), summary="The feed's current end")
async def events_head(ctx: Ctx) -> FeedHead:
    """A cursor at the feed's current end: pass it as `after` to `GET /v1/events` to
    mirror from now on (events committed before this call are skipped). On an empty feed
    the cursor yields everything."""
    return FeedHead(cursor=await service.head(ctx))


@router.get("/v1/events", response_model=EVENTS_PAGE, responses=problem_responses(403))
async def list_events(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: Paging,
    after: Annotated[
        str | None, Query(max_length=200, description="An event id: events after it")
    ] = None,
    type: Annotated[
        str | None, Query(max_length=100, description="Type prefix, e.g. referral.")
    ] = None,
    subject_type: Annotated[
        str | None, Query(max_length=50, description="Only events about this kind, e.g. person")
    ] = None,
    subject_id: Annotated[
        uuid.UUID | None, Query(description="Only events about this record")
    ] = None,
) -> Response:
    """The change feed, in commit order. Poll with `after` = the last event id you saw."""
    if after and paging.after is None:  # `cursor` (from a Link) wins over `after`
        paging = PageParams(limit=paging.limit, after=decode_cursor(after))
    result = await service.list_events(ctx, paging, type, subject_type, subject_id)
    return page_json(EVENTS_PAGE, request, response, result, position="after")
