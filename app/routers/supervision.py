"""Case supervisions of support workers' casework (R11, seed 001)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import page, with_etag
from app.schemas.supervision import SupervisionRead, SupervisionRecord, SupervisionStatus
from app.services import supervision as service

router = APIRouter(prefix="/v1/supervisions", tags=["supervision"])


@router.get("", responses=problem_responses(403))
async def list_supervisions(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    support_worker: Annotated[
        str | None, Query(max_length=200, description="A user id, or `me`")
    ] = None,
    status: SupervisionStatus | None = None,
    support_request_id: uuid.UUID | None = None,
) -> Page[SupervisionRead]:
    """Case supervisions in your scope, by support worker, status or support request (R11)."""
    flt = service.SupervisionsFilter(
        support_worker=support_worker, status=status, support_request_id=support_request_id
    )
    return page(request, response, await service.list_supervisions(ctx, flt, paging))


@router.get("/{supervision_id}", responses=problem_responses(404))
async def get_supervision(
    supervision_id: uuid.UUID, response: Response, ctx: Ctx
) -> SupervisionRead:
    """One supervision, with its ETag (R11)."""
    return with_etag(response, await service.get(ctx, supervision_id))


@router.post("/{supervision_id}/record", responses=problem_responses(403, 404, 409, 412))
async def record_supervision(
    supervision_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: SupervisionRecord,
    if_match: IfMatch = None,
) -> SupervisionRead:
    """R11, by a practice supervisor: record a held supervision. `next_in_4_weeks` or
    `next_in_8_weeks` schedules the next one that many weeks (policy) after `held_on` for
    the same worker; `service_ended` schedules none. Its work items close."""
    return with_etag(response, await service.record(ctx, supervision_id, body, if_match))
