"""The work queue (R18): every open deadline, its state computed at read time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_
from sqlmodel import col, select

from app.context import Context
from app.domain.errors import InvalidTransition
from app.domain.work import ACKNOWLEDGEABLE_KINDS, london_day_bounds, work_state
from app.models import WorkItem
from app.pagination import PageParams
from app.permissions import PLACEMENTS
from app.problems import Forbidden, NotFound
from app.schemas.common import Assignee, SubjectRef
from app.schemas.work import WorkItemRead
from app.services.common import check_if_match, fetch_page


@dataclass(frozen=True)
class WorkFilter:
    assignee: str | None = None
    team: str | None = None
    states: Sequence[str] = ()
    rule: str | None = None
    kind: str | None = None
    subject_id: uuid.UUID | None = None


def item_version(item: WorkItem) -> int:
    """A work item changes once, when it closes: version 1 open, 2 closed (its ETag)."""
    return 1 if item.closed_at is None else 2


def to_read(item: WorkItem, now_state: str) -> WorkItemRead:
    return WorkItemRead(
        id=item.id,
        kind=item.kind,
        rule=item.rule,
        title=item.title,
        subject=SubjectRef(type=item.subject_type, id=item.subject_id),
        assignee=Assignee(user=item.assignee_user, team=item.assignee_team),
        due_at=item.due_at,
        state=now_state,
        created_at=item.created_at,
        closed_at=item.closed_at,
        version=item_version(item),
    )


# Roles that see work for "the placements team" (API.md): routed by role, never by a team
# name a token lists.
PLACEMENTS_WORK_ROLES = PLACEMENTS | {"admin", "integration"}


def sees_placements_work(ctx: Context) -> bool:
    return bool(ctx.principal.roles & PLACEMENTS_WORK_ROLES)


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


async def list_work(
    ctx: Context, flt: WorkFilter, page: PageParams
) -> tuple[list[WorkItemRead], str | None]:
    now = ctx.clock()
    start, end = london_day_bounds(now)
    async with ctx.uow() as uow:
        stmt = select(WorkItem).where(col(WorkItem.closed_at).is_(None))
        visible = _visible(ctx)
        if visible is not None:
            stmt = stmt.where(visible)
        if flt.assignee:
            user = ctx.principal.sub if flt.assignee == "me" else flt.assignee
            stmt = stmt.where(col(WorkItem.assignee_user) == user)
        if flt.team:
            stmt = stmt.where(col(WorkItem.assignee_team) == flt.team)
        if flt.rule:
            stmt = stmt.where(col(WorkItem.rule) == flt.rule)
        if flt.kind:
            stmt = stmt.where(col(WorkItem.kind) == flt.kind)
        if flt.subject_id:
            stmt = stmt.where(col(WorkItem.subject_id) == flt.subject_id)
        if flt.states:
            ranges = {
                "overdue": col(WorkItem.due_at) < start,
                "due": and_(col(WorkItem.due_at) >= start, col(WorkItem.due_at) < end),
                "upcoming": col(WorkItem.due_at) >= end,
            }
            stmt = stmt.where(or_(*(ranges[s] for s in flt.states)))
        rows, next_cursor = await fetch_page(uow.session, stmt, col(WorkItem.id), page)
        return [to_read(item, work_state(item.due_at, now)) for item in rows], next_cursor


async def acknowledge(ctx: Context, item_id: uuid.UUID, if_match: str | None) -> WorkItemRead:
    """Close an item that only needs reading (an alert, a review record): its assignee only."""
    async with ctx.uow() as uow:
        item = await uow.get(WorkItem, item_id, for_update=True)
        p = ctx.principal
        visible = item is not None and (
            p.works_across_teams
            or item.assignee_user == p.sub
            or item.assignee_team in p.teams
            or item.scope_team in p.teams
        )
        if item is not None and item.assignee_team == ctx.policy.placements_team:
            visible = sees_placements_work(ctx)
        if item is None or not visible:
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
        uow.add(item)
        await uow.flush()
        read = to_read(item, work_state(item.due_at, uow.now))
        uow.record(
            "acknowledged",
            "work_item",
            item.id,
            after=read.model_dump(mode="json"),
            team=item.scope_team,
        )
        return read
