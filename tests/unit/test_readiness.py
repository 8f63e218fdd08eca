"""/readyz: ready only when the database answers and is migrated to this code's head."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from alembic.script import ScriptDirectory

from app.main import create_app
from app.migrate import migrations_dir, upgrade
from app.settings import Settings
from tests.support import SECRET


async def _readyz(url: str, tmp_path: Path) -> httpx.Response:
    app = create_app(Settings(database_url=url, jwt_secret=SECRET, files_dir=tmp_path / "f"))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/readyz")
    finally:
        await app.state.engine.dispose()


async def test_ready_when_migrated_to_head(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'head.db'}"
    await asyncio.to_thread(upgrade, url)
    response = await _readyz(url, tmp_path)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "head"}


async def test_503_migrations_behind_when_a_migration_is_not_applied(tmp_path: Path) -> None:
    script = ScriptDirectory(str(migrations_dir()))
    (head,) = script.get_heads()
    down = script.get_revision(head).down_revision
    previous = down[0] if isinstance(down, tuple) else down  # the head may be a merge
    assert isinstance(previous, str)
    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    await asyncio.to_thread(upgrade, url, revision=previous)
    response = await _readyz(url, tmp_path)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "migrations": "behind"}


async def test_503_migrations_behind_when_never_migrated(tmp_path: Path) -> None:
    response = await _readyz(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", tmp_path)
    assert response.status_code == 503
    assert response.json()["migrations"] == "behind"


async def test_503_database_unavailable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    response = await _readyz(url, tmp_path)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "migrations": "unknown",
    }
