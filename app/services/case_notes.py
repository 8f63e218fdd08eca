"""Case notes (R10, seed 001): typed notes on a person's record, with alerts.

Direct work with the child is a case note of type `psw_direct_work_with_child` on the
child's record, not a casework contact. Each alert is a work item for that worker
(kind `case_note_alert`, due when made) until they acknowledge it through
`POST /v1/work/{id}/acknowledge`. Reading a person's notes is audited (R19).
"""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from app.context import Context
from app.domain.errors import InvalidInput
from app.ids import uuid7
from app.models import CaseNote, Person
from app.pagination import PageParams
from app.schemas.case_notes import CaseNoteCreate, CaseNoteRead
from app.services.common import fetch_page, load_child, load_visible

SUBJECT = "case_note"
ALERT_KIND = "case_note_alert"


def to_read(note: CaseNote) -> CaseNoteRead:
    return CaseNoteRead.model_validate(note)


async def create(ctx: Context, person_id: uuid.UUID, body: CaseNoteCreate) -> CaseNoteRead:
    """Write a note on the person's record and alert each named worker (R10)."""
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        ctx.principal.require("case_notes.create")
        if body.type == "psw_direct_work_with_child" and person.cohort != "child":
            raise InvalidInput(
                "A psw_direct_work_with_child note goes on a child's record only.",
                rule="R20",
                loc=("body", "type"),
            )
        alerts = list(dict.fromkeys(body.alerts))
        note = CaseNote(
            id=uuid7(),
            person_id=person.id,
            team=person.team,
            type=body.type,
            text=body.text,
            alerts=alerts,
            author=ctx.principal.sub,
            author_name=ctx.principal.name,
            created_at=uow.now,
        )
        uow.add(note)
        for user in alerts:
            uow.open_work(
                kind=ALERT_KIND,
                rule="R10",
                title=f"Case note alert: {body.type.replace('_', ' ')} note on a person's record",
                subject_type=SUBJECT,
                subject_id=note.id,
                due_at=uow.now,
                assignee_user=user,
                scope_team=person.team,
            )
        await uow.flush()
        read = to_read(note)
        uow.audit("case_note.created", SUBJECT, note.id, after=read.model_dump(mode="json"))
        uow.emit(
            "case_note.created",
            SUBJECT,
            note.id,
            {"person_id": str(person.id), "type": note.type, "alerts": alerts},
            team=person.team,
        )
        return read


async def list_notes(
    ctx: Context, person_id: uuid.UUID, note_type: str | None, page: PageParams
) -> tuple[list[CaseNoteRead], str | None]:
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        stmt = select(CaseNote).where(col(CaseNote.person_id) == person.id)
        if note_type:
            stmt = stmt.where(col(CaseNote.type) == note_type)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(CaseNote.id), page)
        await uow.audit_reads("person", [person.id], "person.case_notes_read")
        return [to_read(n) for n in rows], next_cursor


async def get(ctx: Context, person_id: uuid.UUID, note_id: uuid.UUID) -> CaseNoteRead:
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        note = await load_child(
            uow,
            CaseNote,
            note_id,
            parent=("person_id", person.id),
            missing=f"No case note {note_id} on this person's record.",
        )
        await uow.audit_reads(SUBJECT, [note.id], "case_note.read")
        return to_read(note)
