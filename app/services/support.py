"""Support requests (R8, seed 001): a supervising social worker asks for placement support
for a foster carer household, uploads the risk assessment and submits; a practice
supervisor allocates a support worker (opening casework episode 1 and scheduling the
first supervision, in the same transaction) or records no further action.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from app.context import Context
from app.domain.support import (
    SUPPORT_REQUEST,
    check_nfa_reason,
    check_provider_service,
    check_submit,
    decision_action,
    first_supervision_due,
)
from app.ids import uuid7
from app.models import Document, Provider, SupportRequest
from app.pagination import PageParams
from app.problems import Forbidden
from app.schemas.support import SupportDecision, SupportRequestCreate, SupportRequestRead
from app.services import casework, supervision
from app.services.common import load_for_change, load_visible, scoped_page
from app.uow import UnitOfWork, snapshot

SUBJECT = "support_request"
DECISION_KIND = "support_request_decision"


@dataclass(frozen=True)
class SupportRequestsFilter:
    provider_id: uuid.UUID | None = None
    status: str | None = None


def to_read(request: SupportRequest) -> SupportRequestRead:
    return SupportRequestRead.model_validate(
        {**request.model_dump(), "requested_by": request.created_by}
    )


async def create(ctx: Context, body: SupportRequestCreate) -> SupportRequestRead:
    """A draft request for a foster carer (provider service foster_care, else 422 R8)."""
    ctx.principal.require("support_requests.create")
    async with ctx.uow() as uow:
        provider = await load_visible(uow, Provider, body.provider_id)
        check_provider_service(provider.service)
        if not ctx.principal.can_see_team(provider.team):
            raise Forbidden(
                f"This foster carer is supervised by team {provider.team}, not yours: you may "
                "not request support for them."
            )
        request = SupportRequest(
            id=uuid7(),
            provider_id=provider.id,
            team=provider.team,
            reason=body.reason,
            status="draft",
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(request)
        await uow.flush()
        read = to_read(request)
        uow.record(
            "created", SUBJECT, request.id, after=read.model_dump(mode="json"), team=request.team
        )
        return read


async def get(ctx: Context, request_id: uuid.UUID) -> SupportRequestRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, SupportRequest, request_id))


async def list_requests(
    ctx: Context, flt: SupportRequestsFilter, page: PageParams
) -> tuple[list[SupportRequestRead], str | None]:
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow, SupportRequest, page, provider_id=flt.provider_id, status=flt.status
        )
        return [to_read(r) for r in rows], next_cursor


async def _document_kinds(uow: UnitOfWork, request_id: uuid.UUID) -> set[str]:
    rows = await uow.session.exec(
        select(Document.kind)
        .where(col(Document.owner_type) == SUBJECT)
        .where(col(Document.owner_id) == request_id)
    )
    return set(rows.all())


async def submit(ctx: Context, request_id: uuid.UUID, if_match: str | None) -> SupportRequestRead:
    """R8 `draft -> submitted`, only with a risk assessment uploaded; the request then waits
    for the practice supervisors of its team (a work item for the team)."""
    async with ctx.uow() as uow:
        request = await load_for_change(
            uow, SupportRequest, request_id, "support_requests.submit", if_match
        )
        new_status = SUPPORT_REQUEST.transition(request.status, "submit")
        check_submit(await _document_kinds(uow, request.id))
        before = request.status
        request.status = new_status
        request.submitted_at = uow.now
        request.submitted_by = ctx.principal.sub
        uow.touch(request)
        uow.open_work(
            kind=DECISION_KIND,
            rule="R8",
            title="Placement support request to decide: allocate a support worker or NFA",
            subject_type=SUBJECT,
            subject_id=request.id,
            due_at=uow.now,
            assignee_team=request.team,
            scope_team=request.team,
        )
        await uow.flush()
        read = to_read(request)
        uow.record(
            "submitted",
            SUBJECT,
            request.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            data={"provider_id": str(request.provider_id)},
            team=request.team,
        )
        return read


async def decide(
    ctx: Context, request_id: uuid.UUID, body: SupportDecision, if_match: str | None
) -> SupportRequestRead:
    """R8: allocated (opens casework episode 1 and schedules the first supervision for the
    worker) or not allocated with an NFA reason from policy; one transaction."""
    async with ctx.uow() as uow:
        request = await load_for_change(
            uow, SupportRequest, request_id, "support_requests.decide", if_match
        )
        new_status = SUPPORT_REQUEST.transition(request.status, decision_action(body.allocated))
        if not body.allocated:
            request.nfa_reason = check_nfa_reason(body.nfa_reason, ctx.policy)
        before = snapshot(request)
        request.status = new_status
        request.allocated = body.allocated
        request.decision_note = body.note
        request.decided_by = ctx.principal.sub
        request.decided_at = uow.now
        await uow.close_work(SUBJECT, request.id, kinds=[DECISION_KIND], reason="decided")
        data: dict[str, object] = {"provider_id": str(request.provider_id)}
        if body.allocated:
            assert body.allocated_on is not None and body.support_worker is not None
            request.allocated_on = body.allocated_on
            request.support_worker = body.support_worker
            episode = casework.open_episode(
                uow, request, support_worker=body.support_worker, sequence=1
            )
            first = supervision.schedule(
                uow,
                request,
                support_worker=body.support_worker,
                due_on=first_supervision_due(body.allocated_on, ctx.policy),
                episode_id=episode.id,
            )
            data.update(
                allocated_on=body.allocated_on.isoformat(),
                support_worker=body.support_worker,
                casework_episode_id=str(episode.id),
                supervision_id=str(first.id),
                supervision_due_on=first.due_on.isoformat(),
            )
        uow.touch(request)
        await uow.flush()
        read = to_read(request)
        uow.record(
            "allocated" if body.allocated else "not_allocated",
            SUBJECT,
            request.id,
            before=before,
            after=read.model_dump(mode="json"),
            data=data,
            team=request.team,
        )
        return read
