"""External ids of providers, referrals and placements: a map `{system: id}` like a
person's, unique per kind and system; only integration and admin set them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from app.context import Context
from app.ids import uuid7
from app.models import RecordExternalId
from app.problems import Conflict, Forbidden, ValidationFailed
from app.uow import UnitOfWork


def require_role(ctx: Context) -> None:
    if not ctx.principal.may("records.external_ids"):
        raise Forbidden("Only the integration and admin roles set external ids.")


async def ids_of(
    uow: UnitOfWork, kind: str, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, str]]:
    out: dict[uuid.UUID, dict[str, str]] = {rid: {} for rid in record_ids}
    if not record_ids:
        return out
    rows = await uow.session.exec(
        select(RecordExternalId)
        .where(col(RecordExternalId.kind) == kind)
        .where(col(RecordExternalId.record_id).in_(list(record_ids)))
    )
    for row in rows.all():
        out[row.record_id][row.system] = row.external_id
    return out


async def find(uow: UnitOfWork, kind: str, system: str, value: str) -> uuid.UUID | None:
    row = (
        await uow.session.exec(
            select(RecordExternalId)
            .where(col(RecordExternalId.kind) == kind)
            .where(col(RecordExternalId.system) == system)
            .where(col(RecordExternalId.external_id) == value)
        )
    ).first()
    return row.record_id if row is not None else None


async def claim(uow: UnitOfWork, kind: str, record_id: uuid.UUID, external: dict[str, str]) -> None:
    """Link each `system: id` to the record; one another record of the kind holds is 409
    external_id_taken; a system the record already has keeps its id."""
    known = (await ids_of(uow, kind, [record_id]))[record_id]
    for system, value in external.items():
        holder = await find(uow, kind, system, value)
        if holder is not None and holder != record_id:
            raise Conflict(
                f"The {system} id {value} already belongs to another {kind}.",
                code="external_id_taken",
            )
        if holder is None and system not in known:
            uow.add(
                RecordExternalId(
                    id=uuid7(),
                    kind=kind,
                    record_id=record_id,
                    system=system,
                    external_id=value,
                    created_by=uow.principal.sub,
                    created_at=uow.now,
                )
            )
    await uow.flush()


def filter_clause(kind: str, id_column: Any, spec: str) -> Any:
    """`?external_id=system:value` as a WHERE clause on the list's id column."""
    system, sep, value = spec.partition(":")
    if not sep or not system or not value:
        raise ValidationFailed(
            "external_id filters as system:value, e.g. mosaic:12345.",
            errors=[{"loc": ["query", "external_id"], "msg": "expected system:value"}],
        )
    return col(id_column).in_(
        select(RecordExternalId.record_id)
        .where(col(RecordExternalId.kind) == kind)
        .where(col(RecordExternalId.system) == system)
        .where(col(RecordExternalId.external_id) == value)
    )
