"""The worker: one loop, one place, run in-process by the app's lifespan
(PLACEMENTS_WEBHOOKS_DISPATCH) or standalone by `placements worker`. Each pass first
emits `work_item.overdue` for items newly overdue (app/services/overdue.py, R18), then
dispatches webhooks.

The webhook dispatcher: reads the change feed after each active webhook's cursor,
makes one delivery per (webhook, event) and POSTs it, signed as Standard Webhooks, with
retries (1 min, 5 min, 30 min, 2 h, 6 h, then `dead`).

Safe with several API processes: a webhook's cursor and due deliveries are claimed with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers already),
and a claimed delivery is leased (its `next_attempt_at` moved on) so no HTTP call is made
inside a transaction. Delivery is at least once: receivers de-duplicate on `webhook-id`.

Logs carry ids, event types and status codes only: never URLs, secrets or payloads.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.context import system_clock
from app.domain.webhooks import MAX_ATTEMPTS, next_wait, sign, wants
from app.ids import uuid7
from app.models import Event, Webhook, WebhookDelivery
from app.pagination import encode_cursor
from app.services.overdue import alert_overdue
from app.webhook_targets import TargetRefused, check_target, pinned

log = structlog.get_logger("app.webhooks")

TIMEOUT_SECONDS = 5.0
EVENT_BATCH = 500
DELIVERY_BATCH = 20
CONCURRENCY = 10
LEASE = timedelta(minutes=5)
SYSTEM_ACTOR = "system:webhooks"
USER_AGENT = "placements-api-webhooks/1"
# The only reasons a delivery log gives for a failure without an HTTP status.
DELIVERY_FAILED = "delivery failed"
TARGET_REFUSED = "target address not allowed"


@dataclass
class PassResult:
    overdue: int = 0
    enqueued: int = 0
    succeeded: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.succeeded + self.failed + self.dead


@dataclass(frozen=True)
class _Job:
    delivery_id: Any
    webhook_id: Any
    attempts: int
    url: str
    secret: str
    msg_id: str
    event_type: str
    body: bytes


def payload(event: Event) -> dict[str, Any]:
    """What a receiver gets: the change-feed event without its actor."""
    return {
        "id": encode_cursor(event.seq),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "subject": {"type": event.subject_type, "id": str(event.subject_id)},
        "data": event.data,
    }


def encode_body(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str).encode()


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], datetime] = system_clock,
        allow_private: bool = False,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.client = client
        self.clock = clock
        # PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE: development only (the SSRF guard off).
        self.allow_private = allow_private

    async def run_once(self) -> PassResult:
        """One pass: alert newly overdue work items, enqueue new events for every active
        webhook (the alerts among them), then try due deliveries."""
        result = PassResult()
        result.overdue = await alert_overdue(self.sessionmaker, self.clock)
        result.enqueued = await self.enqueue()
        await self.deliver_due(result)
        return result

    # --- enqueue ------------------------------------------------------------------------

    async def enqueue(self) -> int:
        async with self.sessionmaker() as session, session.begin():
            ids = (
                await session.exec(select(Webhook.id).where(col(Webhook.active).is_(True)))
            ).all()
        total = 0
        for webhook_id in ids:
            total += await self._enqueue_one(webhook_id)
        return total

    async def _enqueue_one(self, webhook_id: Any) -> int:
        now = self.clock()
        made = 0
        async with self.sessionmaker() as session, session.begin():
            hook = (
                await session.exec(
                    select(Webhook)
                    .where(col(Webhook.id) == webhook_id, col(Webhook.active).is_(True))
                    .with_for_update(skip_locked=True)
                )
            ).first()
            if hook is None:  # another process has it, or it was switched off
                return 0
            events = (
                await session.exec(
                    select(Event)
                    .where(col(Event.seq) > hook.last_event_seq)
                    .order_by(col(Event.seq))
                    .limit(EVENT_BATCH)
                )
            ).all()
            if not events:
                return 0
            filters = [str(t) for t in hook.event_types]
            for event in events:
                if not wants(filters, event.type):
                    continue
                session.add(
                    WebhookDelivery(
                        id=uuid7(),
                        webhook_id=hook.id,
                        event_seq=event.seq,
                        event_id=event.id,
                        event_type=event.type,
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_by=SYSTEM_ACTOR,
                        created_at=now,
                        updated_at=now,
                    )
                )
                made += 1
            hook.last_event_seq = events[-1].seq
            session.add(hook)
        return made

    # --- deliver ------------------------------------------------------------------------

    async def deliver_due(self, result: PassResult) -> None:
        jobs = await self._claim()
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def run(job: _Job) -> None:
            async with semaphore:
                status_code, error = await self._post(job)
            outcome = await self._record(job, status_code, error)
            if outcome == "succeeded":
                result.succeeded += 1
            elif outcome == "failed":
                result.failed += 1
            elif outcome == "dead":
                result.dead += 1

        outcomes = await asyncio.gather(*(run(job) for job in jobs), return_exceptions=True)
        for job, outcome in zip(jobs, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                # Its lease runs out and it is tried again; the attempt is not counted.
                log.warning(
                    "webhook.delivery_not_recorded",
                    delivery_id=str(job.delivery_id),
                    error=type(outcome).__name__,
                )

    async def _claim(self) -> list[_Job]:
        now = self.clock()
        jobs: list[_Job] = []
        async with self.sessionmaker() as session, session.begin():
            rows = (
                await session.exec(
                    select(WebhookDelivery)
                    .join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
                    .where(col(WebhookDelivery.status).in_(["pending", "failed"]))
                    .where(col(WebhookDelivery.next_attempt_at) <= now)
                    .where(col(Webhook.active).is_(True))
                    .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
                    .limit(DELIVERY_BATCH)
                    .with_for_update(skip_locked=True, of=WebhookDelivery)
                )
            ).all()
            if not rows:
                return jobs
            hooks = {
                h.id: h
                for h in (
                    await session.exec(
                        select(Webhook).where(col(Webhook.id).in_({d.webhook_id for d in rows}))
                    )
                ).all()
            }
            events = {
                e.seq: e
                for e in (
                    await session.exec(
                        select(Event).where(col(Event.seq).in_({d.event_seq for d in rows}))
                    )
                ).all()
            }
            for delivery in rows:
                hook = hooks[delivery.webhook_id]
                event = events[delivery.event_seq]
                delivery.next_attempt_at = now + LEASE  # the lease: nobody else tries it
                session.add(delivery)
                data = payload(event)
                jobs.append(
                    _Job(
                        delivery_id=delivery.id,
                        webhook_id=hook.id,
                        attempts=delivery.attempts,
                        url=hook.url,
                        secret=hook.secret,
                        msg_id=str(data["id"]),
                        event_type=event.type,
                        body=encode_body(data),
                    )
                )
        return jobs

    async def _post(self, job: _Job) -> tuple[int | None, str | None]:
        timestamp = int(self.clock().timestamp())
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": job.msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(job.secret, job.msg_id, timestamp, job.body),
        }
        try:
            target = await check_target(job.url, allow_private=self.allow_private)
        except TargetRefused:
            return None, TARGET_REFUSED
        url, host, extensions = pinned(target)
        try:
            response = await self.client.post(
                url,
                content=job.body,
                headers={**headers, **host},
                extensions=extensions,
                timeout=TIMEOUT_SECONDS,
            )
        except httpx.HTTPError:
            # One reason for every network failure: which one (refused, reset, timed out)
            # would map ports behind the target, and messages can carry the URL.
            return None, DELIVERY_FAILED
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    async def _record(self, job: _Job, status_code: int | None, error: str | None) -> str | None:
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            delivery = (
                await session.exec(
                    select(WebhookDelivery)
                    .where(col(WebhookDelivery.id) == job.delivery_id)
                    .with_for_update()
                )
            ).first()
            if delivery is None or delivery.attempts != job.attempts:
                return None  # someone else recorded this attempt (an expired lease)
            delivery.attempts += 1
            delivery.last_status_code = status_code
            delivery.updated_at = now
            delivery.version += 1
            if error is None:
                delivery.status = "succeeded"
                delivery.delivered_at = now
                delivery.last_error = None
                delivery.next_attempt_at = None
            else:
                delivery.last_error = error[:300]
                wait = next_wait(delivery.attempts) if delivery.attempts < MAX_ATTEMPTS else None
                if wait is None:
                    delivery.status = "dead"
                    delivery.next_attempt_at = None
                else:
                    delivery.status = "failed"
                    delivery.next_attempt_at = now + wait
            session.add(delivery)
            outcome = delivery.status
        log.info(
            "webhook.delivery",
            webhook_id=str(job.webhook_id),
            delivery_id=str(job.delivery_id),
            event_type=job.event_type,
            status=outcome,
            status_code=status_code,
            attempts=job.attempts + 1,
        )
        return outcome


async def run_forever(dispatcher: Dispatcher, interval_seconds: float) -> None:
    """The worker's loop: the app starts it in its lifespan (PLACEMENTS_WEBHOOKS_DISPATCH),
    `placements worker` runs it on its own."""
    while True:
        busy = False
        try:
            result = await dispatcher.run_once()
            busy = result.attempted >= DELIVERY_BATCH
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the loop must outlive a bad pass
            log.warning("webhook.dispatch_pass_failed", error=type(error).__name__)
        if not busy:
            await asyncio.sleep(interval_seconds)
