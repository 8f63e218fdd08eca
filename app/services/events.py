"""The change feed: events in commit order, read with a cursor."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import bindparam, func, or_
from sqlmodel import col, select

from app import sql
from app.context import Context
from app.models import Event
from app.pagination import PageParams, encode_cursor
from app.services.common import check_cursor, columns_of, listed_page, team_clause, team_scope


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
    page once, `app.routers.http.page_json`). The statement is compiled once per shape
    of filter (`_page_statement`); its rows are noted for the read audit (R19: the
    person-scoped subjects of the page's events, `feed_read`)."""
    async with ctx.uow() as uow:
        check_cursor(page, uuid_keyed=False)
        params: dict[str, Any] = {"limit": page.limit + 1}
        scope = team_scope(ctx.principal, params)
        if type_prefix:
            params["type_pattern"] = _like_prefix(type_prefix)
        if subject_type:
            params["subject_type"] = subject_type
        if subject_id is not None:
            params["subject_id"] = subject_id
        if page.after is not None:
            params["after"] = page.after
        prepared = _page_statement(
            scope,
            bool(type_prefix),
            bool(subject_type),
            subject_id is not None,
            page.after is not None,
        )
        shown, next_cursor = listed_page(uow, await uow.rows(prepared, params), page, Event, "seq")
        return [_read(e) for e in shown], next_cursor


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern for "starts with `prefix`", its wildcards escaped with "/" (as
    SQLAlchemy's `startswith(..., autoescape=True)`)."""
    return prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


@functools.cache
def _page_statement(
    scope: str, type_prefix: bool, subject_type: bool, subject_id: bool, after: bool
) -> sql.Prepared:
    """A page of the feed for one shape of filter: the caller's teams (events of no team
    are everyone's), `:type_pattern`, `:subject_type`, `:subject_id`, `:after`, `:limit`
    events in `seq` order."""

    def build(postgresql: bool) -> Any:
        stmt = columns_of(Event)
        team = col(Event.team)
        clause = team_clause(team, scope, postgresql)
        if clause is not None:
            stmt = stmt.where(or_(team.is_(None), clause))
        if type_prefix:
            stmt = stmt.where(col(Event.type).like(bindparam("type_pattern"), escape="/"))
        if subject_type:
            stmt = stmt.where(col(Event.subject_type) == bindparam("subject_type"))
        if subject_id:
            stmt = stmt.where(col(Event.subject_id) == bindparam("subject_id"))
        seq = col(Event.seq)
        if after:
            stmt = stmt.where(seq > bindparam("after"))
        return stmt.order_by(seq).limit(bindparam("limit"))

    return sql.Prepared(build(False), postgresql=build(True))
