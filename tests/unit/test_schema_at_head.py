"""An empty database is created at head in one go (app/migrate.py: the tables from the
models, stamped with the head revisions) instead of replaying every migration. These tests
hold that shortcut to the migrations: the schema it builds equals, table by table, the one
the migrations build step by step (columns with their types and nullability, primary and
foreign keys, indexes with their partial conditions, unique constraints), on SQLite and on
PostgreSQL, with the same alembic heads and the same seeded rows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from app.db import make_engine
from app.migrate import known_revisions, upgrade
from tests.conftest import IN_CI, PG_URL, _pg_reachable, _run_sql

Target = tuple[str, str | None]  # (database url, PostgreSQL schema)


def _index(ix: dict[str, Any]) -> tuple[Any, ...]:
    options = ix.get("dialect_options", {})
    where = options.get("postgresql_where") or options.get("sqlite_where")
    return (
        ix["name"],
        tuple(ix["column_names"]),
        bool(ix["unique"]),
        " ".join(str(where).split()) if where is not None else None,
    )


def _describe(sync_connection: Any) -> dict[str, Any]:
    inspector = inspect(sync_connection)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = {
            "columns": [
                (c["name"], str(c["type"]), bool(c["nullable"]))
                for c in inspector.get_columns(table)
            ],
            "primary_key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "foreign_keys": sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(_index(ix) for ix in inspector.get_indexes(table)),
            "unique": sorted(
                (uq["name"] or "", tuple(uq["column_names"]))
                for uq in inspector.get_unique_constraints(table)
            ),
        }
    return schema


async def _read(target: Target) -> tuple[dict[str, Any], set[str], list[tuple[Any, ...]]]:
    url, schema = target
    engine = make_engine(url, schema=schema)
    try:
        async with engine.connect() as connection:
            described = await connection.run_sync(_describe)
            heads = {
                row[0]
                for row in await connection.execute(text("SELECT version_num FROM alembic_version"))
            }
            counter = [
                tuple(row)
                for row in await connection.execute(text("SELECT id, value FROM event_counter"))
            ]
    finally:
        await engine.dispose()
    return described, heads, counter


@pytest.fixture(params=["sqlite", "postgres"])
def two_databases(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Target, Target]]:
    """Two empty databases of the same kind."""
    if request.param == "sqlite":
        yield (
            (f"sqlite+aiosqlite:///{tmp_path / 'at_head.db'}", None),
            (f"sqlite+aiosqlite:///{tmp_path / 'step_by_step.db'}", None),
        )
        return
    problem = _pg_reachable()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable under CI=true: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    schemas = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for schema in schemas:
        _run_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield (PG_URL, schemas[0]), (PG_URL, schemas[1])
    finally:
        for schema in schemas:
            _run_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_an_empty_database_created_at_head_equals_one_migrated_step_by_step(
    two_databases: tuple[Target, Target],
) -> None:
    at_head, step_by_step = two_databases
    assert upgrade(*at_head) == "created"
    assert upgrade(*step_by_step, step_by_step=True) == "migrated"
    created, created_heads, created_rows = asyncio.run(_read(at_head))
    migrated, migrated_heads, migrated_rows = asyncio.run(_read(step_by_step))

    assert len(created) > 30 and "alembic_version" in created
    assert sorted(created) == sorted(migrated)
    for table in migrated:
        for part in ("columns", "primary_key", "foreign_keys", "indexes", "unique"):
            assert sorted(created[table][part]) == sorted(migrated[table][part]), (table, part)
    heads, _ = known_revisions()
    assert created_heads == migrated_heads == set(heads)
    assert created_rows == migrated_rows == [(1, 0)]


def test_a_database_with_tables_is_migrated_not_recreated(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}"
    assert upgrade(url) == "created"
    assert upgrade(url) == "migrated"  # at head already: alembic finds nothing to do
    _, heads, rows = asyncio.run(_read((url, None)))
    assert heads == set(known_revisions()[0])
    assert rows == [(1, 0)]
