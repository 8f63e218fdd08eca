"""Case notes on a person's record, with alerts (R10, seed 001)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import Ctx, Paging
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import IMMUTABLE_ETAG, created, page
from app.schemas.case_notes import CaseNoteCreate, CaseNoteRead
from app.schemas.enums import CaseNoteType
from app.services import case_notes as service

router = APIRouter(prefix="/v1/people/{person_id}/case-notes", tags=["case_notes"])


@router.get("", responses=problem_responses(404))
async def list_case_notes(
    person_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: Paging,
    type: CaseNoteType | None = None,
) -> Page[CaseNoteRead]:
    """The case notes on a person's record, oldest first (R10). Visible to the person's team
    and cross-team roles (404 otherwise); the read is recorded in the audit trail (R19)."""
    return page(request, response, await service.list_notes(ctx, person_id, type, paging))


@router.post("", status_code=201, responses=problem_responses(403, 404, 413, 415))
async def create_case_note(
    person_id: uuid.UUID, request: Request, response: Response, ctx: Ctx, body: CaseNoteCreate
) -> CaseNoteRead:
    """Write a typed case note on a person's record (R10). A placement support worker's direct
    work with the child is a case note of type `psw_direct_work_with_child` on the child's
    record, not a casework contact (seed 001). Each user in `alerts` gets a work item
    (kind `case_note_alert`, due now) until they acknowledge it with
    `POST /v1/work/{id}/acknowledge`."""
    note = await service.create(ctx, person_id, body)
    created(response, request, f"/v1/people/{person_id}/case-notes/{note.id}")
    return note


@router.get("/{note_id}", responses=problem_responses(404))
async def get_case_note(
    person_id: uuid.UUID, note_id: uuid.UUID, response: Response, ctx: Ctx
) -> CaseNoteRead:
    """One case note on a person's record (R10); the read is audited (R19)."""
    response.headers["ETag"] = IMMUTABLE_ETAG  # case notes never change (R19)
    return await service.get(ctx, person_id, note_id)
