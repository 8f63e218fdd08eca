"""Helpers every service uses: pages, ETags, scope checks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.auth import Principal
from app.pagination import PageParams, encode_cursor
from app.problems import NotFound, PreconditionFailed, ValidationFailed

if TYPE_CHECKING:
    from app.uow import UnitOfWork

M = TypeVar("M", bound=SQLModel)


async def fetch_page(
    session: AsyncSession,
    stmt: SelectOfScalar[M],
    key: Any,
    page: PageParams,
) -> tuple[Sequence[M], str | None]:
    """One keyset page ordered by `key` (a time-ordered id or a sequence)."""
    if page.after is not None:
        if isinstance(page.after, uuid.UUID) != _uuid_keyed(key):
            raise ValidationFailed(
                "The cursor is not one this list gave out.",
                errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
            )
        stmt = stmt.where(key > page.after)
    rows = (await session.exec(stmt.order_by(key).limit(page.limit + 1))).all()
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        return rows, encode_cursor(getattr(last, key.key))
    return rows, None


def _uuid_keyed(key: Any) -> bool:
    try:
        return bool(key.type.python_type is uuid.UUID)
    except NotImplementedError:
        return False


def etag_of(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """`If-Match` on PATCH and action POSTs: 412 precondition_failed when stale."""
    if if_match is None:
        return
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates:
        return
    current = etag_of(version)
    if not any(tag.removeprefix("W/") == current for tag in candidates):
        raise PreconditionFailed(
            f"If-Match {if_match} does not match the current ETag {current}: read it again."
        )


def must_exist(row: M | None, what: str, id_: uuid.UUID) -> M:
    if row is None:
        raise NotFound(f"No {what} {id_}.")
    return row


def in_scope(principal: Principal, team: str | None, row: M | None, what: str, id_: uuid.UUID) -> M:
    """Out of the caller's scope answers exactly as missing (404)."""
    if row is None or not principal.can_see_team(team):
        raise NotFound(f"No {what} {id_}.")
    return row


def team_filter(principal: Principal, column: Any) -> ColumnElement[bool] | None:
    """A WHERE clause limiting rows to the caller's teams, or None for cross-team roles."""
    if principal.works_across_teams:
        return None
    return col(column).in_(sorted(principal.teams))


async def scoped_page(
    uow: UnitOfWork, model: type[M], page: PageParams, **equals: Any
) -> tuple[Sequence[M], str | None]:
    """A keyset page of a team-scoped table (it has `id` and `team`): only rows the caller
    may see, filtered by `column == value` for each filter given (None or "" means unset)."""
    stmt = select(model)
    scope = team_filter(uow.principal, model.team)  # type: ignore[attr-defined]
    if scope is not None:
        stmt = stmt.where(scope)
    for name, value in equals.items():
        if value is not None and value != "":
            stmt = stmt.where(col(getattr(model, name)) == value)
    return await fetch_page(uow.session, stmt, col(model.id), page)  # type: ignore[attr-defined]
