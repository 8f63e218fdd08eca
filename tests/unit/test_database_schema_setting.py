"""PLACEMENTS_DATABASE_SCHEMA: lets a process (e.g. a second API process in the race tests)
use one PostgreSQL schema through the environment alone."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings


def test_schema_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENTS_DATABASE_SCHEMA", "t_abc123")
    assert Settings().database_schema == "t_abc123"
    monkeypatch.delenv("PLACEMENTS_DATABASE_SCHEMA")
    assert Settings().database_schema is None


@pytest.mark.parametrize("bad", ["x;drop table people", "a b", "1abc", "", "x" * 64])
def test_schema_must_be_a_plain_identifier(bad: str) -> None:
    with pytest.raises(ValidationError):
        Settings(database_schema=bad)


def test_create_app_passes_the_schema_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.main

    seen: list[str | None] = []
    real = app.main.make_engine

    def spy(url: str, *, schema: str | None = None, **kw: Any) -> Any:
        seen.append(schema)
        return real(url, schema=schema, **kw)

    monkeypatch.setattr(app.main, "make_engine", spy)
    url = "postgresql+asyncpg://u@127.0.0.1:1/db"
    create_app(Settings(database_url=url, database_schema="t_from_env"))
    create_app(Settings(database_url=url, database_schema="t_from_env"), schema="t_explicit")
    create_app(Settings(database_url=url))
    assert seen == ["t_from_env", "t_explicit", None]
