"""Apply the Alembic migrations programmatically (used by `placements migrate` and tests)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

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


def upgrade(database_url: str, schema: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url, schema), revision)


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
