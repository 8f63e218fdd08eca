"""Helpers every service uses: pages, ETags, scope checks and opening a change.

A service function that changes a row opens it with `load_for_change` (in scope -> 404,
role -> 403, `If-Match` -> 412, in that order), reads the PATCH body with
`Patch.changes()` (app/schemas/common.py) and marks the row changed with `uow.touch`;
what is left is the rule it applies.

Reads need no audit call (R19): every person-scoped row a unit of work loads is audited
when it commits (`app.read_audit`); `fetch_page` marks its rows as a list read and leaves
out the look-ahead row it does not give out.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ARRAY, ColumnElement, String, and_, any_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import read_audit, sql
from app.auth import Principal
from app.models import ExternalId, Person, RecordExternalId
from app.pagination import PageParams, encode_cursor
from app.problems import NotFound, PreconditionFailed, ValidationFailed
from app.services import external_ids
from app.uow import core

if TYPE_CHECKING:
    from app.uow import UnitOfWork

M = TypeVar("M", bound=SQLModel)


def columns_of(model: type[SQLModel]) -> Any:
    """A Core select of every column of `model`'s table: rows, not ORM instances (no
    identity map, no instance state), for reads that only turn rows into a read model."""
    return sa_select(*model.__table__.columns)  # type: ignore[attr-defined]


async def fetch_page(
    session: AsyncSession,
    stmt: Any,
    key: Any,
    page: PageParams,
    *,
    rows_of: type[SQLModel] | None = None,
) -> tuple[Sequence[Any], str | None]:
    """One keyset page ordered by `key` (a time-ordered id or a sequence); with
    `page.updated_since`, only rows of the listed model changed at or after it.
    `stmt` selects ORM instances, or with `rows_of` Core rows of that model's table
    (`columns_of`), audited alike."""
    if page.updated_since is not None:
        entity: Any = rows_of or stmt.column_descriptions[0]["entity"]
        stmt = stmt.where(col(entity.updated_at) >= page.updated_since)
    if page.after is not None:
        check_cursor(page, uuid_keyed=_uuid_keyed(key))
        stmt = stmt.where(key > page.after)
    if rows_of is not None:
        found = (await core(session, stmt.order_by(key).limit(page.limit + 1))).all()
        shown = found[: page.limit]
        read_audit.rows_read(session.sync_session, rows_of, shown)
        read_audit.listed(session.sync_session, shown, rows_of)
        more = len(found) > page.limit
        return shown, encode_cursor(getattr(shown[-1], key.key)) if more else None
    rows = (await session.exec(stmt.order_by(key).limit(page.limit + 1))).all()
    # The page's rows are audited as a list read when the unit of work commits (R19);
    # the look-ahead row is not given out, so not audited.
    if len(rows) > page.limit:
        read_audit.not_disclosed(session.sync_session, rows[page.limit :])
        rows = rows[: page.limit]
        read_audit.listed(session.sync_session, rows)
        last = rows[-1]
        return rows, encode_cursor(getattr(last, key.key))
    read_audit.listed(session.sync_session, rows)
    return rows, None


def check_cursor(page: PageParams, *, uuid_keyed: bool) -> None:
    """422 for a cursor of the other kind of list (an id's where a sequence's is
    wanted, or the reverse)."""
    if page.after is not None and isinstance(page.after, uuid.UUID) != uuid_keyed:
        raise ValidationFailed(
            "The cursor is not one this list gave out.",
            errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
        )


def listed_page(
    uow: UnitOfWork, found: Sequence[Any], page: PageParams, model: Any, key: str
) -> tuple[Sequence[Any], str | None]:
    """A page of Core rows fetched with one look-ahead row: the rows given out, noted as
    a list read (R19; the look-ahead row is not given out, so not audited), and the next
    cursor (of `key`) if there are more."""
    shown = found[: page.limit]
    uow.reads.listed_page(shown, model)
    more = len(found) > page.limit
    return shown, encode_cursor(getattr(shown[-1], key)) if more else None


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


def what_of(model: type[SQLModel]) -> str:
    """How a 404 names a row of `model`: `PanelBooking` -> "panel booking"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def scope_column(model: type[SQLModel]) -> str | None:
    """The column naming the team that may see a row: the model's `scope_column` if it
    declares one (documents: `scope_team`; providers: None, every role sees them), else
    `team` when it has one; None means every caller sees every row."""
    declared: str | None = getattr(model, "scope_column", "")
    if declared != "":
        return declared
    return "team" if "team" in model.model_fields else None


async def load_visible(
    uow: UnitOfWork, model: type[M], id_: uuid.UUID, *, for_update: bool = False
) -> M:
    """The row if the caller may see it (its scope team); missing or out of scope answer
    alike: 404 "No <what> <id>."; a model with `external_kind` comes with its external
    ids (app/services/external_ids.py), in the same statement."""
    kind: str | None = getattr(model, "external_kind", None)
    if kind is None:
        row = await uow.get(model, id_, for_update=for_update)
    else:
        row = await external_ids.load_with_ids(uow, model, kind, id_, for_update=for_update)
    column = scope_column(model)
    if row is None or (column is not None and not uow.principal.can_see_team(getattr(row, column))):
        raise NotFound(f"No {what_of(model)} {id_}.")
    return row


async def read_visible(uow: UnitOfWork, model: type[SQLModel], id_: uuid.UUID) -> Any:
    """`load_visible` for a read that only answers with the row: a Core row of `model`'s
    table (its read noted for the audit as an ORM load is), same 404."""
    rows = await uow.rows(_by_id(model), {"id": id_})
    row = rows[0] if rows else None
    column = scope_column(model)
    if row is None or (column is not None and not uow.principal.can_see_team(getattr(row, column))):
        raise NotFound(f"No {what_of(model)} {id_}.")
    uow.reads.loaded(row, model)
    return row


@functools.cache
def _by_id(model: type[SQLModel]) -> sql.Prepared:
    """Every column of one row by `:id`, compiled once."""
    return sql.Prepared(columns_of(model).where(col(model.id) == bindparam("id")))  # type: ignore[attr-defined]


@functools.cache
def _by_id_for_update(model: type[SQLModel]) -> sql.Prepared:
    """Every column of one row by `:id`, locked (`FOR UPDATE` on PostgreSQL), compiled
    once."""
    return sql.Prepared(
        columns_of(model).where(col(model.id) == bindparam("id")).with_for_update()  # type: ignore[attr-defined]
    )


@functools.cache
def _with_ids(model: type[SQLModel], kind: str) -> sql.Prepared:
    """One row by `:id` outer-joined to its external ids, compiled once. A person's ids
    are in their own table (`ExternalId`, by `person_id`); every other kind's in
    `RecordExternalId`."""
    id_column = col(model.id)  # type: ignore[attr-defined]
    columns = model.__table__.columns  # type: ignore[attr-defined]
    if model is Person:
        people = ExternalId
        return sql.Prepared(
            sa_select(*columns, col(people.system), col(people.external_id))
            .outerjoin(people, col(people.person_id) == id_column)
            .where(id_column == bindparam("id"))
        )
    links = RecordExternalId
    return sql.Prepared(
        sa_select(*columns, col(links.system), col(links.external_id))
        .outerjoin(links, and_(col(links.kind) == kind, col(links.record_id) == id_column))
        .where(id_column == bindparam("id"))
    )


async def read_visible_with_ids(
    uow: UnitOfWork, model: type[SQLModel], kind: str, id_: uuid.UUID
) -> tuple[Any, dict[str, str]]:
    """`read_visible` of a model with external ids, and those ids, in one statement: the
    Core row outer-joined to its external ids (a row per id, or one with none)."""
    rows = await uow.rows(_with_ids(model, kind), {"id": id_})
    row = rows[0] if rows else None
    column = scope_column(model)
    if row is None or (column is not None and not uow.principal.can_see_team(getattr(row, column))):
        raise NotFound(f"No {what_of(model)} {id_}.")
    uow.reads.loaded(row, model)
    ids = {r.system: r.external_id for r in rows if r.system is not None}
    external_ids.remember(uow, kind, id_, ids)
    return row, ids


async def load_child(
    uow: UnitOfWork,
    model: type[M],
    id_: uuid.UUID,
    *,
    parent: tuple[str, uuid.UUID],
    missing: str,
    for_update: bool = False,
) -> M:
    """A row that lives under a parent already loaded (and scope-checked): an action of a
    review, a note on a person. `parent` is (the row's parent column, the parent's id);
    a row that is missing or under another parent is 404 `missing`."""
    row = await uow.get(model, id_, for_update=for_update)
    column, parent_id = parent
    if row is None or getattr(row, column) != parent_id:
        raise NotFound(missing)
    return row


async def load_for_change(
    uow: UnitOfWork,
    model: type[M],
    id_: uuid.UUID,
    op: str | Sequence[str],
    if_match: str | None,
    *,
    check: Callable[[M], None] | None = None,
) -> M:
    """Open a change to one row: load it locked and in scope (404), check the caller may
    do `op` (each of them, if several; 403) and then `check(row)` if given (a rule about
    who, e.g. R9), then `If-Match` against its version (412)."""
    row = await load_visible(uow, model, id_, for_update=True)
    for operation in (op,) if isinstance(op, str) else op:
        uow.principal.require(operation)
    if check is not None:
        check(row)
    check_if_match(if_match, row.version)  # type: ignore[attr-defined]
    return row


async def lock_row_for_change(
    uow: UnitOfWork,
    model: type[SQLModel],
    id_: uuid.UUID,
    op: str,
    if_match: str | None,
    *,
    check: Callable[[Any], None] | None = None,
) -> Any:
    """`load_for_change` for a change written with Core statements: the row as a Core row
    of `model`'s table, locked (`FOR UPDATE` on PostgreSQL), with the same checks in the
    same order (404 out of scope, 403 for `op`, then `check`, then 412 on If-Match)."""
    rows = await uow.rows(_by_id_for_update(model), {"id": id_})
    row = rows[0] if rows else None
    column = scope_column(model)
    if row is None or (column is not None and not uow.principal.can_see_team(getattr(row, column))):
        raise NotFound(f"No {what_of(model)} {id_}.")
    uow.principal.require(op)
    if check is not None:
        check(row)
    check_if_match(if_match, row.version)
    return row


def team_filter(principal: Principal, column: Any) -> ColumnElement[bool] | None:
    """A WHERE clause limiting rows to the caller's teams, or None for cross-team roles."""
    if principal.works_across_teams:
        return None
    return col(column).in_(sorted(principal.teams))


async def scoped_page(
    uow: UnitOfWork,
    model: type[M],
    page: PageParams,
    *,
    where: Sequence[Any] = (),
    rows: bool = False,
    **equals: Any,
) -> tuple[Sequence[Any], str | None]:
    """A keyset page of a team-scoped table (it has `id` and `team`): only rows the caller
    may see, filtered by `column == value` for each filter given (None or "" means unset)
    and by each clause in `where` (e.g. `?external_id=`). ORM instances, or with `rows`
    Core rows (`columns_of`): a page of rows with no `where` clause runs a statement
    compiled once per shape of the filter (`_page_of_rows`)."""
    if rows and not where:
        return await _page_of_rows(uow, model, page, equals)
    stmt = columns_of(model) if rows else select(model)
    scope = team_filter(uow.principal, model.team)  # type: ignore[attr-defined]
    if scope is not None:
        stmt = stmt.where(scope)
    for clause in where:
        stmt = stmt.where(clause)
    for name, value in equals.items():
        if value is not None and value != "":
            stmt = stmt.where(col(getattr(model, name)) == value)
    key = col(model.id)  # type: ignore[attr-defined]
    return await fetch_page(uow.session, stmt, key, page, rows_of=model if rows else None)


def team_scope(principal: Principal, params: dict[str, Any]) -> str:
    """The shape of the caller's team scope for a compiled-once statement (`team_clause`):
    "all" for cross-team roles, "team" for one team (`:team`), else "teams" (`:teams`);
    the values go into `params`."""
    teams = principal.teams
    if principal.works_across_teams:
        return "all"
    if len(teams) == 1:
        params["team"] = next(iter(teams))
        return "team"
    params["teams"] = sorted(teams)
    return "teams"


def team_clause(column: Any, scope: str, postgresql: bool) -> Any:
    """`column` within the caller's team scope (`team_scope`), or None for "all": one team
    as `= :team` (the form a `(team, id)` index serves in its order), several as one
    array on PostgreSQL (`= ANY(:teams)`) and an expanding IN elsewhere."""
    if scope == "team":
        return column == bindparam("team")
    if scope == "teams":
        if postgresql:
            return column == any_(bindparam("teams", type_=ARRAY(String())))
        return column.in_(bindparam("teams", expanding=True))
    return None


@functools.cache
def _page_statement(
    model: type[SQLModel], filters: tuple[str, ...], scope: str, after: bool, since: bool
) -> sql.Prepared:
    """A keyset page of `model`'s rows for one shape of filter: the caller's team
    (`scope` "team": `team = :team`, which the `(team, id)` index serves in the keyset's
    order) or teams ("teams": one array on PostgreSQL, an expanding IN elsewhere) or
    every team ("all"); `column == :f_<name>` for each filter given, `:since` and
    `:after`, `:limit` rows."""

    def build(postgresql: bool) -> Any:
        stmt = columns_of(model)
        clause = team_clause(col(model.team), scope, postgresql)  # type: ignore[attr-defined]
        if clause is not None:
            stmt = stmt.where(clause)
        for name in filters:
            stmt = stmt.where(col(getattr(model, name)) == bindparam(f"f_{name}"))
        if since:
            stmt = stmt.where(col(model.updated_at) >= bindparam("since"))  # type: ignore[attr-defined]
        key = col(model.id)  # type: ignore[attr-defined]
        if after:
            stmt = stmt.where(key > bindparam("after"))
        return stmt.order_by(key).limit(bindparam("limit"))

    return sql.Prepared(build(False), postgresql=build(True))


async def _page_of_rows(
    uow: UnitOfWork, model: type[M], page: PageParams, equals: dict[str, Any]
) -> tuple[Sequence[Any], str | None]:
    """`scoped_page` of Core rows, its statement compiled once per shape; the page's
    rows noted as a list read (R19), the look-ahead row not."""
    check_cursor(page, uuid_keyed=True)
    given = {name: value for name, value in equals.items() if value is not None and value != ""}
    params: dict[str, Any] = {f"f_{name}": value for name, value in given.items()}
    params["limit"] = page.limit + 1
    scope = team_scope(uow.principal, params)
    prepared = _page_statement(
        model, tuple(given), scope, page.after is not None, page.updated_since is not None
    )
    if page.after is not None:
        params["after"] = page.after
    if page.updated_since is not None:
        params["since"] = page.updated_since
    return listed_page(uow, await uow.rows(prepared, params), page, model, "id")
