"""Apply the Alembic migrations programmatically (used by `placements migrate` and tests).

An empty database is built at head in one go (the tables from the models, then stamped
with the head revisions) instead of replaying every migration: the same schema
(tests/unit/test_schema_at_head.py compares the two on SQLite and PostgreSQL) in a
fraction of the time, most of which SQLite spends rebuilding tables for batch alters.
A database that has tables is migrated step by step as always.
"""

from __future__ import annotations

import asyncio
import os
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def migrations_dir() -> Path:
    for candidate in (
        Path(os.environ.get("PLACEMENTS_MIGRATIONS_DIR", "")),
        Path(__file__).resolve().parent.parent / "migrations",
        Path.cwd() / "migrations",
    ):
        if str(candidate) and (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("cannot find the migrations directory")


def alembic_config(database_url: str, schema: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    if schema:
        config.attributes["schema"] = schema
    return config


def upgrade(
    database_url: str,
    schema: str | None = None,
    revision: str = "heads",
    *,
    step_by_step: bool = False,
) -> str:
    """Bring the database to `revision`. An empty database going to the heads is created
    at head in one transaction (`created`); otherwise the migrations run (`migrated`).
    `step_by_step` always replays the migrations."""
    if revision == "heads" and not step_by_step:
        if asyncio.run(_create_at_head_if_empty(database_url, schema)):
            return "created"
    command.upgrade(alembic_config(database_url, schema), revision)
    return "migrated"


async def _create_at_head_if_empty(database_url: str, schema: str | None) -> bool:
    """Create every table from the models and stamp the head revisions, in one
    transaction, when the database (or schema) has no tables at all. False (nothing
    done) when it has any."""
    from sqlalchemy import inspect

    import app.models  # noqa: F401  (registers every table)
    from app.db import make_engine
    from app.models.base import metadata

    engine = make_engine(database_url, schema=schema)
    try:
        async with engine.begin() as connection:

            def build(sync_connection: Any) -> bool:
                if inspect(sync_connection).get_table_names():
                    return False
                metadata.create_all(sync_connection)
                seed_rows(sync_connection)
                config = alembic_config(database_url, schema)
                config.attributes["connection"] = sync_connection
                command.stamp(config, "heads")
                return True

            return bool(await connection.run_sync(build))
    finally:
        await engine.dispose()


def seed_rows(sync_connection: Any) -> None:
    """The rows the migrations insert (0001: the change feed's counter)."""
    from sqlalchemy import insert

    from app.models import EventCounter

    sync_connection.execute(insert(EventCounter).values(id=1, value=0))


@cache
def known_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(the head revisions, every revision) of this code's migrations, read once."""
    script = ScriptDirectory(str(migrations_dir()))
    every = frozenset(rev.revision for rev in script.walk_revisions())
    return frozenset(script.get_heads()), every


def migration_state(applied: set[str]) -> str:
    """`head` when the database is at this code's heads, `behind` when it has only older
    revisions (or none: not migrated), `unknown` when it has one this code doesn't know
    (a newer release migrated it)."""
    heads, every = known_revisions()
    if applied == set(heads):
        return "head"
    if applied <= every:
        return "behind"
    return "unknown"
