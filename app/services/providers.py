"""Providers and their vacancies. Providers are not about a person: every role sees them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from app.context import Context
from app.ids import uuid7
from app.models import Provider, Vacancy
from app.pagination import PageParams
from app.schemas.providers import (
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    ProviderUpsert,
    VacancyCreate,
    VacancyRead,
    VacancyUpdate,
)
from app.services import external_ids
from app.services.common import fetch_page, load_for_change, load_visible
from app.uow import UnitOfWork, snapshot

KIND = "provider"


async def _read(uow: UnitOfWork, provider: Provider) -> ProviderRead:
    (read,) = await external_ids.attach(uow, KIND, [ProviderRead.model_validate(provider)])
    return read


@dataclass(frozen=True)
class ProvidersFilter:
    service: str | None = None
    team: str | None = None
    on_emergency_rota: bool | None = None
    external: bool | None = None
    active: bool | None = None
    q: str | None = None
    external_id: str | None = None


async def create_provider(ctx: Context, body: ProviderCreate) -> ProviderRead:
    ctx.principal.require("providers.write")
    if body.external_ids:
        external_ids.require_role(ctx)
    async with ctx.uow() as uow:
        return await _create(uow, body)


async def _create(uow: UnitOfWork, body: ProviderCreate, system: str | None = None) -> ProviderRead:
    provider = Provider(
        **body.model_dump(exclude={"external_ids"}),
        id=uuid7(),
        created_by=uow.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
        search_name=body.name.lower(),
    )
    uow.add(provider)
    await uow.flush()
    external_ids.remember(uow, KIND, provider.id, {})
    await external_ids.claim(uow, KIND, provider.id, body.external_ids)
    read = await _read(uow, provider)
    uow.record(
        "created",
        KIND,
        provider.id,
        after=read.model_dump(mode="json"),
        data={"system": system} if system else None,
    )
    return read


async def get_provider(ctx: Context, provider_id: uuid.UUID) -> ProviderRead:
    async with ctx.uow() as uow:
        return await _read(uow, await load_visible(uow, Provider, provider_id))


async def list_providers(
    ctx: Context, flt: ProvidersFilter, page: PageParams
) -> tuple[list[ProviderRead], str | None]:
    async with ctx.uow() as uow:
        stmt = select(Provider)
        if flt.service:
            stmt = stmt.where(col(Provider.service) == flt.service)
        if flt.team:
            stmt = stmt.where(col(Provider.team) == flt.team)
        if flt.on_emergency_rota is not None:
            stmt = stmt.where(col(Provider.on_emergency_rota) == flt.on_emergency_rota)
        if flt.external is not None:
            stmt = stmt.where(col(Provider.external) == flt.external)
        if flt.active is not None:
            stmt = stmt.where(col(Provider.active) == flt.active)
        if flt.q:
            pattern = "%" + flt.q.lower().replace("%", "").replace("_", "") + "%"
            stmt = stmt.where(col(Provider.search_name).like(pattern))
        if flt.external_id:
            stmt = stmt.where(external_ids.filter_clause(KIND, Provider.id, flt.external_id))
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Provider.id), page)
        reads = [ProviderRead.model_validate(p) for p in rows]
        return list(await external_ids.attach(uow, KIND, reads)), next_cursor


async def update_provider(
    ctx: Context, provider_id: uuid.UUID, body: ProviderUpdate, if_match: str | None
) -> ProviderRead:
    ops = ["providers.write"]
    if "external_ids" in body.model_fields_set:
        ops.append(external_ids.PERMISSION)
    async with ctx.uow() as uow:
        provider = await load_for_change(uow, Provider, provider_id, ops, if_match)
        changes = body.changes()
        sent = changes.pop("external_ids", None) or {}
        before = snapshot(provider)
        await external_ids.apply(uow, KIND, provider, changes, sent)
        provider.search_name = provider.name.lower()
        uow.touch(provider)
        await uow.flush()
        uow.record(
            "updated",
            "provider",
            provider.id,
            before=before,
            after=snapshot(provider),
            data={"changed": sorted(changes)},
        )
        return await _read(uow, provider)


async def upsert_external(
    ctx: Context, system: str, external_id: str, body: ProviderUpsert
) -> tuple[ProviderRead, bool]:
    """PUT by external id (integration, admin): creates (True) or updates (False)."""
    ctx.principal.require("providers.upsert_external")
    wanted = external_ids.wanted(system, external_id, body.external_ids)
    body = body.model_copy(update={"external_ids": wanted})
    return await external_ids.retry_race(lambda: _upsert_once(ctx, system, external_id, body))


async def _upsert_once(
    ctx: Context, system: str, external_id: str, body: ProviderUpsert
) -> tuple[ProviderRead, bool]:
    async with ctx.uow() as uow:
        found = await external_ids.find(uow, KIND, system, external_id)
        if found is None:
            return await _create(uow, body, system), True
        provider = await load_visible(uow, Provider, found, for_update=True)
        changed = external_ids.differing(provider, body.model_dump(exclude={"external_ids"}))
        before = snapshot(provider)
        await external_ids.apply(uow, KIND, provider, changed, body.external_ids)
        if changed:
            provider.search_name = provider.name.lower()
            uow.touch(provider)
            await uow.flush()
            uow.record(
                "updated",
                KIND,
                provider.id,
                before=before,
                after=snapshot(provider),
                data={"changed": sorted(changed), "system": system},
            )
        return await _read(uow, provider), False


async def create_vacancy(ctx: Context, provider_id: uuid.UUID, body: VacancyCreate) -> VacancyRead:
    async with ctx.uow() as uow:
        provider = await load_visible(uow, Provider, provider_id)
        ctx.principal.require("vacancies.write")
        vacancy = Vacancy(
            **body.model_dump(),
            id=uuid7(),
            provider_id=provider.id,
            status="open",
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(vacancy)
        await uow.flush()
        read = VacancyRead.model_validate(vacancy)
        uow.record("created", "vacancy", vacancy.id, after=read.model_dump(mode="json"))
        return read


async def get_vacancy(ctx: Context, vacancy_id: uuid.UUID) -> VacancyRead:
    async with ctx.uow() as uow:
        return VacancyRead.model_validate(await load_visible(uow, Vacancy, vacancy_id))


async def list_vacancies(
    ctx: Context, provider_id: uuid.UUID, status: str | None, page: PageParams
) -> tuple[list[VacancyRead], str | None]:
    async with ctx.uow() as uow:
        await load_visible(uow, Provider, provider_id)
        stmt = select(Vacancy).where(col(Vacancy.provider_id) == provider_id)
        if status:
            stmt = stmt.where(col(Vacancy.status) == status)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Vacancy.id), page)
        return [VacancyRead.model_validate(v) for v in rows], next_cursor


async def update_vacancy(
    ctx: Context, vacancy_id: uuid.UUID, body: VacancyUpdate, if_match: str | None
) -> VacancyRead:
    """PATCH never changes a status: matching and placements move a vacancy."""
    async with ctx.uow() as uow:
        vacancy = await load_for_change(uow, Vacancy, vacancy_id, "vacancies.write", if_match)
        changes = body.changes()
        before = snapshot(vacancy)
        for name, value in changes.items():
            setattr(vacancy, name, value)
        uow.touch(vacancy)
        await uow.flush()
        uow.record(
            "updated",
            "vacancy",
            vacancy.id,
            before=before,
            after=snapshot(vacancy),
            data={"changed": sorted(changes)},
        )
        return VacancyRead.model_validate(vacancy)
