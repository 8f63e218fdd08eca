"""The change feed: events in commit order, read with a cursor."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select

from app.context import Context
from app.models import Event
from app.pagination import PageParams, encode_cursor
from app.services.common import columns_of, fetch_page


def _read(event: Any) -> dict[str, Any]:
    """An event (a Core row of the events table) as `EventRead` validates it."""
    return {
        "id": encode_cursor(event.seq),
        "type": event.type,
        "occurred_at": event.occurred_at,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "actor": event.actor_sub,
        "data": event.data,
    }


async def head(ctx: Context) -> str:
    """The feed's current end: a cursor that, passed as `after`, yields only events
    committed from now on (for an empty feed, one that yields everything)."""
    async with ctx.uow() as uow:
        last = (await uow.session.exec(select(func.max(Event.seq)))).one()
        return encode_cursor(int(last or 0))


async def list_events(
    ctx: Context,
    page: PageParams,
    type_prefix: str | None,
    subject_type: str | None = None,
    subject_id: uuid.UUID | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the feed: items as `EventRead` validates them (the router dumps the
    page once, `app.routers.http.page_json`)."""
    async with ctx.uow() as uow:
        stmt = columns_of(Event)
        p = ctx.principal
        if not p.works_across_teams:
            stmt = stmt.where(or_(col(Event.team).is_(None), col(Event.team).in_(sorted(p.teams))))
        if type_prefix:
            stmt = stmt.where(col(Event.type).startswith(type_prefix, autoescape=True))
        if subject_type:
            stmt = stmt.where(col(Event.subject_type) == subject_type)
        if subject_id is not None:
            stmt = stmt.where(col(Event.subject_id) == subject_id)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Event.seq), page, rows_of=Event)
        return [_read(e) for e in rows], next_cursor
