"""People: create, read (audited, R19), list, patch, and upsert by external id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.context import Context
from app.ids import uuid7
from app.models import ExternalId, Person
from app.pagination import PageParams
from app.problems import Conflict, Forbidden, ValidationFailed
from app.schemas.people import PersonCreate, PersonRead, PersonUpdate, PersonUpsert
from app.services.common import fetch_page, load_for_change, load_visible, team_filter
from app.services.transfers import move_person_records
from app.uow import UnitOfWork, snapshot

SUBJECT = "person"


@dataclass(frozen=True)
class PeopleFilter:
    team: str | None = None
    cohort: str | None = None
    external_id: str | None = None
    q: str | None = None


def _search_name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".lower()[:401]


def _read(person: Person, external: Sequence[ExternalId]) -> PersonRead:
    data = person.model_dump()
    data["external_ids"] = {e.system: e.external_id for e in external}
    return PersonRead.model_validate(data)


async def _external_ids(
    uow: UnitOfWork, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ExternalId]]:
    out: dict[uuid.UUID, list[ExternalId]] = {pid: [] for pid in person_ids}
    if not person_ids:
        return out
    rows = await uow.session.exec(
        select(ExternalId).where(col(ExternalId.person_id).in_(list(person_ids)))
    )
    for row in rows.all():
        out[row.person_id].append(row)
    return out


def require_external_ids_role(ctx: Context) -> None:
    """Only integration and admin set external ids in a body (API.md roles table)."""
    if not ctx.principal.may("people.external_ids"):
        raise Forbidden("Only the integration and admin roles set external ids.")


def _check_team_allowed(ctx: Context, team: str) -> None:
    if not ctx.principal.can_see_team(team):
        raise Forbidden(f"You are not in team {team}: you may not keep a person's record there.")


async def _claim_external(uow: UnitOfWork, person: Person, system: str, value: str) -> None:
    taken = (
        await uow.session.exec(
            select(ExternalId)
            .where(col(ExternalId.system) == system)
            .where(col(ExternalId.external_id) == value)
        )
    ).first()
    if taken is not None and taken.person_id != person.id:
        raise Conflict(
            f"The {system} id {value} already belongs to another person.",
            code="external_id_taken",
        )
    if taken is None:
        uow.add(
            ExternalId(
                id=uuid7(),
                person_id=person.id,
                system=system,
                external_id=value,
                created_by=uow.principal.sub,
                created_at=uow.now,
                updated_at=uow.now,
            )
        )


async def create(ctx: Context, body: PersonCreate) -> PersonRead:
    ctx.principal.require("people.create")
    if body.external_ids:
        require_external_ids_role(ctx)
    _check_team_allowed(ctx, body.team)
    async with ctx.uow() as uow:
        person = Person(
            **body.model_dump(exclude={"external_ids"}),
            id=uuid7(),
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
            search_name="",
        )
        person.search_name = _search_name(person)
        uow.add(person)
        await uow.flush()
        for system, value in body.external_ids.items():
            await _claim_external(uow, person, system, value)
        await uow.flush()
        read = _read(person, (await _external_ids(uow, [person.id]))[person.id])
        uow.record(
            "created", SUBJECT, person.id, after=read.model_dump(mode="json"), team=person.team
        )
        return read


async def get(ctx: Context, person_id: uuid.UUID) -> PersonRead:
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        read = _read(person, (await _external_ids(uow, [person.id]))[person.id])
        await uow.audit_reads(SUBJECT, [person.id], "person.read")
        return read


async def list_people(
    ctx: Context, flt: PeopleFilter, page: PageParams
) -> tuple[list[PersonRead], str | None]:
    async with ctx.uow() as uow:
        stmt = select(Person)
        scope = team_filter(ctx.principal, Person.team)
        if scope is not None:
            stmt = stmt.where(scope)
        if flt.team:
            stmt = stmt.where(col(Person.team) == flt.team)
        if flt.cohort:
            stmt = stmt.where(col(Person.cohort) == flt.cohort)
        if flt.q:
            pattern = "%" + flt.q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
            stmt = stmt.where(col(Person.search_name).like(pattern))
        if flt.external_id:
            system, sep, value = flt.external_id.partition(":")
            if not sep or not system or not value:
                raise ValidationFailed(
                    "external_id filters as system:value, e.g. mosaic:12345.",
                    errors=[{"loc": ["query", "external_id"], "msg": "expected system:value"}],
                )
            stmt = stmt.where(
                col(Person.id).in_(
                    select(ExternalId.person_id)
                    .where(col(ExternalId.system) == system)
                    .where(col(ExternalId.external_id) == value)
                )
            )
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Person.id), page)
        external = await _external_ids(uow, [p.id for p in rows])
        await uow.audit_reads(SUBJECT, [p.id for p in rows], "person.list_read")
        return [_read(p, external[p.id]) for p in rows], next_cursor


async def update(
    ctx: Context, person_id: uuid.UUID, body: PersonUpdate, if_match: str | None
) -> PersonRead:
    async with ctx.uow() as uow:
        person = await load_for_change(uow, Person, person_id, "people.update", if_match)
        if "external_ids" in body.model_fields_set:
            require_external_ids_role(ctx)
        changes = body.changes()
        external = changes.pop("external_ids", None) or {}
        if "team" in changes:
            _check_team_allowed(ctx, changes["team"])
        before = snapshot(person)
        old_team = person.team
        for name, value in changes.items():
            setattr(person, name, value)
        person.search_name = _search_name(person)
        uow.touch(person)
        await uow.flush()
        for system, value in external.items():
            await _claim_external(uow, person, system, value)
        if external:
            changes["external_ids"] = external
            await uow.flush()
        if person.team != old_team:
            await move_person_records(uow, person, old_team, person.team)
        read = _read(person, (await _external_ids(uow, [person.id]))[person.id])
        uow.record(
            "updated",
            SUBJECT,
            person.id,
            before=before,
            after=snapshot(person),
            data={"changed": sorted(changes)},
            team=person.team,
        )
        return read


async def upsert_external(
    ctx: Context, system: str, external_id: str, body: PersonUpsert
) -> tuple[PersonRead, bool]:
    """PUT by external id: creates (True) or updates (False) the person. Two concurrent
    first upserts of one id meet the unique constraint; the loser retries as an update."""
    ctx.principal.require("people.upsert_external")
    for attempt in range(3):
        try:
            return await _upsert_once(ctx, system, external_id, body)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _upsert_once(
    ctx: Context, system: str, external_id: str, body: PersonUpsert
) -> tuple[PersonRead, bool]:
    async with ctx.uow() as uow:
        link = (
            await uow.session.exec(
                select(ExternalId)
                .where(col(ExternalId.system) == system)
                .where(col(ExternalId.external_id) == external_id)
            )
        ).first()
        fields = body.model_dump(exclude={"external_ids"})
        others = {k: v for k, v in body.external_ids.items() if k != system}
        if body.external_ids.get(system, external_id) != external_id:
            raise ValidationFailed(
                f"external_ids.{system} differs from the id in the path.",
                errors=[{"loc": ["body", "external_ids", system], "msg": "differs from path"}],
            )
        if link is None:
            person = Person(
                **fields,
                id=uuid7(),
                created_by=ctx.principal.sub,
                created_at=uow.now,
                updated_at=uow.now,
                search_name="",
            )
            person.search_name = _search_name(person)
            uow.add(person)
            await uow.flush()
            await _claim_external(uow, person, system, external_id)
            for other, value in others.items():
                await _claim_external(uow, person, other, value)
            await uow.flush()
            read = _read(person, (await _external_ids(uow, [person.id]))[person.id])
            uow.record(
                "created",
                SUBJECT,
                person.id,
                after=read.model_dump(mode="json"),
                data={"system": system},
                team=person.team,
            )
            return read, True
        person = await load_visible(uow, Person, link.person_id, for_update=True)
        known = {
            e.system: e.external_id for e in (await _external_ids(uow, [person.id]))[person.id]
        }
        for other, value in others.items():
            if other not in known:  # a known system keeps its id
                await _claim_external(uow, person, other, value)
        changed = {k: v for k, v in fields.items() if getattr(person, k) != v}
        if changed:
            before = snapshot(person)
            old_team = person.team
            for name, value in changed.items():
                setattr(person, name, value)
            person.search_name = _search_name(person)
            uow.touch(person)
            await uow.flush()
            if person.team != old_team:
                await move_person_records(uow, person, old_team, person.team)
            uow.record(
                "updated",
                SUBJECT,
                person.id,
                before=before,
                after=snapshot(person),
                data={"changed": sorted(changed), "system": system},
                team=person.team,
            )
        read = _read(person, (await _external_ids(uow, [person.id]))[person.id])
        return read, False
