"""The work queue (R18): every open deadline and hand-off, its state computed at read time.

The queue is one indexed query whatever its size: open items (partial indexes on
`closed_at IS NULL`) in (due_at, id) order, keyset-paged on that pair. Counts and the
manager's summary are one grouped query each, with the states cut in SQL at the London
day bounds of "now".
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, String, and_, any_, bindparam, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col

from app import sql
from app.context import Context
from app.domain.errors import InvalidTransition
from app.domain.work import (
    ACKNOWLEDGEABLE_KINDS,
    SUBJECT_PATHS,
    london_day_bounds,
    subject_href,
    work_state,
)
from app.models import CaseNote, PanelAction, WorkItem
from app.models.base import UTCDateTime
from app.permissions import PLACEMENTS
from app.problems import Forbidden, NotFound, ValidationFailed
from app.schemas.common import Assignee
from app.schemas.work import (
    WorkAssign,
    WorkCounts,
    WorkItemRead,
    WorkSubject,
    WorkSummary,
    WorkSummaryRow,
)
from app.services.common import check_if_match

SUBJECT = "work_item"


@dataclass(frozen=True)
class WorkFilter:
    assignee: str | None = None
    team: str | None = None
    # The team's whole queue (the summary): what it owes and what its people owe on its cases.
    case_team: str | None = None
    states: Sequence[str] = ()
    rule: str | None = None
    kind: str | None = None
    subject_type: str | None = None
    subject_id: uuid.UUID | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    # Open items opened or changed at or after this instant (a mirror's next poll).
    updated_since: datetime | None = None


@dataclass(frozen=True)
class WorkPageParams:
    limit: int
    cursor: str | None


def item_version(item: Any) -> int:
    """The ETag: 1 when opened, one more at each reassignment and at closing."""
    return int(item.version)


def to_read(item: Any, now: datetime, parent_id: uuid.UUID | None = None) -> WorkItemRead:
    """A work item (an ORM instance or a Core row of its table) as its read model."""
    return WorkItemRead(
        id=item.id,
        kind=item.kind,
        rule=item.rule,
        title=item.title,
        subject=WorkSubject(
            type=item.subject_type,
            id=item.subject_id,
            href=subject_href(item.subject_type, item.subject_id, parent_id),
        ),
        assignee=Assignee(user=item.assignee_user, team=item.assignee_team),
        due_at=item.due_at,
        state=work_state(item.due_at, now),
        created_at=item.created_at,
        closed_at=item.closed_at,
        updated_at=item.updated_at,
        version=item_version(item),
    )


# Roles that see work for "the placements team" (API.md): routed by role, never by a team
# name a token lists.
PLACEMENTS_WORK_ROLES = PLACEMENTS | {"admin", "integration"}


def sees_placements_work(ctx: Context) -> bool:
    return bool(ctx.principal.roles & PLACEMENTS_WORK_ROLES)


# --- the cursor: (due_at, id) ---------------------------------------------------------


def encode_work_cursor(due_at: datetime, id_: uuid.UUID) -> str:
    raw = json.dumps(
        {"d": due_at.astimezone(UTC).isoformat(), "k": id_.hex}, separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_work_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        due_at = datetime.fromisoformat(value["d"])
        if due_at.tzinfo is not None:
            return due_at, uuid.UUID(hex=value["k"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        pass
    raise ValidationFailed(
        "The cursor is not one this list gave out.",
        errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
    )


# --- the query ------------------------------------------------------------------------


# The queue's WHERE clauses are built once per shape of filter (which clauses apply), with
# named parameters for the values: `_where` names the shape and gives the values,
# `_clauses` builds that shape once per dialect (the caller's teams as one array on
# PostgreSQL, an expanding IN elsewhere), and the page's statement is compiled once
# (`_page_statement`, app/sql.py).

_EQUALS = ("rule", "kind", "subject_type", "subject_id")


def _teams(column: Any, postgresql: bool) -> Any:
    if postgresql:
        return column == any_(bindparam("teams", type_=ARRAY(String())))
    return column.in_(bindparam("teams", expanding=True))


@functools.cache
def _clauses(shape: tuple[str, ...], postgresql: bool) -> tuple[Any, ...]:
    user, team, scope = (
        col(WorkItem.assignee_user),
        col(WorkItem.assignee_team),
        col(WorkItem.scope_team),
    )
    due_at = col(WorkItem.due_at)
    not_placements = or_(team.is_(None), team != bindparam("placements_team"))
    cases = {
        "overdue": due_at < bindparam("day_start"),
        "due": and_(due_at >= bindparam("day_start"), due_at < bindparam("day_end")),
        "upcoming": due_at >= bindparam("day_end"),
    }
    out: list[Any] = []
    for name in shape:
        if name == "open":
            out.append(col(WorkItem.closed_at).is_(None))
        elif name == "since":
            out.append(col(WorkItem.updated_at) >= bindparam("since"))
        elif name == "not_placements":
            out.append(not_placements)
        elif name == "mine_or_teams":
            teams = or_(
                user == bindparam("sub"), _teams(team, postgresql), _teams(scope, postgresql)
            )
            out.append(and_(teams, not_placements))
        elif name == "assignee":
            out.append(user == bindparam("assignee"))
        elif name == "team":
            out.append(team == bindparam("team"))
        elif name == "case_team":
            out.append(or_(team == bindparam("case_team"), scope == bindparam("case_team")))
        elif name in _EQUALS:
            out.append(col(getattr(WorkItem, name)) == bindparam(name))
        elif name == "due_before":
            out.append(due_at < bindparam("due_before"))
        elif name == "due_after":
            out.append(due_at > bindparam("due_after"))
        elif name.startswith("states:"):
            out.append(or_(*(cases[s] for s in name[len("states:") :].split(","))))
        elif name == "after":
            after_due = bindparam("after_due", type_=UTCDateTime())
            out.append(
                or_(
                    due_at > after_due,
                    and_(due_at == after_due, col(WorkItem.id) > bindparam("after_id")),
                )
            )
        else:  # pragma: no cover - a shape only `_where` makes
            raise ValueError(name)
    return tuple(out)


def _where(ctx: Context, flt: WorkFilter, now: datetime) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The shape and values of a filter's WHERE clauses (`_clauses` builds them): open
    items the caller may see, narrowed; with `updated_since`, the items opened, changed or
    closed at or after it (a closed item's last change is its closing), so a mirror
    learns of closings too. Items the caller may see: their own, their teams', or any for
    cross-team roles; items for the placements team only for placements roles (and
    admin, integration)."""
    shape: list[str] = []
    params: dict[str, Any] = {"placements_team": ctx.policy.placements_team}
    if flt.updated_since is None:
        shape.append("open")
    else:
        shape.append("since")
        params["since"] = flt.updated_since
    p = ctx.principal
    if not p.works_across_teams:
        shape.append("mine_or_teams")
        params["sub"] = p.sub
        params["teams"] = sorted(p.teams)
    elif not sees_placements_work(ctx):
        shape.append("not_placements")
    if flt.assignee:
        shape.append("assignee")
        params["assignee"] = p.sub if flt.assignee == "me" else flt.assignee
    for name in ("team", "case_team", *_EQUALS, "due_before", "due_after"):
        value = getattr(flt, name)
        if value is not None and value != "":
            shape.append(name)
            params[name] = value
    if flt.states:
        shape.append("states:" + ",".join(flt.states))
    params["day_start"], params["day_end"] = london_day_bounds(now)
    return tuple(shape), params


WORK_COLUMNS = tuple(WorkItem.__table__.columns)  # type: ignore[attr-defined]


def _with_parents(*, rows: bool = False) -> Any:
    """Work items with the id of their subject's parent (for the href of a subject read
    through its parent: a panel action through its booking, a case note through its
    person), by outer joins on primary keys: still one statement."""
    parent = func.coalesce(col(PanelAction.booking_id), col(CaseNote.person_id))
    return (
        sa_select(
            *(WORK_COLUMNS if rows else (WorkItem,)),  # Core rows, or ORM instances
            parent.label("parent_id"),
        )
        .outerjoin(
            PanelAction,
            and_(
                col(WorkItem.subject_type) == "panel_action",
                col(PanelAction.id) == col(WorkItem.subject_id),
            ),
        )
        .outerjoin(
            CaseNote,
            and_(
                col(WorkItem.subject_type) == "case_note",
                col(CaseNote.id) == col(WorkItem.subject_id),
            ),
        )
    )


async def list_work(
    ctx: Context, flt: WorkFilter, page: WorkPageParams, *, count: bool = False
) -> tuple[list[dict[str, Any]], str | None, WorkCounts | None]:
    now = ctx.clock()
    after = decode_work_cursor(page.cursor) if page.cursor else None
    async with ctx.read() as uow:
        shape, params = _where(ctx, flt, now)
        page_params = {**params, "limit": page.limit + 1}
        if after is not None:
            page_params["after_due"], page_params["after_id"] = after
        prepared = _page_statement((*shape, "after") if after is not None else shape)
        rows = await uow.rows(prepared, page_params)
        next_cursor = None
        if len(rows) > page.limit:
            rows = rows[: page.limit]
            last = rows[-1]
            next_cursor = encode_work_cursor(last.due_at, last.id)
        items = _items(rows, now)
        counts = await _counts(uow, shape, params) if count else None
        return items, next_cursor, counts


@functools.cache
def _page_statement(shape: tuple[str, ...]) -> sql.Prepared:
    """One page of the queue for a shape of filter, in (due_at, id) order, `:limit` rows."""

    def build(postgresql: bool) -> Any:
        return (
            _with_parents(rows=True)
            .where(*_clauses(shape, postgresql))
            .order_by(col(WorkItem.due_at), col(WorkItem.id))
            .limit(bindparam("limit"))
        )

    return sql.Prepared(build(False), postgresql=build(True))


def _items(rows: Sequence[Any], now: datetime) -> list[dict[str, Any]]:
    """A page's Core rows as dicts `WorkItemRead` validates (the router validates and
    dumps the page once): the fields of `to_read`, the state cut at today's London day
    bounds once for the page (the same cut as `work_state`)."""
    start, end = london_day_bounds(now)
    paths = SUBJECT_PATHS
    out = []
    for r in rows:
        due_at = r.due_at
        subject_type, subject_id = r.subject_type, r.subject_id
        template = paths.get(subject_type)
        if template is None:
            href = None
        elif "{parent}" in template:
            parent = r.parent_id
            href = None if parent is None else template.format(id=subject_id, parent=parent)
        else:
            href = template.format(id=subject_id)
        out.append(
            {
                "id": r.id,
                "kind": r.kind,
                "rule": r.rule,
                "title": r.title,
                "subject": {"type": subject_type, "id": subject_id, "href": href},
                "assignee": {"user": r.assignee_user, "team": r.assignee_team},
                "due_at": due_at,
                "state": "overdue" if due_at < start else "due" if due_at < end else "upcoming",
                "created_at": r.created_at,
                "closed_at": r.closed_at,
                "updated_at": r.updated_at,
                "version": int(r.version),
            }
        )
    return out


def _state_sums() -> list[Any]:
    """The open items of each state, cut at `:day_start` and `:day_end` (London)."""
    cases = _clauses(("states:upcoming", "states:due", "states:overdue"), False)
    return [
        func.coalesce(func.sum(case((cases[i], 1), else_=0)), 0).label(s)
        for i, s in enumerate(("upcoming", "due", "overdue"))
    ]


async def _counts(uow: Any, shape: tuple[str, ...], params: dict[str, Any]) -> WorkCounts:
    stmt = sa_select(*_state_sums()).where(*_clauses(shape, False))
    row = (await uow.session.execute(stmt, params)).one()
    return WorkCounts(upcoming=int(row.upcoming), due=int(row.due), overdue=int(row.overdue))


async def summary(ctx: Context, team: str | None) -> WorkSummary:
    """Who owes what: open items per assignee and state, over the caller's view (with
    `team`, the team's queue: what the team owes and what anyone owes on the team's
    cases), in one grouped query."""
    now = ctx.clock()
    async with ctx.uow() as uow:
        user, owner_team = col(WorkItem.assignee_user), col(WorkItem.assignee_team)
        shape, params = _where(ctx, WorkFilter(case_team=team), now)
        stmt = (
            sa_select(user, owner_team, *_state_sums())
            .where(*_clauses(shape, False))
            .group_by(user, owner_team)
        )
        rows = (await uow.session.execute(stmt, params)).all()
    out = [
        WorkSummaryRow(
            assignee=Assignee(user=row[0], team=row[1]),
            upcoming=int(row.upcoming),
            due=int(row.due),
            overdue=int(row.overdue),
        )
        for row in rows
    ]
    # Teams first, then people, each by name.
    out.sort(key=lambda r: (r.assignee.team is None, r.assignee.team or r.assignee.user or ""))
    return WorkSummary(items=out)


# --- one item -------------------------------------------------------------------------


def _may_see(ctx: Context, item: WorkItem | None) -> bool:
    """As `_visible`, for one item: placements-team items only for placements roles."""
    if item is not None and item.assignee_team == ctx.policy.placements_team:
        return sees_placements_work(ctx)
    p = ctx.principal
    return item is not None and (
        p.works_across_teams
        or item.assignee_user == p.sub
        or item.assignee_team in p.teams
        or item.scope_team in p.teams
    )


async def _read_one(uow: Any, item: WorkItem) -> WorkItemRead:
    parent = None
    if item.subject_type in ("panel_action", "case_note"):
        row = (await uow.session.execute(_with_parents().where(col(WorkItem.id) == item.id))).one()
        parent = row[1]
    return to_read(item, uow.now, parent)


async def acknowledge(ctx: Context, item_id: uuid.UUID, if_match: str | None) -> WorkItemRead:
    """Close an item that only needs reading (an alert, a review record): its assignee only."""
    async with ctx.uow() as uow:
        item = await uow.get(WorkItem, item_id, for_update=True)
        p = ctx.principal
        if item is None or not _may_see(ctx, item):
            raise NotFound(f"No work item {item_id}.")
        placements_item = item.assignee_team == ctx.policy.placements_team
        is_assignee = item.assignee_user == p.sub or (
            item.assignee_user is None
            and (sees_placements_work(ctx) if placements_item else item.assignee_team in p.teams)
        )
        if not is_assignee:
            raise Forbidden("Only the item's assignee may acknowledge it.")
        if item.kind not in ACKNOWLEDGEABLE_KINDS:
            raise InvalidTransition(
                f"A {item.kind} work item closes when its work is done, not by acknowledging it.",
                rule="R18",
            )
        check_if_match(if_match, item_version(item))
        if item.closed_at is not None:
            raise InvalidTransition("This work item is already closed.", rule="R18")
        item.closed_at = uow.now
        item.closed_by = p.sub
        item.closed_reason = "acknowledged"
        item.version += 1
        item.updated_at = uow.now
        uow.add(item)
        await uow.flush()
        read = await _read_one(uow, item)
        uow.record(
            "acknowledged",
            SUBJECT,
            item.id,
            after=read.model_dump(mode="json"),
            team=item.scope_team,
        )
        return read


async def assign(
    ctx: Context, item_id: uuid.UUID, body: WorkAssign, if_match: str | None
) -> WorkItemRead:
    """Move an open item to another worker or team (a worker left, a case moved). Out of
    scope answers 404 before the role is checked (403), as everywhere."""
    async with ctx.uow() as uow:
        item = await uow.get(WorkItem, item_id, for_update=True)
        if item is None or not _may_see(ctx, item):
            raise NotFound(f"No work item {item_id}.")
        ctx.principal.require("work.assign")
        check_if_match(if_match, item_version(item))
        if item.closed_at is not None:
            raise InvalidTransition("A closed work item cannot be reassigned.", rule="R18")
        before = Assignee(user=item.assignee_user, team=item.assignee_team)
        item.assignee_user, item.assignee_team = body.user, body.team
        item.version += 1
        item.updated_at = uow.now
        uow.add(item)
        await uow.flush()
        read = await _read_one(uow, item)
        uow.audit(
            "work_item.assigned",
            SUBJECT,
            item.id,
            before={"assignee": before.model_dump(mode="json")},
            after=read.model_dump(mode="json"),
        )
        uow.emit(
            "work_item.assigned",
            SUBJECT,
            item.id,
            {
                "work_item_id": str(item.id),
                "kind": item.kind,
                "rule": item.rule,
                "changed": ["assignee"],
            },
            team=item.scope_team,
        )
        return read
