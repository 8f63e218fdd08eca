"""`placements seed-demo` (app/demo.py) loads a council in which every view has something,
dated from today, on SQLite and PostgreSQL; a second run changes nothing and says so."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.db import make_engine
from app.demo import USERS, seed
from app.domain.calendar import LONDON
from app.main import create_app
from app.models import AuditEntry, Event, WorkItem
from app.settings import Settings
from tests.conftest import Backend, make_backend
from tests.support import SECRET, token


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from make_backend(request.param, tmp_path)


def demo_settings(backend: Backend) -> Settings:
    return Settings(
        database_url=backend.url,
        jwt_secret=SECRET,
        files_dir=backend.files_dir,
        webhooks_allow_private=True,
    )


async def counts(backend: Backend) -> dict[str, int]:
    engine = make_engine(backend.url, schema=backend.schema)
    try:
        async with engine.connect() as connection:
            return {
                model.__name__: int(
                    (await connection.execute(select(func.count()).select_from(model))).scalar_one()
                )
                for model in (AuditEntry, Event, WorkItem)
            }
    finally:
        await engine.dispose()


class Demo:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def get(self, role: str, path: str, **params: Any) -> Any:
        sub, name, teams = USERS[role]
        response = await self.http.get(
            path,
            params=params,
            headers={"Authorization": f"Bearer {token([role], teams, sub=sub, name=name)}"},
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def seeded(fresh_database: Backend) -> AsyncIterator[tuple[Demo, Backend]]:
    lines: list[str] = []
    outcome = await seed(
        demo_settings(fresh_database), schema=fresh_database.schema, say=lines.append
    )
    assert outcome.changed and not outcome.already and not outcome.skipped
    assert any(line.startswith("[1/5]") for line in lines)  # progress shown
    app = create_app(demo_settings(fresh_database), schema=fresh_database.schema)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Demo(http), fresh_database
    await app.state.engine.dispose()


def london_today() -> date:
    return datetime.now(LONDON).date()


async def test_seed_demo_fills_every_view_and_a_second_run_changes_nothing(
    seeded: tuple[Demo, Backend],
) -> None:
    demo, backend = seeded

    # The work queue: upcoming, due today and overdue, for the placements team, a children's
    # team, and the practitioner's own.
    placements = await demo.get("placements_officer", "/v1/work", team="placements", count="true")
    assert all(placements["counts"][state] > 0 for state in ("upcoming", "due", "overdue"))
    north = await demo.get("team_manager", "/v1/work", team="north", count="true")
    assert all(north["counts"][state] > 0 for state in ("upcoming", "due", "overdue"))
    mine = await demo.get("practitioner", "/v1/work", assignee="me", count="true")
    kinds = {item["kind"] for item in mine["items"]}
    assert {"panel_attend", "panel_documents_due", "case_note_alert"} <= kinds
    assert mine["counts"]["upcoming"] > 0 and mine["counts"]["overdue"] > 0
    worker = await demo.get("support_worker", "/v1/work", assignee="me")
    assert {"casework_checkpoint", "case_supervision"} <= {i["kind"] for i in worker["items"]}

    # Alerts to acknowledge (R10): one a day old for two workers, one today for a reviewer.
    for role in ("practitioner", "supervising_social_worker", "reviewer"):
        alerts = await demo.get(role, "/v1/work", assignee="me", kind="case_note_alert")
        assert len(alerts["items"]) == 1, role

    # The duty tracker: the emergency placement, its follow-ups partly done (R2).
    tracker = await demo.get("placements_officer", "/v1/duty-tracker")
    (item,) = tracker["items"]
    done = {f["kind"]: f["done"] for f in item["follow_ups"]}
    assert done["placement_confirmed"] and done["tac_duty_alerted"]
    assert not done["csw_informed"] and not done["courtesy_call"]

    # Reviews: one overdue, one due today, others upcoming (R12, R14, R17).
    reviews = await demo.get("reviewer", "/v1/reviews", status="scheduled")
    today = london_today()
    due_on = [date.fromisoformat(r["due_on"]) for r in reviews["items"]]
    assert any(d < today for d in due_on)
    assert today in due_on
    assert any(d > today for d in due_on)
    assert {"cla", "shared_lives"} <= {r["kind"] for r in reviews["items"]}

    # Panels: a practice assurance booking with its risk assessment late (R3).
    bookings = await demo.get("panel_member", "/v1/panel-bookings")
    (booking,) = bookings["items"]
    assert booking["missing_documents"] == ["risk_assessment"]
    assert date.fromisoformat(booking["documents_due_on"]) < today
    panels = await demo.get("panel_member", "/v1/panels")
    assert [p["kind"] for p in panels["items"]] == ["practice_assurance"]

    # Placement support at its checkpoint (R9).
    episodes = await demo.get("practice_supervisor", "/v1/casework-episodes")
    (episode,) = episodes["items"]
    assert episode["status"] == "checkpoint_due" and episode["contact_count"] == 10

    # The webhook to a local receiver.
    hooks = await demo.get("admin", "/v1/webhooks")
    assert [h["url"] for h in hooks["items"]] == ["http://127.0.0.1:9000/placements-webhook"]

    # Every change has its audit entry and its event (R19).
    before = await counts(backend)
    assert before["AuditEntry"] > 50 and before["Event"] > 50

    lines: list[str] = []
    again = await seed(demo_settings(backend), schema=backend.schema, say=lines.append)
    assert not again.changed and len(again.already) == 5
    assert all("already loaded" in line for line in lines)
    assert await counts(backend) == before
