"""Webhook subscriptions (admin only) and their delivery log. The secret is returned once,
at creation, and never logged; the audit trail records the change without it (R19)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import col, select

from app.context import Context
from app.domain.webhooks import generate_secret
from app.ids import uuid7
from app.models import EventCounter, Webhook, WebhookDelivery
from app.pagination import PageParams, encode_cursor
from app.schemas.webhooks import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from app.services.common import fetch_page, load_for_change, load_visible
from app.webhook_targets import require_allowed

MANAGE = "webhooks.manage"


def _read(webhook: Webhook) -> WebhookRead:
    return WebhookRead.model_validate(webhook)


def _audit_view(webhook: Webhook) -> dict[str, Any]:
    return _read(webhook).model_dump(mode="json")


def delivery_read(delivery: WebhookDelivery) -> DeliveryRead:
    return DeliveryRead(
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        event_id=encode_cursor(delivery.event_seq),
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
    )


async def create_webhook(ctx: Context, body: WebhookCreate) -> WebhookCreated:
    ctx.principal.require(MANAGE)
    await require_allowed(body.url, allow_private=ctx.settings.webhooks_allow_private)
    async with ctx.uow() as uow:
        # Start at the feed's end: a new subscription gets the events committed after it.
        counter = await uow.session.get(EventCounter, 1)
        webhook = Webhook(
            id=uuid7(),
            url=body.url,
            event_types=list(body.event_types),
            active=body.active,
            description=body.description,
            secret=generate_secret(),
            last_event_seq=counter.value if counter is not None else 0,
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(webhook)
        await uow.flush()
        uow.audit("webhook.created", "webhook", webhook.id, after=_audit_view(webhook))
        return WebhookCreated(**_read(webhook).model_dump(), secret=webhook.secret)


async def get_webhook(ctx: Context, webhook_id: uuid.UUID) -> WebhookRead:
    ctx.principal.require(MANAGE)
    async with ctx.uow() as uow:
        return _read(await load_visible(uow, Webhook, webhook_id))


async def list_webhooks(
    ctx: Context, active: bool | None, page: PageParams
) -> tuple[list[WebhookRead], str | None]:
    ctx.principal.require(MANAGE)
    async with ctx.uow() as uow:
        stmt = select(Webhook)
        if active is not None:
            stmt = stmt.where(col(Webhook.active) == active)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Webhook.id), page)
        return [_read(w) for w in rows], next_cursor


async def update_webhook(
    ctx: Context, webhook_id: uuid.UUID, body: WebhookUpdate, if_match: str | None
) -> WebhookRead:
    ctx.principal.require(MANAGE)
    if body.url is not None:
        await require_allowed(body.url, allow_private=ctx.settings.webhooks_allow_private)
    async with ctx.uow() as uow:
        webhook = await load_for_change(uow, Webhook, webhook_id, MANAGE, if_match)
        changes = body.changes()
        before = _audit_view(webhook)
        for name, value in changes.items():
            setattr(webhook, name, list(value) if name == "event_types" else value)
        uow.touch(webhook)
        await uow.flush()
        after = _audit_view(webhook)
        uow.audit("webhook.updated", "webhook", webhook.id, before=before, after=after)
        return _read(webhook)


async def list_deliveries(
    ctx: Context, webhook_id: uuid.UUID, status: str | None, page: PageParams
) -> tuple[list[DeliveryRead], str | None]:
    ctx.principal.require(MANAGE)
    async with ctx.uow() as uow:
        await load_visible(uow, Webhook, webhook_id)
        stmt = select(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == webhook_id)
        if status:
            stmt = stmt.where(col(WebhookDelivery.status) == status)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(WebhookDelivery.id), page)
        return [delivery_read(d) for d in rows], next_cursor
