"""Statements compiled once, run on PostgreSQL straight on the asyncpg connection.

A hot path's statement (GET of one record, a list page, the read audit's INSERT, the
contact POST's rows) is built once, at import, with named `bindparam`s for its values:
a `Prepared`. On PostgreSQL a unit of work runs it on the asyncpg connection under the
SQLAlchemy pool (`UnitOfWork.rows`, `UnitOfWork.run`): the SQL text compiled once per
dialect, the bind and result processing of the statement's own column types applied
(so the values are the ones SQLAlchemy would give: aware UTC datetimes, UUIDs, JSON), and
asyncpg's own prepared-statement cache. Per request that skips SQLAlchemy's statement
building, cache key, execution context and result layer (about a third of a GET's CPU
under load, docs/performance.md). On SQLite the same statement goes through SQLAlchemy.

Listeners of the engine's `before_cursor_execute` still see every statement (the
statement budgets in `make test`, the benchmark's capture), and a driver error is raised
as SQLAlchemy's own exception class (`IntegrityError`, `DBAPIError`), as through the
engine.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exc, insert, update
from sqlalchemy.engine import Dialect


class _RowBase(tuple):  # type: ignore[type-arg]
    """A result row as SQLAlchemy's `Row` is used here: by attribute, by index, or as a
    mapping (`_mapping`)."""

    __slots__ = ()

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    names: tuple[str, ...]  # the bind parameters, in placeholder order
    defaults: tuple[Any, ...]  # their values in the statement (a literal's), if any
    binds: tuple[Callable[[Any], Any] | None, ...]
    # The result columns that have a processor: (position, processor).
    results: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: type[Any] | None  # the row class, for a statement that returns rows


class Prepared:
    """A Core statement (with named bind parameters) compiled once per dialect.
    `postgresql` is the statement's PostgreSQL form where the two differ (a list of
    values as `= ANY(:values)`, one array parameter, where others expand `IN (...)`)."""

    __slots__ = ("_compiled", "postgresql", "statement")

    def __init__(self, statement: Any, *, postgresql: Any = None) -> None:
        self.statement = statement
        self.postgresql = statement if postgresql is None else postgresql
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            statement = self.postgresql if dialect.name == "postgresql" else self.statement
            found = self._compiled[dialect.name] = _compile(statement, dialect)
        return found


@functools.cache
def insert_of(table: Any, columns: tuple[str, ...]) -> Prepared:
    """`INSERT INTO table (columns) VALUES (:column, ...)`, compiled once: a row's insert
    on the driver (one row: `UnitOfWork.run`; several: `UnitOfWork.run_many`)."""
    return Prepared(insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns}))


@functools.cache
def update_by_id(table: Any, columns: tuple[str, ...]) -> Prepared:
    """`UPDATE table SET column = :set_column, ... WHERE id = :row_id`, compiled once per
    set of columns."""
    return Prepared(
        update(table)
        .where(table.c.id == bindparam("row_id", type_=table.c.id.type))
        .values({c: bindparam(f"set_{c}", type_=table.c[c].type) for c in columns})
    )


def _compile(statement: Any, dialect: Dialect) -> Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    processors = compiled._bind_processors
    binds = tuple(processors.get(name) for name in names)
    defaults = tuple(compiled.binds[name].effective_value for name in names)
    results: list[Callable[[Any], Any] | None] = []
    keys: list[str] = []
    for column in compiled._result_columns or ():
        keys.append(column.keyname)
        results.append(column.type._cached_result_processor(dialect, None))
    row = namedtuple("Row", keys, rename=False) if keys else None
    row_class = type("Row", (_RowBase, row), {"__slots__": ()}) if row is not None else None
    return Compiled(
        sql=compiled.string,
        names=names,
        defaults=defaults,
        binds=binds,
        results=tuple((i, p) for i, p in enumerate(results) if p is not None),
        row=row_class,
    )


def arguments(compiled: Compiled, params: Mapping[str, Any]) -> list[Any]:
    """The statement's arguments in placeholder order: `params` by name, else the value
    the statement holds (a literal compared in it), each through its type's processor."""
    out = []
    for name, default, bind in zip(compiled.names, compiled.defaults, compiled.binds, strict=True):
        value = params[name] if name in params else default
        # None goes through the processor too, as through SQLAlchemy (a JSON column's
        # None is JSON `null`, as the ORM and Core store it).
        out.append(value if bind is None else bind(value))
    return out


def rows_of(compiled: Compiled, records: Sequence[Any]) -> list[Any]:
    row = compiled.row
    if row is None:
        return []
    make = row._make  # tuple.__new__ of the row class, from any iterable
    results = compiled.results
    if not results:
        return [make(record) for record in records]
    out = []
    for record in records:
        values = list(record)
        for i, process in results:
            value = values[i]
            if value is not None:
                values[i] = process(value)
        out.append(make(values))
    return out


def translated(
    error: Exception, statement: str, args: Sequence[Any], adapter: Any, dialect: Dialect
) -> Exception:
    """A driver error as SQLAlchemy would raise it from the engine: the adapter's DBAPI
    exception (asyncpg's UniqueViolationError -> IntegrityError, ...) wrapped in
    `sqlalchemy.exc.DBAPIError`'s matching subclass."""
    try:
        adapter._handle_exception(error)
    except Exception as dbapi_error:  # noqa: BLE001 - returned wrapped, raised by the caller
        return exc.DBAPIError.instance(
            statement, list(args), dbapi_error, dialect.loaded_dbapi.Error, dialect=dialect
        )
    return error
