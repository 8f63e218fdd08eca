"""Docs that cannot go stale: a test runs a flow against a fresh app with a fixed clock,
records every request and response as markdown, and fails when the committed file differs.
`UPDATE_DOCS=1` rewrites the file after a deliberate change."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from tests.support import SECRET, RecordingTransport, token

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REASONS = {
    200: "OK",
    201: "Created",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    412: "Precondition Failed",
    422: "Unprocessable Content",
}
# name in the doc -> (sub, roles, teams)
Person = tuple[str, list[str], list[str]]
SetNow = Callable[[str], None]
DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})")


def shift_dates(text: str, days: int) -> str:
    """Every ISO date in `text` moved by `days` (a walkthrough run on another day)."""
    if not days:
        return text
    return DATE.sub(
        lambda m: (date.fromisoformat(m.group(1)) + timedelta(days=days)).isoformat(), text
    )


def weeks_to_this_week(start: str) -> int:
    """Days (whole weeks) from a walkthrough's first day to the same weekday this week,
    on or before today: the shift that runs its calls with today's dates, weekdays kept."""
    first = date.fromisoformat(start[:10])
    return (date.today() - first).days // 7 * 7


def token_table(people: dict[str, Person], who: dict[str, str]) -> str:
    rows = ["| token | who | made with |", "|---|---|---|"]
    for name, (sub, roles, teams) in people.items():
        command = "placements token " + " ".join(
            [*(f"--role {r}" for r in roles), *(f"--team {t}" for t in teams), f"--sub {sub}"]
        )
        rows.append(f"| `${name}_TOKEN` | {who[name]} | `{command}` |")
    return "\n".join(rows)


class Recorder:
    """Makes calls and writes them down as markdown, with ids replaced by stable names."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        people: dict[str, Person],
        shift_days: int = 0,
        shown: Callable[[Any], Any] | None = None,
    ) -> None:
        self.http = http
        # Applied to each response body before it is written down (e.g. a stable key order
        # where the databases differ: PostgreSQL's jsonb orders an event's `data` keys).
        self.shown = shown
        # Moves every date the calls send (bodies, queries, paths) by this many days.
        self.shift_days = shift_days
        self.parts: list[str] = []
        self.names: dict[str, str] = {}
        self.tokens = {
            who: token(roles, teams, sub=sub, name=sub)
            for who, (sub, roles, teams) in people.items()
        }

    def say(self, text: str) -> None:
        self.parts.append(text.strip() + "\n")

    def name(self, value: str, label: str) -> None:
        self.names.setdefault(value, f"<{label}>")

    async def call(
        self,
        who: str,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        upload: tuple[str, str] | None = None,
        params: dict[str, str] | None = None,
        show: bool = True,
        expect: int | None = None,
        headers: dict[str, str] | None = None,
        show_headers: tuple[str, ...] = (),
    ) -> httpx.Response:
        """Make the call and write it down; `headers` are sent (and shown) besides the
        token, and `show_headers` are response headers shown besides the usual ones."""
        extra = dict(headers or {})
        headers = {"Authorization": f"Bearer {self.tokens[who]}", **extra}
        if self.shift_days:
            url = shift_dates(url, self.shift_days)
            if json_body is not None:
                json_body = json.loads(shift_dates(json.dumps(json_body), self.shift_days))
            if params is not None:
                params = {k: shift_dates(v, self.shift_days) for k, v in params.items()}
        if upload is not None:
            filename, kind = upload
            response = await self.http.request(
                method,
                url,
                headers=headers,
                files={"file": (filename, b"%PDF-1.7 risk assessment", "application/pdf")},
                data={"kind": kind},
            )
        else:
            response = await self.http.request(
                method, url, headers=headers, json=json_body, params=params
            )
        if expect is not None:
            assert response.status_code == expect, response.text
        if not show:
            return response
        target = url + (("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else "")
        lines = [f"{method} {target}", f"Authorization: Bearer ${who}_TOKEN"]
        lines += [f"{name}: {value}" for name, value in extra.items()]
        if upload is not None:
            lines += [
                "Content-Type: multipart/form-data",
                "",
                f"file=@{upload[0]}  kind={upload[1]}",
            ]
        elif json_body is not None:
            lines += ["Content-Type: application/json", "", json.dumps(json_body, indent=2)]
        out = [f"HTTP/1.1 {response.status_code} {REASONS.get(response.status_code, '')}"]
        for header in ("Content-Type", "Location", "ETag", *show_headers):
            if header in response.headers and (
                header != "Content-Type" or response.status_code >= 400
            ):
                out.append(f"{header}: {response.headers[header]}")
        shown = response.json()
        if self.shown is not None:
            shown = self.shown(shown)
        if isinstance(shown, dict) and "request_id" in shown:
            shown["request_id"] = "<request id, as in X-Request-ID>"  # new on every run
        out += ["", json.dumps(shown, indent=2)]
        self.parts.append(
            "```http\n" + "\n".join(lines) + "\n```\n\n```http\n" + "\n".join(out) + "\n```\n"
        )
        return response

    def render(self) -> str:
        text = "\n".join(self.parts)
        counter = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal counter
            value = match.group(0)
            if value not in self.names:
                counter += 1
                self.names[value] = f"<id-{counter}>"
            return self.names[value]

        return UUID.sub(replace, text)


async def check_doc(
    doc: Path,
    flow: Callable[[httpx.AsyncClient, SetNow], Awaitable[str]],
    tmp_path: Path,
    start: str,
    database: tuple[str, str | None] | None = None,
    compare: bool = True,
) -> None:
    """Run `flow` on a fresh database with a clock it sets, and compare with `doc`.

    `database` is (url, schema) of an empty, migrated database (a fresh PostgreSQL schema);
    without it a new SQLite file is made."""
    if database is None:
        url, schema = f"sqlite+aiosqlite:///{tmp_path / 'doc.db'}", None
        await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    else:
        url, schema = database
    now = {"value": datetime.fromisoformat(start)}

    def set_now(value: str) -> None:
        now["value"] = datetime.fromisoformat(value)

    app = create_app(
        Settings(database_url=url, jwt_secret=SECRET, files_dir=tmp_path / "files"),
        clock=lambda: now["value"],
        schema=schema,
    )
    transport = RecordingTransport(app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            produced = await flow(http, set_now)
    finally:
        await app.state.engine.dispose()
    if not compare:
        return
    if os.environ.get("UPDATE_DOCS") == "1":
        doc.parent.mkdir(exist_ok=True)
        doc.write_text(produced)
    committed = doc.read_text() if doc.is_file() else ""
    assert committed == produced, (
        f"docs/{doc.name} is stale: regenerate it with "
        "UPDATE_DOCS=1 .venv/bin/pytest tests/api -k doc"
    )
