"""Subject access (`/v1/people/{id}/export`) and the audit export for compliance tools
(`/v1/audit/export`, NDJSON). Admins only; both are audited (R19)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from app.deps import Ctx
from app.problems import problem_responses
from app.schemas.exports import PersonExport
from app.services import exports as service

router = APIRouter(tags=["exports"])


@router.get("/v1/people/{person_id}/export", responses=problem_responses(403, 404))
async def export_person(person_id: uuid.UUID, ctx: Ctx) -> PersonExport:
    """UK GDPR subject access: everything held about the person, every record about
    them, their documents' metadata and the audit of who read or changed them. The
    export is itself audited (`person.exported`)."""
    return await service.person_export(ctx, person_id)


@router.get(
    "/v1/audit/export",
    responses={
        **problem_responses(403, 422),
        200: {
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "description": "One audit entry (as `GET /v1/audit` shows it) a line, in order.",
        },
    },
    response_class=StreamingResponse,
)
async def export_audit(
    ctx: Ctx,
    from_: Annotated[datetime, Query(alias="from", description="RFC 3339 instant, inclusive.")],
    to: Annotated[datetime, Query(description="RFC 3339 instant, exclusive.")],
) -> StreamingResponse:
    """The audit trail between two instants, streamed as NDJSON in occurred order."""
    await service.start_audit_export(ctx, from_, to)
    return StreamingResponse(service.audit_lines(ctx, from_, to), media_type="application/x-ndjson")
