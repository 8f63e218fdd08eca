"""Case supervision (R11, seed 001): scheduled for a support worker's casework, held by the
practice supervisor with the worker, each outcome scheduling the next one or none.

A scheduled supervision is a work item for the worker and one for the practice
supervisors of the support request's team, due at the end of its day; both close when it
is recorded or cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.supervision import SUPERVISION, check_held_on, next_due
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import CaseworkEpisode, Supervision, SupportRequest
from app.pagination import PageParams
from app.problems import NotFound
from app.schemas.supervision import SupervisionRead, SupervisionRecord
from app.services.common import check_if_match, fetch_page, load_visible, team_filter
from app.uow import UnitOfWork, snapshot

SUBJECT = "supervision"
WORK_KIND = "case_supervision"

# R11: "service ended" at supervision ends the support as a checkpoint answered "no", in
# the supervision's transaction (wired in `app.wiring`: casework answers it). Each hook
# gets the current episode and the support request, both locked in that order.
ServiceEndedHook = Callable[[UnitOfWork, CaseworkEpisode, SupportRequest, str], Awaitable[None]]
ON_SERVICE_ENDED: tuple[ServiceEndedHook, ...] = ()


@dataclass(frozen=True)
class SupervisionsFilter:
    support_worker: str | None = None
    status: str | None = None
    support_request_id: uuid.UUID | None = None


def to_read(supervision: Supervision) -> SupervisionRead:
    return SupervisionRead.model_validate(supervision)


def schedule(
    uow: UnitOfWork,
    request: SupportRequest,
    *,
    support_worker: str,
    due_on: date,
    episode_id: uuid.UUID | None,
    previous: Supervision | None = None,
) -> Supervision:
    """Schedule one supervision with its two work items and its event (R11, R18)."""
    supervision = Supervision(
        id=uuid7(),
        support_request_id=request.id,
        casework_episode_id=episode_id,
        team=request.team,
        support_worker=support_worker,
        due_on=due_on,
        status="scheduled",
        previous_supervision_id=previous.id if previous else None,
        created_by=uow.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.add(supervision)
    due_at = due_at_for_date(due_on)
    title = f"Case supervision of {support_worker}'s casework due {due_on.isoformat()}"
    uow.open_work(
        kind=WORK_KIND,
        rule="R11",
        title=title,
        subject_type=SUBJECT,
        subject_id=supervision.id,
        due_at=due_at,
        assignee_user=support_worker,
        scope_team=request.team,
    )
    uow.open_work(
        kind=WORK_KIND,
        rule="R11",
        title=title + " (practice supervisor)",
        subject_type=SUBJECT,
        subject_id=supervision.id,
        due_at=due_at,
        assignee_team=request.team,
        scope_team=request.team,
    )
    read = to_read(supervision)
    uow.record(
        "scheduled", SUBJECT, supervision.id, after=read.model_dump(mode="json"), team=request.team
    )
    return supervision


async def cancel_scheduled(uow: UnitOfWork, support_request_id: uuid.UUID, reason: str) -> int:
    """Cancel the request's scheduled supervisions (the support has ended); returns how many."""
    rows = (
        await uow.session.exec(
            select(Supervision)
            .where(col(Supervision.support_request_id) == support_request_id)
            .where(col(Supervision.status) == "scheduled")
            .with_for_update()
        )
    ).all()
    for supervision in rows:
        before = supervision.status
        supervision.status = SUPERVISION.transition(supervision.status, "cancel")
        supervision.cancelled_reason = reason
        uow.touch(supervision)
        await uow.close_work(SUBJECT, supervision.id, reason=reason)
        uow.record(
            "cancelled",
            SUBJECT,
            supervision.id,
            before={"status": before},
            after={"status": supervision.status, "cancelled_reason": reason},
            data={
                "support_request_id": str(support_request_id),
                "support_worker": supervision.support_worker,
                "reason_code": reason,
            },
            team=supervision.team,
        )
    return len(rows)


async def get(ctx: Context, supervision_id: uuid.UUID) -> SupervisionRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, Supervision, supervision_id))


async def list_supervisions(
    ctx: Context, flt: SupervisionsFilter, page: PageParams
) -> tuple[list[SupervisionRead], str | None]:
    async with ctx.uow() as uow:
        stmt = select(Supervision)
        scope = team_filter(ctx.principal, Supervision.team)
        if scope is not None:
            stmt = stmt.where(scope)
        if flt.support_worker:
            worker = ctx.principal.sub if flt.support_worker == "me" else flt.support_worker
            stmt = stmt.where(col(Supervision.support_worker) == worker)
        if flt.status:
            stmt = stmt.where(col(Supervision.status) == flt.status)
        if flt.support_request_id:
            stmt = stmt.where(col(Supervision.support_request_id) == flt.support_request_id)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Supervision.id), page)
        return [to_read(s) for s in rows], next_cursor


async def current_episode(uow: UnitOfWork, support_request_id: uuid.UUID) -> CaseworkEpisode:
    """The support request's current casework episode: the open one (or checkpoint due),
    else the last of its chain."""
    rows = await uow.session.exec(
        select(CaseworkEpisode)
        .where(col(CaseworkEpisode.support_request_id) == support_request_id)
        .order_by(col(CaseworkEpisode.sequence).desc())
        .limit(1)
    )
    episode = rows.first()
    if episode is None:
        raise NotFound(f"No casework episode for support request {support_request_id}.")
    return episode


async def record(
    ctx: Context, supervision_id: uuid.UUID, body: SupervisionRecord, if_match: str | None
) -> SupervisionRead:
    """R11: record a held supervision; its outcome schedules the next one 4 or 8 weeks after
    the date held for the same worker, or none: service ended answers the open casework
    episode's checkpoint "no" in the same transaction (the support ends, the supervisor
    completing it)."""
    async with ctx.uow() as uow:
        found = await load_visible(uow, Supervision, supervision_id)
        ctx.principal.require("supervisions.record")
        episode = None
        if body.outcome == "service_ended":
            # Lock order as the checkpoint's: the episode, then its support request.
            current = await current_episode(uow, found.support_request_id)
            episode = await uow.get(type(current), current.id, for_update=True)
        # Lock order everywhere: support request, then its supervisions.
        request = await uow.get(SupportRequest, found.support_request_id, for_update=True)
        supervision = await load_visible(uow, Supervision, supervision_id, for_update=True)
        assert request is not None
        check_if_match(if_match, supervision.version)
        before = snapshot(supervision)
        supervision.status = SUPERVISION.transition(supervision.status, "hold")
        check_held_on(body.held_on, local_date(uow.now))
        supervision.held_on = body.held_on
        supervision.outcome = body.outcome
        supervision.notes = body.notes
        supervision.recorded_by = ctx.principal.sub
        supervision.recorded_at = uow.now
        due = next_due(body.held_on, body.outcome, ctx.policy)
        await uow.close_work(SUBJECT, supervision.id, reason="supervision_held")
        if episode is not None:
            uow.add(supervision)
            await uow.flush()
            for hook in ON_SERVICE_ENDED:
                await hook(uow, episode, request, ctx.principal.sub)
        nxt = None
        if due is not None:
            nxt = schedule(
                uow,
                request,
                support_worker=supervision.support_worker,
                due_on=due,
                episode_id=supervision.casework_episode_id,
                previous=supervision,
            )
            supervision.next_supervision_id = nxt.id
        uow.touch(supervision)
        await uow.flush()
        read = to_read(supervision)
        uow.record(
            "held",
            SUBJECT,
            supervision.id,
            before=before,
            after=read.model_dump(mode="json"),
            data={
                "support_request_id": str(supervision.support_request_id),
                "support_worker": supervision.support_worker,
                "held_on": body.held_on.isoformat(),
                "outcome": body.outcome,
                "next_supervision_id": str(nxt.id) if nxt else None,
                "next_due_on": due.isoformat() if due else None,
            },
            team=supervision.team,
        )
        return read
