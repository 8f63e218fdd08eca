"""External ids of providers, referrals and placements: a map `{system: id}` like a
person's, unique per kind and system; only integration and admin set them (issue 13).

One way for every kind: `require_role` before a body's ids are taken, `claim` to link
them, `attach` to show them on reads, `filter_clause` for `?external_id=system:value`,
and for an upsert by external id `wanted` (the path and body agree), `differing` (what
the PUT would change) and `retry_race` (two first PUTs of one id).

A model that declares `external_kind` is loaded by `app.services.common.load_visible`
with its ids in the same statement (`load_with_ids`); the ids a unit of work has read or
linked are kept on it, so answering with them costs no statement more."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ARRAY, Uuid, and_, any_, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select

from app import sql
from app.context import Context
from app.ids import uuid7
from app.models import RecordExternalId
from app.problems import Conflict, Forbidden, ValidationFailed
from app.uow import UnitOfWork

PERMISSION = "records.external_ids"
T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)


class HasExternalIds(Protocol):
    id: uuid.UUID
    external_ids: dict[str, str]


R = TypeVar("R", bound=HasExternalIds)


def require_role(ctx: Context) -> None:
    if not ctx.principal.may(PERMISSION):
        raise Forbidden("Only the integration and admin roles set external ids.")


def _known(uow: UnitOfWork) -> dict[tuple[str, uuid.UUID], dict[str, str]]:
    return uow.known_external_ids


def remember(uow: UnitOfWork, kind: str, record_id: uuid.UUID, ids: Mapping[str, str]) -> None:
    """The record's ids as this unit of work knows them (a new record: none yet)."""
    _known(uow)[(kind, record_id)] = dict(ids)


async def ids_of(
    uow: UnitOfWork, kind: str, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, str]]:
    known = _known(uow)
    out = {rid: dict(known[(kind, rid)]) for rid in record_ids if (kind, rid) in known}
    missing = [rid for rid in record_ids if rid not in out]
    if not missing:
        return out
    for rid in missing:
        out[rid] = {}
    if uow.has_pending:
        await uow.session.flush()  # as the ORM's autoflush would: pending links first
    for rid, system, value in await uow.rows(_IDS_OF, {"kind": kind, "ids": missing}):
        out[rid][system] = value
    for rid in missing:
        remember(uow, kind, rid, out[rid])
    return out


# The external ids of some records of one kind, compiled once: rows of three columns (no
# ORM instances; these rows are not audited reads, app/read_audit.py); the ids as one
# array on PostgreSQL, an expanding IN elsewhere.
_RECORD_ID = col(RecordExternalId.record_id)
_IDS_OF = sql.Prepared(
    sa_select(_RECORD_ID, col(RecordExternalId.system), col(RecordExternalId.external_id))
    .where(col(RecordExternalId.kind) == bindparam("kind"))
    .where(_RECORD_ID.in_(bindparam("ids", expanding=True))),
    postgresql=sa_select(
        _RECORD_ID, col(RecordExternalId.system), col(RecordExternalId.external_id)
    )
    .where(col(RecordExternalId.kind) == bindparam("kind"))
    .where(_RECORD_ID == any_(bindparam("ids", type_=ARRAY(Uuid())))),
)


async def load_with_ids(
    uow: UnitOfWork, model: type[M], kind: str, id_: uuid.UUID, *, for_update: bool = False
) -> M | None:
    """One row by id with its external ids, in one statement (a row per id, or one with
    none); `for_update` locks the row only (PostgreSQL; SQLite serialises writers)."""
    id_column = col(model.id)  # type: ignore[attr-defined]
    stmt = (
        select(model, col(RecordExternalId.system), col(RecordExternalId.external_id))
        .outerjoin(
            RecordExternalId,
            and_(
                col(RecordExternalId.kind) == kind,
                col(RecordExternalId.record_id) == id_column,
            ),
        )
        .where(id_column == id_)
    )
    if for_update:
        stmt = stmt.with_for_update(of=model)
    rows = (await uow.session.exec(stmt)).all()
    if not rows:
        return None
    remember(uow, kind, id_, {system: value for _, system, value in rows if system is not None})
    row: M = rows[0][0]
    return row


async def attach(uow: UnitOfWork, kind: str, reads: Sequence[R]) -> Sequence[R]:
    """Fill each read's `external_ids` (one query for a whole page)."""
    known = await ids_of(uow, kind, [r.id for r in reads])
    for read in reads:
        read.external_ids = known[read.id]
    return reads


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


async def claim(
    uow: UnitOfWork, kind: str, record_id: uuid.UUID, external: Mapping[str, str]
) -> list[str]:
    """Link each `system: id` to the record; one another record of the kind holds is 409
    external_id_taken; a system the record already has keeps its id (ids are linked,
    never unlinked nor replaced, as a person's). Returns the systems newly linked."""
    if not external:
        return []
    known = (await ids_of(uow, kind, [record_id]))[record_id]
    linked: list[str] = []
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
            linked.append(system)
    await uow.flush()
    remember(uow, kind, record_id, {**{s: external[s] for s in linked}, **known})
    return sorted(linked)


async def apply(
    uow: UnitOfWork,
    kind: str,
    row: Any,
    changes: dict[str, Any],
    external: Mapping[str, str],
) -> dict[str, Any]:
    """Set each changed field on `row`, then link the external ids sent (`claim`);
    `changes` gains `external_ids` when one was newly linked, so it names every change
    the `updated` event and audit entry report."""
    for name, value in changes.items():
        setattr(row, name, value)
    if await claim(uow, kind, row.id, external):
        changes["external_ids"] = external
    return changes


def parse_filter(spec: str) -> tuple[str, str]:
    """`?external_id=system:value` (people's and every other kind's lists) as
    (system, value); anything else is 422."""
    system, sep, value = spec.partition(":")
    if not sep or not system or not value:
        raise ValidationFailed(
            "external_id filters as system:value, e.g. mosaic:12345.",
            errors=[{"loc": ["query", "external_id"], "msg": "expected system:value"}],
        )
    return system, value


def filter_clause(kind: str, id_column: Any, spec: str) -> Any:
    """`?external_id=system:value` as a WHERE clause on the list's id column."""
    system, value = parse_filter(spec)
    return col(id_column).in_(
        select(RecordExternalId.record_id)
        .where(col(RecordExternalId.kind) == kind)
        .where(col(RecordExternalId.system) == system)
        .where(col(RecordExternalId.external_id) == value)
    )


def filter_clauses(kind: str, id_column: Any, spec: str | None) -> list[Any]:
    """The list's WHERE clauses for an optional `?external_id=`: none when not given."""
    return [filter_clause(kind, id_column, spec)] if spec else []


def wanted(system: str, external_id: str, sent: Mapping[str, str]) -> dict[str, str]:
    """An upsert body's `external_ids` (as GET shows them) with the path's id: the path's
    system must agree (422 otherwise). People's upsert checks the same way."""
    if sent.get(system, external_id) != external_id:
        raise ValidationFailed(
            f"external_ids.{system} differs from the id in the path.",
            errors=[{"loc": ["body", "external_ids", system], "msg": "differs from path"}],
        )
    return {**sent, system: external_id}


def differing(row: object, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value on the row is not the one sent."""
    return {k: v for k, v in fields.items() if getattr(row, k) != v}


async def retry_race(attempt: Callable[[], Awaitable[T]], tries: int = 3) -> T:
    """Run an upsert's unit of work again when a concurrent first upsert of the same id
    won the unique constraint: the retry finds that record and updates it."""
    for n in range(tries):
        try:
            return await attempt()
        except IntegrityError:
            if n == tries - 1:
                raise
    raise AssertionError("unreachable")
