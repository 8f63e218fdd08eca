"""A child's legal status history (the SSDA903 return's LS): recorded, never changed; the
latest one started on or before today is in force."""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.ids import uuid7
from app.models import LegalStatus, Person
from app.pagination import PageParams
from app.problems import ValidationFailed
from app.schemas.returns import LegalStatusCreate, LegalStatusRead
from app.services.common import fetch_page, load_for_change, load_visible
from app.uow import UnitOfWork

SUBJECT = "legal_status"


async def _in_force_id(uow: UnitOfWork, person_id: uuid.UUID) -> uuid.UUID | None:
    stmt = (
        select(col(LegalStatus.id))
        .where(col(LegalStatus.person_id) == person_id)
        .where(col(LegalStatus.start_date) <= local_date(uow.now))
        .order_by(col(LegalStatus.start_date).desc(), col(LegalStatus.id).desc())
        .limit(1)
    )
    return (await uow.session.exec(stmt)).first()


def to_read(row: LegalStatus, in_force_id: uuid.UUID | None) -> LegalStatusRead:
    return LegalStatusRead(
        id=row.id,
        person_id=row.person_id,
        code=row.code,
        start_date=row.start_date,
        in_force=row.id == in_force_id,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def create(ctx: Context, person_id: uuid.UUID, body: LegalStatusCreate) -> LegalStatusRead:
    """Record a legal status from its start date (children only)."""
    async with ctx.uow() as uow:
        person = await load_for_change(uow, Person, person_id, "legal_statuses.create", None)
        if person.cohort != "child":
            raise ValidationFailed(
                "Legal statuses are recorded for children looked after only.",
                errors=[{"loc": ["path", "person_id"], "msg": "not a child"}],
            )
        if body.start_date < person.date_of_birth:
            raise ValidationFailed(
                "The legal status starts before the child was born.",
                errors=[{"loc": ["body", "start_date"], "msg": "before the date of birth"}],
            )
        row = LegalStatus(
            id=uuid7(),
            person_id=person.id,
            code=body.code,
            start_date=body.start_date,
            created_at=uow.now,
            created_by=ctx.principal.sub,
        )
        uow.add(row)
        await uow.flush()
        read = to_read(row, await _in_force_id(uow, person.id))
        uow.audit(f"{SUBJECT}.created", SUBJECT, row.id, after=read.model_dump(mode="json"))
        uow.emit(
            f"{SUBJECT}.created",
            SUBJECT,
            row.id,
            {"person_id": str(person.id)},
            team=person.team,
        )
        return read


async def list_statuses(
    ctx: Context, person_id: uuid.UUID, page: PageParams
) -> tuple[list[LegalStatusRead], str | None]:
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        stmt = select(LegalStatus).where(col(LegalStatus.person_id) == person.id)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(LegalStatus.id), page)
        in_force = await _in_force_id(uow, person.id)
        await uow.audit_reads("person", [person.id], "person.legal_statuses_read")
        return [to_read(r, in_force) for r in rows], next_cursor
