"""The audit trail, read back (R19). Admins only."""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from app.context import Context
from app.models import AuditEntry
from app.pagination import PageParams
from app.schemas.audit import AuditEntryRead
from app.schemas.common import SubjectRef
from app.services.common import fetch_page


def to_read(entry: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor={"sub": entry.actor_sub, "name": entry.actor_name},
        action=entry.action,
        subject=SubjectRef(type=entry.subject_type, id=entry.subject_id),
        before=entry.before,
        after=entry.after,
        request_id=entry.request_id,
    )


async def list_audit(
    ctx: Context,
    subject_id: uuid.UUID | None,
    actor: str | None,
    action: str | None,
    page: PageParams,
) -> tuple[list[AuditEntryRead], str | None]:
    ctx.principal.require("audit.read")
    async with ctx.uow() as uow:
        stmt = select(AuditEntry)
        if subject_id:
            stmt = stmt.where(col(AuditEntry.subject_id) == subject_id)
        if actor:
            stmt = stmt.where(col(AuditEntry.actor_sub) == actor)
        if action:
            stmt = stmt.where(col(AuditEntry.action) == action)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(AuditEntry.id), page)
        return [to_read(e) for e in rows], next_cursor
