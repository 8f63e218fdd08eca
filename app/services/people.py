"""People: create, read (audited, R19), list, patch, and upsert by external id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.context import Context
from app.ids import uuid7
from app.models import AuditEntry, ExternalId, Person
from app.pagination import PageParams
from app.problems import Conflict, Forbidden
from app.schemas.people import (
    BatchItemProblem,
    PersonBatchItem,
    PersonBatchResult,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    PersonUpsert,
)
from app.services import external_ids
from app.services.common import (
    fetch_page,
    load_for_change,
    load_visible,
    read_visible_with_ids,
    team_filter,
)
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


def _read(person: Any, external: Sequence[Any]) -> PersonRead:
    """A person (an ORM instance or a Core row of its table) and its external ids."""
    data = person.model_dump() if isinstance(person, Person) else dict(person._mapping)
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
    async with ctx.read() as uow:
        # The person and their external ids in one statement; its read audited (R19).
        row, ids = await read_visible_with_ids(uow, Person, SUBJECT, person_id)
        data = dict(row._mapping)
        data["external_ids"] = ids
        return PersonRead.model_validate(data)


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
            system, value = external_ids.parse_filter(flt.external_id)
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
        wanted = external_ids.wanted(system, external_id, body.external_ids)
        others = {k: v for k, v in wanted.items() if k != system}
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


# --- batch upsert by external id ---------------------------------------------------------


def _invalid(
    external_id: str | None,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> PersonBatchResult:
    return PersonBatchResult(
        external_id=external_id,
        status="invalid",
        problem=BatchItemProblem(code=code, detail=detail, errors=errors),
    )


def _item_errors(error: PydanticValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type")}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _check_items(
    system: str, raw_items: Sequence[dict[str, Any]]
) -> tuple[list[PersonBatchResult | None], list[tuple[int, PersonBatchItem]]]:
    """Each item on its own: invalid ones get their result now, the rest go on."""
    results: list[PersonBatchResult | None] = [None] * len(raw_items)
    valid: list[tuple[int, PersonBatchItem]] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        sent = raw.get("external_id")
        sent_id = sent if isinstance(sent, str) else None
        try:
            item = PersonBatchItem.model_validate(raw)
        except PydanticValidationError as error:
            errors = _item_errors(error)
            first = errors[0] if errors else {"loc": [], "msg": "invalid"}
            where = ".".join(str(p) for p in first["loc"]) or "item"
            results[index] = _invalid(
                sent_id, "validation_error", f"{where}: {first['msg']}", errors
            )
            continue
        if item.external_ids.get(system, item.external_id) != item.external_id:
            results[index] = _invalid(
                item.external_id,
                "validation_error",
                f"external_ids.{system} differs from external_id.",
                [{"loc": ["external_ids", system], "msg": "differs from external_id"}],
            )
            continue
        if item.external_id in seen:
            results[index] = _invalid(
                item.external_id,
                "validation_error",
                f"The {system} id {item.external_id} comes more than once in this batch.",
                [{"loc": ["external_id"], "msg": "repeated in this batch"}],
            )
            continue
        seen.add(item.external_id)
        valid.append((index, item))
    return results, valid


async def upsert_batch(
    ctx: Context, system: str, raw_items: Sequence[dict[str, Any]]
) -> list[PersonBatchResult]:
    """Batch upsert by external id in `system`: one result per item, in order; an invalid
    item never stops the others. One unit of work, a few statements whatever the size:
    existing ids and their people are read in bulk, new people inserted in bulk. Two
    batches racing on a new id meet the unique constraint; the loser runs again."""
    ctx.principal.require("people.upsert_external")
    results, valid = _check_items(system, raw_items)
    for attempt in range(3):
        try:
            return await _batch_once(ctx, system, results, valid)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _batch_once(
    ctx: Context,
    system: str,
    checked: list[PersonBatchResult | None],
    valid: list[tuple[int, PersonBatchItem]],
) -> list[PersonBatchResult]:
    out = list(checked)
    async with ctx.uow() as uow:
        session = uow.session
        wanted = [item.external_id for _, item in valid]
        links: dict[str, uuid.UUID] = {}
        if wanted:
            rows = await session.exec(
                select(ExternalId)
                .where(col(ExternalId.system) == system)
                .where(col(ExternalId.external_id).in_(wanted))
            )
            links = {r.external_id: r.person_id for r in rows.all()}
        people: dict[uuid.UUID, Person] = {}
        if links:
            stmt = select(Person).where(col(Person.id).in_(list(links.values())))
            people = {p.id: p for p in (await session.exec(stmt.with_for_update())).all()}
        known = await _external_ids(uow, list(people))
        # other systems' ids sent with the items: who holds them already
        pairs = {(s, v) for _, item in valid for s, v in item.external_ids.items() if s != system}
        taken: dict[tuple[str, str], uuid.UUID] = {}
        if pairs:
            rows = await session.exec(
                select(ExternalId)
                .where(col(ExternalId.system).in_(sorted({s for s, _ in pairs})))
                .where(col(ExternalId.external_id).in_(sorted({v for _, v in pairs})))
            )
            taken = {
                (r.system, r.external_id): r.person_id
                for r in rows.all()
                if (r.system, r.external_id) in pairs
            }
        claimed: dict[tuple[str, str], int] = {}
        # New rows go in as plain values, one multi-row INSERT per table: building
        # hundreds of ORM objects costs more than the database does.
        new_people: list[dict[str, Any]] = []
        new_links: list[dict[str, Any]] = []
        new_audit: list[dict[str, Any]] = []
        moves: list[tuple[Person, str]] = []
        stamp = {"created_by": uow.principal.sub, "created_at": uow.now, "updated_at": uow.now}

        def link(person_id: uuid.UUID, s: str, v: str) -> None:
            new_links.append(
                {"id": uuid7(), "person_id": person_id, "system": s, "external_id": v}
                | stamp
                | {"version": 1}
            )

        for index, item in valid:
            fields = item.model_dump(exclude={"external_ids", "external_id"})
            person = people.get(links.get(item.external_id))  # type: ignore[arg-type]
            known_systems = {e.system for e in known.get(person.id, [])} if person else set()
            own_id = person.id if person else None
            to_link = {
                s: v for s, v in item.external_ids.items() if s != system and s not in known_systems
            }
            clash = next(
                (
                    (s, v)
                    for s, v in to_link.items()
                    if taken.get((s, v), own_id) != own_id or claimed.get((s, v), index) != index
                ),
                None,
            )
            if clash is not None:
                out[index] = _invalid(
                    item.external_id,
                    "external_id_taken",
                    f"The {clash[0]} id {clash[1]} already belongs to another person.",
                    [{"loc": ["external_ids", clash[0]], "msg": "taken"}],
                )
                continue
            to_link = {s: v for s, v in to_link.items() if (s, v) not in taken}
            for s, v in to_link.items():
                claimed[(s, v)] = index
            # The feed names the system only: an external id is not for the feed (R19).
            external = {"system": system}
            if person is None:
                new_id = uuid7()
                name = f"{item.given_name} {item.family_name}".lower()[:401]
                new_people.append(
                    fields | stamp | {"id": new_id, "version": 1, "search_name": name}
                )
                link(new_id, system, item.external_id)
                for s, v in to_link.items():
                    link(new_id, s, v)
                after = item.model_dump(mode="json", exclude={"external_id"})
                after |= {"id": str(new_id), "version": 1, "created_by": uow.principal.sub}
                after["external_ids"] = {system: item.external_id, **to_link}
                new_audit.append(
                    {
                        "id": uuid7(),
                        "occurred_at": uow.now,
                        "actor_sub": uow.principal.sub,
                        "actor_name": uow.principal.name,
                        "action": f"{SUBJECT}.created",
                        "subject_type": SUBJECT,
                        "subject_id": new_id,
                        "before": None,
                        "after": after,
                        "request_id": uow.request_id,
                    }
                )
                uow.emit(
                    f"{SUBJECT}.created",
                    SUBJECT,
                    new_id,
                    {**external, "cohort": item.cohort},
                    team=item.team,
                )
                out[index] = PersonBatchResult(
                    external_id=item.external_id, status="created", id=new_id
                )
                continue
            changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
            if not changed and not to_link:
                out[index] = PersonBatchResult(
                    external_id=item.external_id, status="unchanged", id=person.id
                )
                continue
            before = snapshot(person)
            old_team = person.team
            for name in changed:
                setattr(person, name, fields[name])
            for s, v in to_link.items():
                link(person.id, s, v)
            if changed:
                person.search_name = _search_name(person)
                uow.touch(person)
            if person.team != old_team:
                moves.append((person, old_team))
            names = changed + (["external_ids"] if to_link else [])
            uow.record(
                "updated",
                SUBJECT,
                person.id,
                before=before,
                after=snapshot(person),
                data={"changed": names, **external},
                team=person.team,
            )
            out[index] = PersonBatchResult(
                external_id=item.external_id, status="updated", id=person.id
            )
        await uow.flush()  # the updated people
        if new_people:
            await session.execute(insert(Person), new_people)
        if new_links:
            await session.execute(insert(ExternalId), new_links)
        if new_audit:
            await session.execute(insert(AuditEntry), new_audit)
        for person, old_team in moves:
            await move_person_records(uow, person, old_team, person.team)
    return [r for r in out if r is not None]
