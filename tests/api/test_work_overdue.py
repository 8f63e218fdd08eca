"""R18 overdue alerts: the worker's pass emits `work_item.overdue` once per item, the
first time it is overdue, as an event (ids only) and so as a webhook."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlmodel import col, select

from app.models import Event, WorkItem
from app.services.overdue import alert_overdue
from app.services.webhook_dispatch import Dispatcher
from tests.api.test_work_queue import open_item
from tests.conftest import Backend, open_client
from tests.support import Api, unique_team


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def overdue_events(api: Api, item_ids: list[str]) -> list[Event]:
    async with api.app.state.sessionmaker() as session:
        rows = await session.exec(
            select(Event)
            .where(col(Event.type) == "work_item.overdue")
            .where(col(Event.subject_id).in_([uuid.UUID(i) for i in item_ids]))
            .order_by(col(Event.seq))
        )
        return list(rows.all())


async def test_r18_an_item_falling_overdue_is_alerted_once(api: Api) -> None:
    team = unique_team()
    now = datetime.now(UTC)
    item = await open_item(api, due_at=now + timedelta(days=1), user=f"u-{team}", scope_team=team)
    clock = Clock(now)
    sessionmaker = api.app.state.sessionmaker
    await alert_overdue(sessionmaker, clock)
    assert await overdue_events(api, [item["id"]]) == []  # upcoming: nothing yet
    clock.now = now + timedelta(days=1)
    await alert_overdue(sessionmaker, clock)
    assert await overdue_events(api, [item["id"]]) == []  # due today: not overdue yet
    clock.now = now + timedelta(days=2, hours=1)
    await alert_overdue(sessionmaker, clock)
    await alert_overdue(sessionmaker, clock)
    clock.now = now + timedelta(days=9)
    await alert_overdue(sessionmaker, clock)
    events = await overdue_events(api, [item["id"]])
    assert len(events) == 1
    alert = events[0]
    assert (alert.subject_type, str(alert.subject_id), alert.team) == (
        "work_item",
        item["id"],
        team,
    )
    assert alert.data == {
        "work_item_id": item["id"],
        "kind": "panel_documents_due",
        "rule": "R3",
        "subject": {"type": "referral", "id": item["subject_id"]},
    }
    assert item["title"] not in json.dumps(alert.data)
    async with sessionmaker() as session:
        row = (
            await session.exec(select(WorkItem).where(col(WorkItem.id) == alert.subject_id))
        ).one()
    assert row.overdue_notified_at is not None


async def test_r18_a_closed_item_is_never_alerted(api: Api) -> None:
    me = api.as_("support_worker", teams=[unique_team()])
    now = datetime.now(UTC)
    item = await open_item(api, due_at=now, user=me.sub, kind="case_note_alert", rule="R10")
    assert (await me.post(f"/v1/work/{item['id']}/acknowledge")).status_code == 200
    await alert_overdue(api.app.state.sessionmaker, Clock(now + timedelta(days=3)))
    assert await overdue_events(api, [item["id"]]) == []


async def test_r18_the_worker_pass_sends_the_alert_as_a_webhook(backend: Backend) -> None:
    async for api in open_client(backend, webhooks_allow_private=True):
        await _alert_as_webhook(api)


async def _alert_as_webhook(api: Api) -> None:
    admin = api.as_("admin")
    hook = await admin.post(
        "/v1/webhooks",
        json={
            "url": f"http://127.0.0.1:9/hooks/{uuid.uuid4().hex}",
            "event_types": ["work_item.overdue"],
        },
    )
    assert hook.status_code == 201, hook.text
    received: list[dict[str, Any]] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        if str(request.url) == hook.json()["url"]:
            received.append(json.loads(request.content))
        return httpx.Response(204)

    now = datetime.now(UTC)
    item = await open_item(api, due_at=now - timedelta(days=2), team=unique_team())
    try:
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            dispatcher = Dispatcher(
                api.app.state.sessionmaker, client, clock=Clock(now), allow_private=True
            )
            first = await dispatcher.run_once()
            await dispatcher.run_once()
        assert first.overdue >= 1
        mine = [m for m in received if m["data"]["work_item_id"] == item["id"]]
        assert [(m["type"], m["subject"]) for m in mine] == [
            ("work_item.overdue", {"type": "work_item", "id": item["id"]})
        ]
    finally:
        off = await admin.patch(f"/v1/webhooks/{hook.json()['id']}", json={"active": False})
        assert off.status_code == 200
