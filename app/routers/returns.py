"""Statutory returns: the SSDA903 return on children looked after
(`/v1/returns/ssda903`, its issues) and the legal status history it reads
(`/v1/people/{id}/legal-statuses`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import Ctx, Paging
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page
from app.schemas.returns import LegalStatusCreate, LegalStatusRead, ReturnIssues
from app.services import legal_statuses
from app.services import returns as service

router = APIRouter(tags=["returns"])

Year = Annotated[
    int,
    Query(
        ge=2000,
        le=2100,
        description="The collection year by its end: 2026 is 1 April 2025 to 31 March 2026.",
    ),
]


@router.get("/v1/people/{person_id}/legal-statuses", responses=problem_responses(404))
async def list_legal_statuses(
    person_id: uuid.UUID, request: Request, response: Response, ctx: Ctx, paging: Paging
) -> Page[LegalStatusRead]:
    """A child's legal statuses (the SSDA903 LS codes), oldest recorded first; the latest
    started on or before today is `in_force`. The read is audited (R19)."""
    return page(request, response, await legal_statuses.list_statuses(ctx, person_id, paging))


@router.post(
    "/v1/people/{person_id}/legal-statuses",
    status_code=201,
    responses=problem_responses(403, 404, 413, 415),
)
async def create_legal_status(
    person_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: LegalStatusCreate,
) -> LegalStatusRead:
    """Record a child's legal status from its start date (`{"code": "C2", "start_date"}`).
    A change of legal status within a period of care starts a new SSDA903 episode."""
    status = await legal_statuses.create(ctx, person_id, body)
    created(response, request, f"/v1/people/{person_id}/legal-statuses/{status.id}")
    return status


@router.get("/v1/returns/ssda903/issues", responses=problem_responses(403))
async def ssda903_issues(ctx: Ctx, year: Year) -> ReturnIssues:
    """Every record that would break the SSDA903 return's validation rules for the year:
    the DfE rule number, the child (the return's CHILD and our person id), the return's
    column and what to fix (`placements_manager`, `admin`)."""
    return await service.issues(ctx, year)


@router.get(
    "/v1/returns/ssda903",
    responses={
        **problem_responses(403, 409),
        200: {
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            "description": "header.csv, episodes.csv and reviews.csv with the return's columns.",
        },
    },
    response_class=Response,
)
async def ssda903_return(
    ctx: Ctx,
    year: Year,
    force: Annotated[
        bool, Query(description="Export even while validation issues remain.")
    ] = False,
) -> Response:
    """The SSDA903 return for the collection year as a zip of CSV files (header, episodes,
    reviews), built from placements, legal statuses and held CLA reviews. 409
    `return_not_valid` while issues remain, unless `force=true`. The export is audited
    (`return.ssda903_exported`: who, the year, the counts)."""
    content = await service.export(ctx, year, force)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="ssda903-{year}.zip"'},
    )
