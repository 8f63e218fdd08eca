"""The work queue (R18): every open deadline and hand-off, its state computed at read time.

The queue is one indexed query whatever its size: open items (partial indexes on
`closed_at IS NULL`) in (due_at, id) order, keyset-paged on that pair. Counts and the
manager's summary are one grouped query each, with the states cut in SQL at the London
day bounds of "now".
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col

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
from app.uow import core

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


def _visible(ctx: Context):  # type: ignore[no-untyped-def]
    """Items the caller may see: their own, their teams', or any for cross-team roles;
    items for the placements team only for placements roles (and admin, integration)."""
    p = ctx.principal
    not_placements = or_(
        col(WorkItem.assignee_team).is_(None),
        col(WorkItem.assignee_team) != ctx.policy.placements_team,
    )
    if p.works_across_teams:
        return None if sees_placements_work(ctx) else not_placements
    teams = sorted(p.teams)
    return and_(
        or_(
            col(WorkItem.assignee_user) == p.sub,
            col(WorkItem.assignee_team).in_(teams),
            col(WorkItem.scope_team).in_(teams),
        ),
        not_placements,
    )


def _state_cases(now: datetime) -> dict[str, ColumnElement[bool]]:
    start, end = london_day_bounds(now)
    due_at = col(WorkItem.due_at)
    return {
        "overdue": due_at < start,
        "due": and_(due_at >= start, due_at < end),
        "upcoming": due_at >= end,
    }


def _where(ctx: Context, flt: WorkFilter, now: datetime) -> list[Any]:
    """The WHERE clauses of a filter: open items the caller may see, narrowed; with
    `updated_since`, the items opened, changed or closed at or after it (a closed item's
    last change is its closing), so a mirror learns of closings too."""
    clauses: list[Any] = [
        col(WorkItem.closed_at).is_(None)
        if flt.updated_since is None
        else col(WorkItem.updated_at) >= flt.updated_since
    ]
    visible = _visible(ctx)
    if visible is not None:
        clauses.append(visible)
    if flt.assignee:
        user = ctx.principal.sub if flt.assignee == "me" else flt.assignee
        clauses.append(col(WorkItem.assignee_user) == user)
    if flt.team:
        clauses.append(col(WorkItem.assignee_team) == flt.team)
    if flt.case_team:
        clauses.append(
            or_(
                col(WorkItem.assignee_team) == flt.case_team,
                col(WorkItem.scope_team) == flt.case_team,
            )
        )
    if flt.rule:
        clauses.append(col(WorkItem.rule) == flt.rule)
    if flt.kind:
        clauses.append(col(WorkItem.kind) == flt.kind)
    if flt.subject_type:
        clauses.append(col(WorkItem.subject_type) == flt.subject_type)
    if flt.subject_id:
        clauses.append(col(WorkItem.subject_id) == flt.subject_id)
    if flt.due_before is not None:
        clauses.append(col(WorkItem.due_at) < flt.due_before)
    if flt.due_after is not None:
        clauses.append(col(WorkItem.due_at) > flt.due_after)
    if flt.states:
        cases = _state_cases(now)
        clauses.append(or_(*(cases[s] for s in flt.states)))
    return clauses


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
        clauses = _where(ctx, flt, now)
        stmt = _with_parents(rows=True).where(*clauses)
        if after is not None:
            due_at, id_ = after
            stmt = stmt.where(
                or_(
                    col(WorkItem.due_at) > due_at,
                    and_(col(WorkItem.due_at) == due_at, col(WorkItem.id) > id_),
                )
            )
        stmt = stmt.order_by(col(WorkItem.due_at), col(WorkItem.id)).limit(page.limit + 1)
        rows = (await core(uow.session, stmt)).all()
        next_cursor = None
        if len(rows) > page.limit:
            rows = rows[: page.limit]
            last = rows[-1]
            next_cursor = encode_work_cursor(last.due_at, last.id)
        items = _items(rows, now)
        counts = await _counts(uow, clauses, now) if count else None
        return items, next_cursor, counts


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


def _state_sums(now: datetime) -> list[Any]:
    cases = _state_cases(now)
    return [
        func.coalesce(func.sum(case((cases[s], 1), else_=0)), 0).label(s)
        for s in ("upcoming", "due", "overdue")
    ]


async def _counts(uow: Any, clauses: list[Any], now: datetime) -> WorkCounts:
    row = (await uow.session.execute(sa_select(*_state_sums(now)).where(*clauses))).one()
    return WorkCounts(upcoming=int(row.upcoming), due=int(row.due), overdue=int(row.overdue))


async def summary(ctx: Context, team: str | None) -> WorkSummary:
    """Who owes what: open items per assignee and state, over the caller's view (with
    `team`, the team's queue: what the team owes and what anyone owes on the team's
    cases), in one grouped query."""
    now = ctx.clock()
    async with ctx.uow() as uow:
        user, owner_team = col(WorkItem.assignee_user), col(WorkItem.assignee_team)
        stmt = (
            sa_select(user, owner_team, *_state_sums(now))
            .where(*_where(ctx, WorkFilter(case_team=team), now))
            .group_by(user, owner_team)
        )
        rows = (await uow.session.execute(stmt)).all()
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
