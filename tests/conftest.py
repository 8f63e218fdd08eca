"""Test fixtures: the same API tests run on SQLite and on PostgreSQL.

PostgreSQL is `PLACEMENTS_TEST_PG_URL` (default 127.0.0.1:5432, database `test`); each run
migrates its own schema, so parallel runs never collide. Under CI=true a PostgreSQL that
can't be reached fails the run; elsewhere its tests are skipped with a reason.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app import event_data
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from tests.support import SECRET, Api, RecordingTransport, contract_breaches

# Event data outside the thin shape (R19) fails the test that emits it, in this process
# and in the server processes the race tests start (they inherit the environment).
os.environ["PLACEMENTS_EVENT_DATA_STRICT"] = "true"
event_data.STRICT = True
# Tests make many requests as one caller: the rate limit is high (not off, so its header
# fields are sent); tests/api/test_rate_limit.py sets a small one of its own.
os.environ["PLACEMENTS_RATE_LIMIT_PER_MINUTE"] = "1000000"

CONTRACT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every problem (operation, status, code) and 2xx header the tests saw must be in the
    contract: outside suites check every response against it."""
    import json

    if not CONTRACT.exists():
        return
    breaches = contract_breaches(json.loads(CONTRACT.read_text()))
    if not breaches:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = ["Responses the contract (openapi/openapi.json) does not declare:", *breaches]
    if reporter is not None:
        reporter.write_sep("=", "contract breaches", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


PG_URL = os.environ.get(
    "PLACEMENTS_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _pg_reachable() -> str | None:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
        return None
    except Exception as error:  # noqa: BLE001 - any failure means unreachable
        return f"{type(error).__name__}: {error}"


def _run_sql(sql: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


@dataclass
class Backend:
    name: str
    url: str
    schema: str | None
    files_dir: Path


def make_backend(name: str, tmp: Path) -> Iterator[Backend]:
    files = tmp / "files"
    if name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'test.db'}"
        upgrade(url)
        yield Backend(name, url, None, files)
        return
    problem = _pg_reachable()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable under CI=true: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run_sql(f'CREATE SCHEMA "{schema}"')
    try:
        upgrade(PG_URL, schema=schema)
        yield Backend(name, PG_URL, schema, files)
    finally:
        _run_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    yield from make_backend(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="session")
def pg_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    yield from make_backend("postgres", tmp_path_factory.mktemp("pg-races"))


def settings_for(backend: Backend, **overrides: object) -> Settings:
    return Settings(
        database_url=backend.url,
        jwt_secret=SECRET,
        files_dir=backend.files_dir,
        **overrides,  # type: ignore[arg-type]
    )


async def open_client(backend: Backend, **overrides: object) -> AsyncIterator[Api]:
    app = create_app(settings_for(backend, **overrides), schema=backend.schema)
    transport = RecordingTransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http, app)
    await app.state.engine.dispose()


@pytest.fixture(scope="session")
async def api(backend: Backend) -> AsyncIterator[Api]:
    """A client of the app on this backend. Tests make their own data (unique teams)."""
    async for client in open_client(backend):
        yield client


@pytest.fixture(scope="session")
async def pg_api(pg_backend: Backend) -> AsyncIterator[Api]:
    async for client in open_client(pg_backend):
        yield client
