"""R18 overdue alerts with two workers at once on PostgreSQL: each item that falls
overdue yields exactly one `work_item.overdue` event (SELECT ... FOR UPDATE SKIP LOCKED).

Each worker has its own engine (its own connections), so their passes really run at the
same time; a controllable clock makes the items fall overdue together.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from app.db import make_engine, make_sessionmaker
from app.models import Event
from app.services.overdue import alert_overdue
from tests.api.test_work_queue import open_item
from tests.conftest import Backend
from tests.support import Api, unique_team


async def test_r18_two_workers_alert_each_overdue_item_exactly_once(
    pg_api: Api, pg_backend: Backend
) -> None:
    team = unique_team()
    now = datetime.now(UTC)
    items = [
        (await open_item(pg_api, due_at=now + timedelta(hours=n), team=team))["id"]
        for n in range(30)
    ]
    later = now + timedelta(days=3)

    def clock() -> datetime:
        return later

    engines = [make_engine(pg_backend.url, schema=pg_backend.schema) for _ in range(2)]
    try:
        workers = [make_sessionmaker(engine) for engine in engines]
        for _ in range(3):
            emitted = await asyncio.gather(
                *(alert_overdue(sessionmaker, clock, batch=4) for sessionmaker in workers)
            )
            assert all(n >= 0 for n in emitted)
    finally:
        for engine in engines:
            await engine.dispose()
    async with pg_api.app.state.sessionmaker() as session:
        rows = (
            await session.exec(
                select(Event.subject_id)
                .where(col(Event.type) == "work_item.overdue")
                .where(col(Event.subject_id).in_([uuid.UUID(i) for i in items]))
            )
        ).all()
    assert Counter(str(r) for r in rows) == Counter({i: 1 for i in items})
