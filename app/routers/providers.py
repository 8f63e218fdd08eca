"""Providers (`/v1/providers`) and their vacancies (`/v1/vacancies`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.enums import Service, VacancyStatus
from app.schemas.providers import (
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    ProviderUpsert,
    VacancyCreate,
    VacancyRead,
    VacancyUpdate,
)
from app.services import providers as service

router = APIRouter(tags=["providers"])


@router.get("/v1/providers", responses=problem_responses(403))
async def list_providers(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    service_: Annotated[Service | None, Query(alias="service")] = None,
    team: Annotated[str | None, Query(max_length=100)] = None,
    on_emergency_rota: bool | None = None,
    external: bool | None = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    external_id: Annotated[
        str | None, Query(max_length=260, description="system:value, e.g. mosaic:P123")
    ] = None,
) -> Page[ProviderRead]:
    """Providers, filtered by service, team, emergency rota, external or name (`q`)."""
    flt = service.ProvidersFilter(
        service=service_,
        team=team,
        on_emergency_rota=on_emergency_rota,
        external=external,
        active=active,
        q=q,
        external_id=external_id,
    )
    return page(request, response, await service.list_providers(ctx, flt, paging))


@router.post("/v1/providers", status_code=201, responses=problem_responses(403, 413, 415))
async def create_provider(
    request: Request, response: Response, ctx: Ctx, body: ProviderCreate
) -> ProviderRead:
    """A provider of care. `on_emergency_rota` marks foster carers on the out-of-hours rota
    (R2); `external` marks placements that get annual QA visits (R17)."""
    provider = await service.create_provider(ctx, body)
    created(response, request, f"/v1/providers/{provider.id}")
    return with_etag(response, provider)


@router.get("/v1/providers/{provider_id}", responses=problem_responses(404))
async def get_provider(provider_id: uuid.UUID, response: Response, ctx: Ctx) -> ProviderRead:
    """One provider, with its ETag."""
    return with_etag(response, await service.get_provider(ctx, provider_id))


@router.patch("/v1/providers/{provider_id}", responses=problem_responses(403, 404, 412, 413, 415))
async def update_provider(
    provider_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: ProviderUpdate,
    if_match: IfMatch = None,
) -> ProviderRead:
    """Change the fields sent. Send `If-Match` with the ETag you read."""
    return with_etag(response, await service.update_provider(ctx, provider_id, body, if_match))


@router.get("/v1/providers/{provider_id}/vacancies", responses=problem_responses(404))
async def list_vacancies(
    provider_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    status: VacancyStatus | None = None,
) -> Page[VacancyRead]:
    """A provider's vacancies, optionally by status (open, held, filled)."""
    return page(request, response, await service.list_vacancies(ctx, provider_id, status, paging))


@router.post(
    "/v1/providers/{provider_id}/vacancies",
    status_code=201,
    responses=problem_responses(403, 404, 413, 415),
)
async def create_vacancy(
    provider_id: uuid.UUID, request: Request, response: Response, ctx: Ctx, body: VacancyCreate
) -> VacancyRead:
    """A room, bed or tenancy. It starts `open`; matching holds it and a placement fills it."""
    vacancy = await service.create_vacancy(ctx, provider_id, body)
    created(response, request, f"/v1/vacancies/{vacancy.id}")
    return with_etag(response, vacancy)


@router.get("/v1/vacancies/{vacancy_id}", responses=problem_responses(404))
async def get_vacancy(vacancy_id: uuid.UUID, response: Response, ctx: Ctx) -> VacancyRead:
    """One vacancy, with its ETag."""
    return with_etag(response, await service.get_vacancy(ctx, vacancy_id))


@router.patch("/v1/vacancies/{vacancy_id}", responses=problem_responses(403, 404, 412, 413, 415))
async def update_vacancy(
    vacancy_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: VacancyUpdate,
    if_match: IfMatch = None,
) -> VacancyRead:
    """Change a vacancy's details. Its status is moved by matching and placements, never here."""
    return with_etag(response, await service.update_vacancy(ctx, vacancy_id, body, if_match))


@router.put(
    "/v1/providers/external/{system}/{external_id}",
    responses={
        **problem_responses(403, 404, 409, 413, 415),
        201: {"model": ProviderRead, "description": "Created"},
    },
    summary="Upsert a provider by external id",
)
async def upsert_provider_by_external_id(
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ProviderUpsert,
    system: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,49}$", examples=["mosaic"])],
    external_id: Annotated[str, Path(min_length=1, max_length=200)],
) -> ProviderRead:
    """Idempotent upsert for integrators (integration, admin): 201 + Location when it
    creates the provider, 200 when it updates (or finds nothing to change)."""
    provider, was_created = await service.upsert_external(ctx, system, external_id, body)
    if was_created:
        created(response, request, f"/v1/providers/{provider.id}")
    return with_etag(response, provider)
