"""Engine and sessions. SQLite (aiosqlite) is the embedded default, PostgreSQL (asyncpg)
the production store; the same code and migrations serve both.

On SQLite every transaction starts with BEGIN IMMEDIATE and waits on a busy timeout,
so writers are serialised and rules that count (R5, R7, R9) hold without 500s. On
PostgreSQL the same rules are held by row locks and constraints.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, *, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url`. `schema` puts a PostgreSQL connection in its own schema
    (tests use one schema per run)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _sqlite_serialised_writes(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["server_settings"] = {"search_path": schema}
    # 20 kept open: with 10, a burst of more than 10 concurrent requests opened overflow
    # connections and closed them again on return (py-spy: asyncpg connect in 4-5% of a
    # GET's samples under 16 concurrent clients). Overflow for rarer peaks beyond.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    # No pre-ping: it costs a round trip (BEGIN; ";"; ROLLBACK on asyncpg) on every
    # checkout. Connections are recycled instead, and one the server dropped fails its
    # request, is invalidated by the pool and replaced (docs/performance.md).
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, connect_args=connect_args, **kwargs)


def _sqlite_serialised_writes(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"
