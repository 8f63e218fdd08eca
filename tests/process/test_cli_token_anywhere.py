"""The installed `placements token` command, run as a process from a directory outside the
checkout, signs with the development secret `make run` keeps at the checkout's root
(`.dev-secret`, made by `placements run --dev-secret`), and the app accepts its token.

The checkout's `.dev-secret` (git-ignored) is read if there is one; otherwise the test
makes it the way `make run` does and removes it afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from tests.serving import ROOT

PLACEMENTS = ROOT / ".venv" / "bin" / "placements"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEMENTS_")}
    return {**env, "HOME": str(home)}


@pytest.fixture
def checkout_secret(tmp_path: Path) -> Iterator[str]:
    """The checkout's development secret, made as `make run` makes it when missing."""
    path = ROOT / ".dev-secret"
    made = not path.is_file()
    if made:
        # `make run` runs `placements run --dev-secret` at the checkout's root; its
        # `dev-secret` command makes the same file the same way, without serving.
        subprocess.run(
            [str(PLACEMENTS), "dev-secret"],
            cwd=ROOT,
            env=_env(tmp_path),
            check=True,
            capture_output=True,
            timeout=120,
        )
    try:
        yield path.read_text().strip()
    finally:
        if made:
            path.unlink(missing_ok=True)


def test_placements_token_from_a_directory_outside_the_checkout(
    tmp_path: Path, checkout_secret: str
) -> None:
    if not PLACEMENTS.is_file():
        pytest.skip("the `placements` command is installed by `make install`")
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    assert ROOT not in elsewhere.resolve().parents
    assert not any((d / ".dev-secret").is_file() for d in (elsewhere, *elsewhere.parents)), (
        "a .dev-secret above the temporary directory would be found first"
    )
    result = subprocess.run(
        [str(PLACEMENTS), "token", "--role", "practitioner", "--team", "north", "--sub", "alice"],
        cwd=elsewhere,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    minted = result.stdout.strip()
    assert minted.count(".") == 2, result.stdout

    # The app `make run` serves (its secret is the checkout's `.dev-secret`) accepts it;
    # a token signed with any other secret it refuses.
    url = f"sqlite+aiosqlite:///{tmp_path / 'token.db'}"
    upgrade(url)

    async def whoami(secret: str) -> int:
        app = create_app(
            Settings(database_url=url, jwt_secret=secret, files_dir=tmp_path / "files")
        )
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                response = await http.get("/v1/work", headers={"Authorization": f"Bearer {minted}"})
                return response.status_code
        finally:
            await app.state.engine.dispose()

    assert asyncio.run(whoami(checkout_secret)) == 200
    assert asyncio.run(whoami("another-secret-0123456789abcdef-xyz")) == 401


def test_placements_token_outside_a_checkout_without_a_secret_says_what_to_do(
    tmp_path: Path,
) -> None:
    """With no secret anywhere to find (none in the environment, none here, none at the
    checkout's root) the command says how to get one, not a traceback."""
    if not PLACEMENTS.is_file():
        pytest.skip("the `placements` command is installed by `make install`")
    if (ROOT / ".dev-secret").is_file():
        pytest.skip("the checkout has a .dev-secret, which the command finds from anywhere")
    result = subprocess.run(
        [str(PLACEMENTS), "token", "--role", "practitioner"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "PLACEMENTS_JWT_SECRET" in result.stderr + result.stdout
