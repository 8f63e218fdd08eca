"""The audit trail (R19): `/v1/audit`, for admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import Ctx, Paging
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import page
from app.schemas.audit import AuditEntryRead
from app.services import audit as service

router = APIRouter(tags=["work"])


@router.get("/v1/audit", responses=problem_responses(403))
async def list_audit(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: Paging,
    subject_id: uuid.UUID | None = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[AuditEntryRead]:
    """Who did what to which record, and who read whose record (R19). Admins only."""
    result = await service.list_audit(ctx, subject_id, actor, action, paging)
    return page(request, response, result)
