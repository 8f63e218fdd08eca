"""People: `/v1/people`, and the upsert by external id for integrators."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import as_json, created, page, with_etag
from app.schemas.enums import Cohort
from app.schemas.people import (
    PersonBatch,
    PersonBatchResults,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    PersonUpsert,
)
from app.services import people as service

router = APIRouter(prefix="/v1/people", tags=["people"])


@router.get("", responses=problem_responses(403), summary="List people in your scope")
async def list_people(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    team: Annotated[str | None, Query(max_length=100)] = None,
    cohort: Cohort | None = None,
    external_id: Annotated[
        str | None, Query(max_length=260, description="system:value, e.g. mosaic:12345")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Name contains")
    ] = None,
) -> Page[PersonRead]:
    """People the caller may see (their teams', or all for cross-team roles). Each person
    returned is recorded in the audit trail as read (R19)."""
    flt = service.PeopleFilter(team=team, cohort=cohort, external_id=external_id, q=q)
    return page(request, response, await service.list_people(ctx, flt, paging))


@router.post("", status_code=201, responses=problem_responses(403, 409, 413, 415))
async def create_person(
    request: Request, response: Response, ctx: Ctx, body: PersonCreate
) -> PersonRead:
    """Create a person's record. `external_ids` links it to other systems (unique per system)."""
    person = await service.create(ctx, body)
    created(response, request, f"/v1/people/{person.id}")
    return with_etag(response, person)


@router.get("/{person_id}", response_model=PersonRead, responses=problem_responses(404))
async def get_person(person_id: uuid.UUID, response: Response, ctx: Ctx) -> Response:
    """One person. The read is recorded in the audit trail (R19)."""
    return as_json(PersonRead, with_etag(response, await service.get(ctx, person_id)), response)


@router.patch("/{person_id}", responses=problem_responses(403, 404, 409, 412, 413, 415))
async def update_person(
    person_id: uuid.UUID, response: Response, ctx: Ctx, body: PersonUpdate, if_match: IfMatch = None
) -> PersonRead:
    """Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates."""
    return with_etag(response, await service.update(ctx, person_id, body, if_match))


@router.put(
    "/external/{system}/{external_id}",
    responses={
        **problem_responses(403, 404, 409, 413, 415),
        201: {"model": PersonRead, "description": "Created"},
    },
)
async def upsert_person_by_external_id(
    request: Request,
    response: Response,
    ctx: Ctx,
    body: PersonUpsert,
    system: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,49}$", examples=["mosaic"])],
    external_id: Annotated[str, Path(min_length=1, max_length=200)],
) -> PersonRead:
    """Idempotent upsert for integrators: 201 + Location when it creates the person, 200 when
    it updates (or finds nothing to change)."""
    person, was_created = await service.upsert_external(ctx, system, external_id, body)
    if was_created:
        created(response, request, f"/v1/people/{person.id}")
    return with_etag(response, person)


@router.post(
    "/external/{system}",
    responses=problem_responses(403, 413, 415),
    summary="Batch upsert people by external id",
)
async def upsert_people_by_external_id(
    ctx: Ctx,
    body: PersonBatch,
    system: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,49}$", examples=["mosaic"])],
) -> PersonBatchResults:
    """For an initial load or a sync (integration, admin): up to 500 people, each by its
    `external_id` in `system`. The answer has one result per item, in order: `created`,
    `updated`, `unchanged` or `invalid` with its `problem`. One bad item never stops the
    others; the valid ones are stored together."""
    return PersonBatchResults(items=await service.upsert_batch(ctx, system, body.items))
