"""Overdue alerts (R18): the first time an open work item is overdue, one
`work_item.overdue` event (and so, through the change feed, one webhook per subscriber).

The worker's pass claims items not yet alerted with `SELECT ... FOR UPDATE SKIP LOCKED`
on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE), marks them
(`overdue_notified_at`) and writes their events in the same transaction, so several
workers never alert an item twice. Event data is ids only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.work import london_day_bounds
from app.event_catalogue import conformed
from app.ids import uuid7
from app.models import Event, WorkItem
from app.uow import write_events

log = structlog.get_logger("app.work")

BATCH = 500
SYSTEM_ACTOR = "system:worker"
EVENT_TYPE = "work_item.overdue"


def overdue_data(item: WorkItem) -> dict[str, object]:
    return {
        "work_item_id": str(item.id),
        "kind": item.kind,
        "rule": item.rule,
        "subject": {"type": item.subject_type, "id": str(item.subject_id)},
    }


async def alert_overdue(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    *,
    batch: int = BATCH,
) -> int:
    """Emit `work_item.overdue` for every open item overdue today and not yet alerted;
    returns how many this worker emitted."""
    total = 0
    while True:
        now = clock()
        start_of_today, _ = london_day_bounds(now)
        async with sessionmaker() as session, session.begin():
            items = (
                await session.exec(
                    select(WorkItem)
                    .where(col(WorkItem.closed_at).is_(None))
                    .where(col(WorkItem.overdue_notified_at).is_(None))
                    .where(col(WorkItem.due_at) < start_of_today)
                    .order_by(col(WorkItem.due_at), col(WorkItem.id))
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            events = []
            for item in items:
                item.overdue_notified_at = now
                session.add(item)
                events.append(
                    Event(
                        seq=0,
                        id=uuid7(),
                        type=EVENT_TYPE,
                        occurred_at=now,
                        subject_type="work_item",
                        subject_id=item.id,
                        actor_sub=SYSTEM_ACTOR,
                        team=item.scope_team,
                        data=conformed(EVENT_TYPE, "work_item", item.id, overdue_data(item)),
                    )
                )
            await session.flush()
            await write_events(session, events)
        total += len(items)
        if len(items) < batch:
            break
    if total:
        log.info("work.overdue_alerted", count=total)
    return total
