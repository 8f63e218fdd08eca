"""Webhooks (`/v1/webhooks`): subscriptions to the change feed and their deliveries.
Admin only. A webhook is never deleted: PATCH `active: false` switches it off."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.enums import DeliveryStatus
from app.schemas.webhooks import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from app.services import webhooks as service

router = APIRouter(tags=["webhooks"])


@router.get("/v1/webhooks", responses=problem_responses(403))
async def list_webhooks(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    active: bool | None = None,
) -> Page[WebhookRead]:
    """Webhook subscriptions, optionally only the active (or inactive) ones. Secrets are
    never listed."""
    return page(request, response, await service.list_webhooks(ctx, active, paging))


@router.post("/v1/webhooks", status_code=201, responses=problem_responses(403, 413, 415))
async def create_webhook(
    request: Request, response: Response, ctx: Ctx, body: WebhookCreate
) -> WebhookCreated:
    """Subscribe an endpoint to change-feed events committed from now on. `url` must be
    https (plain http only to 127.0.0.1 or localhost, for development). `event_types` holds
    prefixes (`referral.`) or exact types (`person.created`); empty means every event.

    The response carries the signing `secret` (`whsec_...`) this once: keep it, it is never
    shown again. Deliveries follow Standard Webhooks (see docs/webhooks.md)."""
    webhook = await service.create_webhook(ctx, body)
    created(response, request, f"/v1/webhooks/{webhook.id}")
    return with_etag(response, webhook)


@router.get("/v1/webhooks/{webhook_id}", responses=problem_responses(403, 404))
async def get_webhook(webhook_id: uuid.UUID, response: Response, ctx: Ctx) -> WebhookRead:
    """One webhook, with its ETag (never its secret)."""
    return with_etag(response, await service.get_webhook(ctx, webhook_id))


@router.patch("/v1/webhooks/{webhook_id}", responses=problem_responses(403, 404, 412, 413, 415))
async def update_webhook(
    webhook_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: WebhookUpdate,
    if_match: IfMatch = None,
) -> WebhookRead:
    """Change `url`, `event_types`, `description` or `active`; `active: false` stops
    deliveries (webhooks are never deleted). Send `If-Match` with the ETag you read."""
    return with_etag(response, await service.update_webhook(ctx, webhook_id, body, if_match))


@router.get("/v1/webhooks/{webhook_id}/deliveries", responses=problem_responses(403, 404))
async def list_webhook_deliveries(
    webhook_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    status: DeliveryStatus | None = None,
) -> Page[DeliveryRead]:
    """A webhook's deliveries, one per event, oldest first, optionally by status:
    `pending` (not tried yet), `failed` (will be retried at `next_attempt_at`),
    `succeeded`, or `dead` (given up after 6 attempts)."""
    return page(request, response, await service.list_deliveries(ctx, webhook_id, status, paging))
