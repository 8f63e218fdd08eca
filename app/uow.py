"""The unit of work: one transaction per write that stores the change, its audit entry,
its events and its work items together, or none of them (R18, R19).

Services open it, load rows, ask `app.domain` for a decision, apply it and record what
happened; it commits on a clean exit and rolls back on any exception.

It is built from what it needs: a sessionmaker, the principal acting, the moment of the
change, the request id and the policy in force (for rules applied by cross-area reactions
inside the transaction). It knows nothing of `app.context`; services open it with
`ctx.uow()`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import JSON, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.util import greenlet_spawn
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import event_catalogue, read_audit, sql
from app.auth import Principal
from app.domain.calendar import WorkingCalendar
from app.domain.policy import Policy
from app.event_data import checked, thin
from app.ids import uuid7
from app.models import AuditEntry, Event, EventCounter, WorkItem

M = TypeVar("M", bound=SQLModel)

# Audit and event rows are written with Core inserts (one statement for all the rows of
# a unit of work), not as ORM objects: the ORM's unit of work builds each insert row by
# row, and these rows are never read back in the transaction that writes them
# (docs/performance.md).
AUDIT_TABLE: Any = AuditEntry.__table__  # type: ignore[attr-defined]
EVENT_TABLE: Any = Event.__table__  # type: ignore[attr-defined]
EVENT_COLUMNS = tuple(c.key for c in EVENT_TABLE.columns)


async def core(session: AsyncSession, statement: Any, params: Any = None) -> Any:
    """Run a Core statement on the session's connection: no ORM execution (compile-state
    plugin, autoflush, result wrapping) for a statement that selects rows, not instances,
    or inserts them. Flush first if pending ORM changes must come before it."""
    connection = await session.connection()
    return await connection.execute(statement, params)


async def insert_rows(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (every one naming the same columns) with one statement. On PostgreSQL
    several rows go as one `INSERT ... SELECT FROM unnest(<one array per column>)`: one
    statement of fixed text whatever the count (a 50-row page's read audit: about 1.0 ms,
    against 1.7 ms as an executemany and 1.7 ms through the ORM; 200 rows: 3.3, 4.7 and
    6.5 ms); one row, or SQLite, a Core executemany. Pending ORM changes are flushed first,
    so the rows land after them."""
    if not rows:
        return
    await session.flush()
    columns = tuple(rows[0])
    if len(rows) > 1 and _dialect(session) == "postgresql" and _arrayable(table, columns):
        statement = _unnest_insert(table, columns)
        await core(session, statement, {c: [row[c] for row in rows] for c in columns})
        return
    await core(session, insert(table), list(rows))


def _dialect(session: AsyncSession) -> str:
    bind: Any = session.bind
    return str(bind.dialect.name)


@functools.cache
def _arrayable(table: Any, columns: tuple[str, ...]) -> bool:
    """No JSON column among them (a JSONB array would need encoding of its own): those
    rows (change audits with snapshots, events) go as an executemany."""
    return not any(isinstance(table.c[c].type, JSON) for c in columns)


@functools.cache
def _unnest_insert(table: Any, columns: tuple[str, ...]) -> Any:
    """INSERT INTO t (a, b) SELECT * FROM unnest(CAST(:a AS <type of a>[]), ...), each
    parameter typed as an array of its column's type (so its bind processing applies)."""
    dialect: Any = postgresql.dialect()  # type: ignore[no-untyped-call]
    casts = ", ".join(
        f"CAST(:{c} AS {table.c[c].type.compile(dialect=dialect)}[])" for c in columns
    )
    return text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({casts})"
    ).bindparams(*(bindparam(c, type_=postgresql.ARRAY(table.c[c].type)) for c in columns))


# A read audit's rows (R19) on PostgreSQL, on the driver (`UnitOfWork.run`): one row
# (a GET) a plain INSERT, several (a page) one `INSERT ... SELECT FROM unnest(...)` of
# fixed text.
_READ_COLUMNS = (
    "id",
    "occurred_at",
    "actor_sub",
    "actor_name",
    "action",
    "subject_type",
    "subject_id",
    "request_id",
)
_READ_AUDIT = sql.Prepared(_unnest_insert(AUDIT_TABLE, _READ_COLUMNS))
_READ_AUDIT_ONE = sql.insert_of(AUDIT_TABLE, _READ_COLUMNS)


class Deferred:
    """A request whose units of work leave their commit to whoever set this (the
    Idempotency-Key middleware), so that the response, known only after the service
    returns, is stored in the change's own transaction (decision 0005). The last unit of
    work of the request is left open in `pending`; one opened after it commits the one
    before first (a request of several changes keeps each whole, and the last with its
    response)."""

    def __init__(self) -> None:
        self.pending: UnitOfWork | None = None

    async def settle(self, commit: bool) -> None:
        """Commit (or roll back) and close the unit of work left open, if any."""
        uow, self.pending = self.pending, None
        if uow is not None:
            await uow.finish(commit)


DEFERRED: ContextVar[Deferred | None] = ContextVar("placements_deferred_commit", default=None)


def snapshot(obj: SQLModel | BaseModel | None) -> dict[str, Any] | None:
    """A JSON-able copy of a row for the audit trail."""
    if obj is None:
        return None
    return obj.model_dump(mode="json")


COUNTER_TABLE: Any = EventCounter.__table__  # type: ignore[attr-defined]
# The counter's UPDATE, one statement of fixed text: Core on the session's connection
# (pending ORM changes are flushed first, so the events land after them).
_TAKE_SEQS = (
    update(COUNTER_TABLE)
    .where(COUNTER_TABLE.c.id == 1)
    .values(value=COUNTER_TABLE.c.value + bindparam("count"))
    .returning(COUNTER_TABLE.c.value)
)


# The same, compiled once, for a unit of work's driver statements on PostgreSQL.
_TAKE_SEQS_PREPARED = sql.Prepared(_TAKE_SEQS)
_EVENT_INSERT = sql.insert_of(EVENT_TABLE, EVENT_COLUMNS)
_AUDIT_INSERT = sql.insert_of(AUDIT_TABLE, tuple(c.key for c in AUDIT_TABLE.columns))


async def write_events(session: AsyncSession, events: Sequence[Event | dict[str, Any]]) -> None:
    """Give events (Event objects, or dicts of the events table's columns: what
    `UnitOfWork.emit` makes) their feed positions and add them. The counter row stays
    locked until commit, so seq order is commit order. Also used by the worker, which has
    no request."""
    if not events:
        return
    count = len(events)
    await session.flush()
    result = await core(session, _TAKE_SEQS, {"count": count})
    last = int(result.scalar_one())
    rows = []
    for offset, event in enumerate(events):
        seq = last - count + 1 + offset
        if isinstance(event, dict):
            rows.append({**event, "seq": seq})
        else:
            event.seq = seq
            rows.append({k: getattr(event, k) for k in EVENT_COLUMNS})
    await insert_rows(session, EVENT_TABLE, rows)


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine's AUTOCOMMIT twin (same pool), kept on the engine: a read-only unit of
    work's session binds to it, so its statements send no BEGIN/COMMIT."""
    twin: AsyncEngine | None = engine.sync_engine.__dict__.get("_placements_autocommit")
    if twin is None:
        twin = engine.execution_options(isolation_level="AUTOCOMMIT")
        engine.sync_engine.__dict__["_placements_autocommit"] = twin
    return twin


class UnitOfWork:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        principal: Principal,
        now: datetime,
        request_id: str | None,
        *,
        policy: Policy,
        calendar: WorkingCalendar,
        read_only: bool = False,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.read_only = read_only
        self.principal = principal
        self.now: datetime = now.astimezone(UTC)
        self.request_id = request_id
        self.policy = policy
        self.calendar = calendar
        self._events: list[dict[str, Any]] = []
        self._audits: list[dict[str, Any]] = []
        self._changed = False
        self._audited: set[tuple[str, uuid.UUID]] = set()
        # The person-scoped rows this unit of work read (R19, app/read_audit.py) and the
        # external ids it knows (app/services/external_ids.py).
        self.reads = read_audit.ReadLog()
        self.known_external_ids: dict[tuple[str, uuid.UUID], dict[str, str]] = {}
        self.engine: AsyncEngine = sessionmaker.kw["bind"]
        self.dialect: Any = self.engine.dialect
        self.on_postgresql = self.dialect.name == "postgresql"
        self._session: AsyncSession | None = None
        self._raw: Any = None  # a read's own pool connection for driver statements
        self._adapter: Any = None  # SQLAlchemy's asyncpg adapter of that connection

    @property
    def session(self) -> AsyncSession:
        """The ORM session, opened on first use: a read on PostgreSQL that sends only
        driver statements (`rows`, `run`) never opens one."""
        session = self._session
        if session is None:
            if self.read_only and self.on_postgresql:
                # A read sends no BEGIN/COMMIT: each statement commits on its own, the
                # read audit's INSERT (one statement, all its rows) included. SQLite
                # keeps its transaction (docs/performance.md).
                session = self._sessionmaker(bind=_autocommit(self.engine))
            else:
                session = self._sessionmaker()
            read_audit.attach(session.sync_session, self.reads)
            self._session = session
        return session

    @property
    def has_pending(self) -> bool:
        """ORM changes added but not yet flushed."""
        session = self._session
        return session is not None and bool(session.new or session.dirty or session.deleted)

    async def __aenter__(self) -> UnitOfWork:
        deferred = DEFERRED.get()
        if deferred is not None:
            await deferred.settle(commit=True)
        if not (self.read_only and self.on_postgresql):
            await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        deferred = None if self.read_only else DEFERRED.get()
        session = self._session
        try:
            if exc_type is None:
                pending = session is not None and bool(session.new)
                if self.read_only and (self._changed or self._events or pending):
                    raise RuntimeError("a read-only unit of work was given a change")
                if not self._changed:
                    await self._write_reads()
                await self._write_audits()
                await self._write_events()
                if deferred is not None:
                    await self.session.flush()
                    deferred.pending = self  # committed with the response stored
                    return
                if self._session is not None:
                    await self._session.commit()
            elif self._session is not None:
                await self._session.rollback()
        except BaseException:
            await self._close()
            raise
        await self._close()

    async def _close(self) -> None:
        raw, self._raw, self._adapter = self._raw, None, None
        try:
            if self._session is not None:
                await self._session.close()
        finally:
            if raw is not None:
                await greenlet_spawn(raw.close)

    # --- driver statements (app/sql.py) --------------------------------------------------

    async def _driver(self) -> Any:
        """The asyncpg connection under this unit of work: a read's own pool connection
        (autocommit, no session), or the session's, its transaction begun (pending ORM
        changes flushed first, so driver statements land after them)."""
        if self._adapter is None:
            if self.read_only and self._session is None:
                self._raw = await self.engine.raw_connection()
                self._adapter = self._raw.dbapi_connection
            else:
                await self.session.flush()
                connection = await self.session.connection()
                self._adapter = (await connection.get_raw_connection()).dbapi_connection
        elif self.has_pending:
            await self.session.flush()
        adapter = self._adapter
        if adapter._transaction is None and not adapter.autocommit and not self.read_only:
            await adapter._start_transaction()
        return adapter

    async def rows(self, prepared: sql.Prepared, params: Mapping[str, Any] | None = None) -> Any:
        """The rows of a compiled-once statement: on PostgreSQL fetched on the asyncpg
        connection (app/sql.py), elsewhere through SQLAlchemy."""
        if not self.on_postgresql:
            return (await self._through_sqlalchemy(prepared.statement, params)).all()
        compiled = prepared.compiled(self.dialect)
        records = await self._fetch(compiled, params or {})
        return sql.rows_of(compiled, records)

    async def run(self, prepared: sql.Prepared, params: Mapping[str, Any] | None = None) -> None:
        """Run a compiled-once statement that returns no rows (an INSERT, an UPDATE)."""
        if not self.on_postgresql:
            await self._through_sqlalchemy(prepared.statement, params)
            return
        await self._fetch(prepared.compiled(self.dialect), params or {})

    async def run_many(self, prepared: sql.Prepared, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a compiled-once statement once per row of parameters (an INSERT of several
        rows): on PostgreSQL one asyncpg `executemany` (one prepared statement, the rows
        pipelined), elsewhere SQLAlchemy's executemany."""
        if not rows:
            return
        if not self.on_postgresql:
            await self._through_sqlalchemy(prepared.statement, list(rows))
            return
        compiled = prepared.compiled(self.dialect)
        if len(rows) == 1:
            await self._fetch(compiled, rows[0])
            return
        adapter = await self._driver()
        args = [sql.arguments(compiled, row) for row in rows]
        dispatch = self.engine.sync_engine.dispatch.before_cursor_execute
        if dispatch:
            dispatch(None, None, compiled.sql, [tuple(a) for a in args], None, True)
        try:
            await adapter._connection.executemany(compiled.sql, args)
        except Exception as error:
            raise sql.translated(error, compiled.sql, args, adapter, self.dialect) from error

    async def _through_sqlalchemy(self, statement: Any, params: Any) -> Any:
        """Elsewhere than PostgreSQL: the statement through SQLAlchemy on the session's
        connection, pending ORM changes flushed first (as on the driver)."""
        if self.has_pending:
            await self.session.flush()
        return await core(self.session, statement, params)

    async def _fetch(self, compiled: sql.Compiled, params: Mapping[str, Any]) -> Any:
        adapter = await self._driver()
        args = sql.arguments(compiled, params)
        dispatch = self.engine.sync_engine.dispatch.before_cursor_execute
        if dispatch:
            dispatch(None, None, compiled.sql, tuple(args), None, False)
        try:
            return await adapter._connection.fetch(compiled.sql, *args)
        except Exception as error:
            raise sql.translated(error, compiled.sql, args, adapter, self.dialect) from error

    async def finish(self, commit: bool) -> None:
        """End a unit of work whose commit was deferred (`Deferred`)."""
        try:
            if commit:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()

    # --- rows ---------------------------------------------------------------------------

    def add(self, obj: SQLModel) -> None:
        self.session.add(obj)

    async def get(self, model: type[M], id_: uuid.UUID, *, for_update: bool = False) -> M | None:
        """One row by id; `for_update` takes a row lock on PostgreSQL (SQLite serialises
        writers with BEGIN IMMEDIATE instead)."""
        stmt = select(model).where(col(model.id) == id_)  # type: ignore[attr-defined]
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.exec(stmt)).first()

    async def flush(self) -> None:
        await self.session.flush()

    def mark_changed(self) -> None:
        """Note a change written with Core statements (no ORM object): the unit of work
        writes no read audit and refuses to be read-only, as for an ORM change."""
        self._changed = True

    def touch(self, obj: Any) -> None:
        """Mark a versioned row changed: a new version (and so a new ETag), and add it to
        the session so the change is written."""
        obj.updated_at = self.now
        obj.version = (obj.version or 0) + 1
        self.session.add(obj)

    # --- audit (R19) --------------------------------------------------------------------

    def audit(
        self,
        action: str,
        subject_type: str,
        subject_id: uuid.UUID,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self._changed = True
        row = self._audit_row(action, subject_type, subject_id)
        row["before"], row["after"] = before, after
        self._audits.append(row)

    def _audit_row(self, action: str, subject_type: str, subject_id: uuid.UUID) -> dict[str, Any]:
        """An audit entry's columns but its snapshots: who, what, when, which request."""
        return {
            "id": uuid7(),
            "occurred_at": self.now,
            "actor_sub": self.principal.sub,
            "actor_name": self.principal.name,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "request_id": self.request_id,
        }

    async def audit_reads(self, subject_type: str, ids: Sequence[uuid.UUID], action: str) -> None:
        """An explicit read entry (e.g. `document.content_read`), one row per record, in
        one multi-row INSERT. Reads of rows the session loads need no call: a unit of
        work that changed nothing audits every person-scoped row it loaded when it
        commits (`app.read_audit`, R19); a record given an explicit entry is not
        audited again."""
        self._audited.update((subject_type, i) for i in ids)
        await self._insert_reads([(subject_type, i, action) for i in ids])

    async def _write_reads(self) -> None:
        await self._insert_reads(self.reads.keys(lambda t, i: (t, i) in self._audited))

    async def _insert_reads(self, keys: Sequence[tuple[str, uuid.UUID, str]]) -> None:
        if not keys:
            return
        rows = [self._audit_row(action, type_, id_) for type_, id_, action in keys]
        if self.on_postgresql and len(rows) > 1:
            # One statement of fixed text for any number of rows: one array a column.
            await self.run(_READ_AUDIT, {c: [row[c] for row in rows] for c in _READ_COLUMNS})
        else:
            await self.run_many(_READ_AUDIT_ONE, rows)

    # --- events -------------------------------------------------------------------------

    def emit(
        self,
        type_: str,
        subject_type: str,
        subject_id: uuid.UUID,
        data: dict[str, Any] | None = None,
        *,
        team: str | None = None,
        derived: dict[str, Any] | None = None,
    ) -> None:
        """An event for the change feed, written with the change. Its `seq` is given at
        commit time so that the feed is in commit order. `data` is thin (R19): ids, codes,
        `from`/`to`, `changed` field names; anything else is refused by
        `app.event_data.checked` (raised under PLACEMENTS_EVENT_DATA_STRICT, else dropped).
        It then takes its catalogued shape (`app.event_catalogue.conformed`: the subject's
        id as `<subject_type>_id`, every key the type declares and no other); `derived`
        (data made from snapshots) gives only the keys the type declares."""
        if derived:
            data = {**event_catalogue.derived(type_, derived), **(data or {})}
        thin_data = checked(type_, data)
        # A dict of the events table's columns (no ORM instance: it is written with Core
        # at commit, `write_events`, and never read back in the transaction).
        self._events.append(
            {
                "seq": 0,
                "id": uuid7(),
                "type": type_,
                "occurred_at": self.now,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "actor_sub": self.principal.sub,
                "team": team,
                "data": event_catalogue.conformed(type_, subject_type, subject_id, thin_data),
            }
        )

    def record(
        self,
        action: str,
        subject_type: str,
        subject_id: uuid.UUID,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        team: str | None = None,
    ) -> None:
        """The usual pair: an audit entry (with the full `before`/`after`) and an event named
        `<subject_type>.<action>` whose data is the thin data of the change
        (`app.event_data.thin`: ids, codes, `from`/`to`, `changed`), cut to the keys its
        catalogued type declares, with `data` over it; never the snapshot itself (R19)."""
        name = f"{subject_type}.{action}"
        self.audit(name, subject_type, subject_id, before=before, after=after)
        derived = thin(before, after)
        derived.pop("id", None)  # a snapshot's own id: the subject's is `<subject_type>_id`
        self.emit(name, subject_type, subject_id, data, team=team, derived=derived)

    async def _write_audits(self) -> None:
        audits, self._audits = self._audits, []
        await self.run_many(_AUDIT_INSERT, audits)

    async def _write_events(self) -> None:
        """As `write_events`, with compiled-once statements (on the driver on
        PostgreSQL): the counter's row stays locked until commit, so seq order is commit
        order."""
        events, self._events = self._events, []
        if not events:
            return
        count = len(events)
        last = int((await self.rows(_TAKE_SEQS_PREPARED, {"count": count}))[0][0])
        first = last - count + 1
        await self.run_many(
            _EVENT_INSERT, [{**event, "seq": first + n} for n, event in enumerate(events)]
        )

    # --- work items (R18) ----------------------------------------------------------------

    def open_work(
        self,
        *,
        kind: str,
        rule: str,
        title: str,
        subject_type: str,
        subject_id: uuid.UUID,
        due_at: datetime,
        assignee_user: str | None = None,
        assignee_team: str | None = None,
        scope_team: str | None = None,
    ) -> WorkItem:
        if (assignee_user is None) == (assignee_team is None):
            raise ValueError("a work item is owed by exactly one user or one team")
        item = WorkItem(
            id=uuid7(),
            kind=kind,
            rule=rule,
            title=title,
            subject_type=subject_type,
            subject_id=subject_id,
            due_at=due_at,
            assignee_user=assignee_user,
            assignee_team=assignee_team,
            scope_team=scope_team,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(item)
        return item

    async def close_work(
        self,
        subject_type: str,
        subject_id: uuid.UUID,
        *,
        kinds: Sequence[str] | None = None,
        reason: str = "done",
    ) -> int:
        """Close the open work items of a subject (of the given kinds); returns how many."""
        stmt = (
            update(WorkItem)
            .where(col(WorkItem.subject_type) == subject_type)
            .where(col(WorkItem.subject_id) == subject_id)
            .where(col(WorkItem.closed_at).is_(None))
            .values(
                closed_at=self.now,
                closed_by=self.principal.sub,
                closed_reason=reason,
                version=WorkItem.version + 1,
                updated_at=self.now,
            )
        )
        if kinds is not None:
            stmt = stmt.where(col(WorkItem.kind).in_(list(kinds)))
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)

    async def close_work_item(self, item_id: uuid.UUID | None, *, reason: str = "done") -> bool:
        """Close one work item by id (a review action's, a send's) if it is still open."""
        if item_id is None:
            return False
        result = await self.session.execute(
            update(WorkItem)
            .where(col(WorkItem.id) == item_id)
            .where(col(WorkItem.closed_at).is_(None))
            .values(
                closed_at=self.now,
                closed_by=self.principal.sub,
                closed_reason=reason,
                version=WorkItem.version + 1,
                updated_at=self.now,
            )
        )
        return bool(getattr(result, "rowcount", 0))
