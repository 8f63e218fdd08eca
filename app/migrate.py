"""Apply the Alembic migrations programmatically (used by `placements migrate` and tests)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config


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
