"""Subject access and audit export (R19): one document with everything held about a
person, itself audited; and the audit trail between two instants as NDJSON, read in
keyset batches so memory stays flat however long the range."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import SQLModel, col, select

from app.context import Context
from app.ids import uuid7
from app.models import (
    AuditEntry,
    Document,
    Event,
    ExternalId,
    PanelAction,
    PanelBooking,
    PanelBookingDocument,
    Person,
    WorkItem,
)
from app.problems import ValidationFailed
from app.schemas.exports import PersonExport
from app.services.audit import to_read as audit_read
from app.services.common import load_visible
from app.services.transfers import FOLLOWS, document_filter, referral_ids, subject_ids
from app.uow import UnitOfWork

SUBJECT = "person"
BATCH = 500
# Internal fields that say nothing about the person: where a file's bytes are kept.
HIDDEN = {"storage_key", "search_name"}


def _dump(row: SQLModel) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump(mode="json").items() if k not in HIDDEN}


async def _rows(uow: UnitOfWork, stmt: Any) -> list[dict[str, Any]]:
    return [_dump(row) for row in (await uow.session.exec(stmt)).all()]


async def person_export(ctx: Context, person_id: uuid.UUID) -> PersonExport:
    """Every record about the person (the tables that follow the person, their documents'
    metadata, panel actions, work items), the feed events and the audit of who read or
    changed any of them. The export is audited as `person.exported`."""
    async with ctx.uow() as uow:
        person = await load_visible(uow, Person, person_id)
        ctx.principal.require("people.export")
        records: dict[str, list[dict[str, Any]]] = {}
        for model, where in FOLLOWS:
            ident = col(model.id)  # type: ignore[attr-defined]
            stmt = select(model).where(where(person_id)).order_by(ident)
            records[str(model.__tablename__)] = await _rows(uow, stmt)
        records["panel_actions"] = await _rows(
            uow,
            select(PanelAction)
            .where(col(PanelAction.referral_id).in_(referral_ids(person_id)))
            .order_by(col(PanelAction.id)),
        )
        records["panel_booking_documents"] = await _rows(
            uow,
            select(PanelBookingDocument)
            .where(
                col(PanelBookingDocument.booking_id).in_(
                    select(col(PanelBooking.id)).where(
                        col(PanelBooking.referral_id).in_(referral_ids(person_id))
                    )
                )
            )
            .order_by(col(PanelBookingDocument.id)),
        )
        records["documents"] = await _rows(
            uow, select(Document).where(document_filter(person_id)).order_by(col(Document.id))
        )
        subjects = select(subject_ids(person_id).subquery())
        records["work_items"] = await _rows(
            uow,
            select(WorkItem)
            .where(col(WorkItem.subject_id).in_(subjects))
            .order_by(col(WorkItem.id)),
        )
        external = await _rows(
            uow, select(ExternalId).where(col(ExternalId.person_id) == person_id)
        )
        events = await _rows(
            uow, select(Event).where(col(Event.subject_id).in_(subjects)).order_by(col(Event.seq))
        )
        audit_rows = (
            await uow.session.exec(
                select(AuditEntry)
                .where(col(AuditEntry.subject_id).in_(subjects))
                .order_by(col(AuditEntry.occurred_at), col(AuditEntry.id))
            )
        ).all()
        audit = [audit_read(entry).model_dump(mode="json") for entry in audit_rows]
        uow.audit(
            "person.exported",
            SUBJECT,
            person_id,
            after={"records": {name: len(rows) for name, rows in records.items()}},
        )
        return PersonExport(
            person_id=person_id,
            exported_at=uow.now,
            exported_by=ctx.principal.sub,
            person=_dump(person),
            external_ids=external,
            records=records,
            events=events,
            audit=audit,
        )


def check_range(start: datetime, end: datetime) -> None:
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            raise ValidationFailed(
                f"{name} must be an RFC 3339 instant with an offset, e.g. 2026-01-01T00:00:00Z.",
                errors=[{"loc": ["query", name], "msg": "an offset is required"}],
            )
    if start > end:
        raise ValidationFailed(
            "from is after to.",
            errors=[{"loc": ["query", "from"], "msg": "from must not be after to"}],
        )


async def start_audit_export(ctx: Context, start: datetime, end: datetime) -> None:
    """Checked and audited before the first line is sent: a refusal is a problem body."""
    check_range(start, end)
    ctx.principal.require("audit.export")
    async with ctx.uow() as uow:
        uow.audit(
            "audit.exported",
            "audit_export",
            uuid7(),
            after={"from": start.isoformat(), "to": end.isoformat()},
        )


async def audit_lines(ctx: Context, start: datetime, end: datetime) -> AsyncIterator[bytes]:
    """Audit entries with `from <= occurred_at < to`, in occurred order (then id), one
    JSON object a line; each batch is one short read, continued after the last key."""
    last: tuple[datetime, uuid.UUID] | None = None
    while True:
        async with ctx.uow() as uow:
            stmt = (
                select(AuditEntry)
                .where(col(AuditEntry.occurred_at) >= start)
                .where(col(AuditEntry.occurred_at) < end)
            )
            if last is not None:
                at, ident = last
                stmt = stmt.where(
                    or_(
                        col(AuditEntry.occurred_at) > at,
                        and_(col(AuditEntry.occurred_at) == at, col(AuditEntry.id) > ident),
                    )
                )
            stmt = stmt.order_by(col(AuditEntry.occurred_at), col(AuditEntry.id)).limit(BATCH)
            rows = (await uow.session.exec(stmt)).all()
        for entry in rows:
            line = json.dumps(audit_read(entry).model_dump(mode="json"), separators=(",", ":"))
            yield line.encode() + b"\n"
        if len(rows) < BATCH:
            return
        last = (rows[-1].occurred_at, rows[-1].id)
