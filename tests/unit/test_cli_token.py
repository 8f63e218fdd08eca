"""`placements token` finds the development secret from any directory, as `make run`
keeps it (`.dev-secret` at the checkout's root)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jose import jwt
from typer.testing import CliRunner

from app import cli

SECRET = "dev-secret-for-the-cli-test-0123456789"


def _token_secret_ok(output: str, secret: str) -> bool:
    claims = jwt.decode(output.strip(), secret, algorithms=["HS256"], options={"verify_aud": False})
    return bool(claims["sub"] == "alice")


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "Makefile").write_text("run:\n")
    monkeypatch.setattr(cli, "PROJECT_ROOT", root)
    monkeypatch.delenv("PLACEMENTS_JWT_SECRET", raising=False)
    return root


def test_token_from_another_directory(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (checkout / ".dev-secret").write_text(SECRET + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli.cli, ["token", "--role", "practitioner", "--sub", "alice"])
    assert result.exit_code == 0, result.output
    assert _token_secret_ok(result.stdout, SECRET)


def test_nearest_secret_wins_and_env_overrides(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (checkout / ".dev-secret").write_text(SECRET + "\n")
    project = tmp_path / "other-project"
    (project / "sub" / "dir").mkdir(parents=True)
    (project / ".dev-secret").write_text("nearer-secret-0123456789abcdef-xyz\n")
    monkeypatch.chdir(project / "sub" / "dir")
    assert cli.dev_secret() == "nearer-secret-0123456789abcdef-xyz"
    monkeypatch.setenv("PLACEMENTS_JWT_SECRET", "from-the-environment")
    assert cli.dev_secret() == "from-the-environment"


def test_dev_secret_is_made_at_the_checkout_root(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli.cli, ["token", "--role", "practitioner"])
    assert result.exit_code == 1  # no secret yet
    made = cli.dev_secret(create=True)
    assert made and (checkout / ".dev-secret").read_text().strip() == made
    assert not (elsewhere / ".dev-secret").exists()
    result = CliRunner().invoke(cli.cli, ["token", "--role", "practitioner", "--sub", "alice"])
    assert result.exit_code == 0 and _token_secret_ok(result.stdout, made)
