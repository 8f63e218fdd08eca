"""The README's newcomer path runs as written: the make targets and `placements` commands
it names exist, and its "First calls" (a token, `placements seed-demo`, the work queue, a
person made and read) are parsed out of the README and executed against the app, on a
fresh SQLite database and a fresh PostgreSQL schema, today."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.main import get_command

from app.cli import cli
from app.demo import seed
from app.main import create_app
from app.settings import Settings
from tests.conftest import Backend, make_backend
from tests.support import SECRET, token

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def test_the_make_targets_the_readme_names_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert {"run", "test", "lint"} <= named
    assert named <= targets, named - targets


def test_the_placements_commands_the_readme_names_exist() -> None:
    commands = set(get_command(cli).commands)  # type: ignore[attr-defined]
    named = set(re.findall(r"placements ([a-z][a-z-]+)", README))
    assert {"token", "seed-demo", "migrate", "serve", "run"} <= named
    assert named <= commands, named - commands


def test_the_readme_starts_with_make_run_and_make_test() -> None:
    first = shell_blocks(README)[0]
    assert [line.split()[:2] for line in first.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]


def commands(block: str) -> list[tuple[str, int | None]]:
    """Shell commands of a block (continuation lines and quoted newlines joined), each
    with the status its `# -> NNN` comment expects."""
    out: list[tuple[str, int | None]] = []
    current = ""
    for line in block.splitlines():
        expected = re.match(r"\s*# -> (\d{3})", line)
        if expected and out:
            out[-1] = (out[-1][0], int(expected.group(1)))
            continue
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\") + " "
        if line.endswith("\\") or current.count("'") % 2:
            continue
        out.append((current.strip(), None))
        current = ""
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from make_backend(request.param, tmp_path)


async def test_the_readme_first_calls_run_as_written(fresh_database: Backend) -> None:
    settings = Settings(
        database_url=fresh_database.url,
        jwt_secret=SECRET,
        files_dir=fresh_database.files_dir,
        webhooks_allow_private=True,
    )
    app = create_app(settings, schema=fresh_database.schema)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    env: dict[str, str] = {}
    last_id: str | None = None
    ran: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        for block in shell_blocks(section("First calls")):
            for command, expected in commands(block):
                assignment = re.fullmatch(r"(\w+)=\$\((.*)\)", command)
                if assignment:  # TOKEN=$(.venv/bin/placements token ...)
                    words = shlex.split(assignment.group(2))
                    assert words[:2] == [".venv/bin/placements", "token"]
                    roles = [words[i + 1] for i, w in enumerate(words) if w == "--role"]
                    teams = [words[i + 1] for i, w in enumerate(words) if w == "--team"]
                    sub = words[words.index("--sub") + 1]
                    env[assignment.group(1)] = token(roles, teams, sub=sub)
                    ran.append("token")
                    continue
                words = shlex.split(command)
                if words[:2] == [".venv/bin/placements", "seed-demo"]:
                    outcome = await seed(settings, schema=fresh_database.schema, say=ran.append)
                    assert outcome.changed
                    ran.append("seed-demo")
                    continue
                if words[0] == "make":
                    ran.append(command)  # make test: this suite
                    continue
                assert words[0] == "curl", command
                method, headers, body, url = "GET", {}, None, ""
                i = 1
                while i < len(words):
                    word = words[i]
                    if word == "-X":
                        method, i = words[i + 1], i + 1
                    elif word == "-H":
                        name, _, value = words[i + 1].partition(": ")
                        for key, val in env.items():
                            value = value.replace(f"${key}", val)
                        headers[name] = value
                        i += 1
                    elif word == "-d":
                        body, i = words[i + 1], i + 1
                    elif not word.startswith("-"):
                        url = word
                    i += 1
                if "<id>" in url:
                    assert last_id is not None, "the README reads an id it never made"
                    url = url.replace("<id>", last_id)
                response = await http.request(method, url, headers=headers, content=body)
                assert response.status_code == (expected or 200), (command, response.text)
                if "Location" in response.headers:
                    last_id = response.headers["Location"].rsplit("/", 1)[-1]
                if "/v1/work" in url:  # the demo data shows in the work queue
                    counts = response.json()["counts"]
                    assert counts["upcoming"] > 0 and counts["overdue"] > 0, counts
                ran.append(f"{method} {url}")
    await app.state.engine.dispose()
    assert "token" in ran and "seed-demo" in ran and "make test" in ran
    assert sum(1 for r in ran if r.startswith(("GET ", "POST "))) >= 3, ran
