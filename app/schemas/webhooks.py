"""Webhooks and their deliveries: request and response bodies. The secret is only in
the create response."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.domain.webhooks import url_problem
from app.schemas.common import Input, Output, Patch
from app.schemas.enums import DeliveryStatus


def _target(url: str) -> str:
    problem = url_problem(url)
    if problem is not None:
        raise ValueError(f"url {problem}")
    return url


TargetUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_target),
]
EventType = Annotated[
    str,
    StringConstraints(max_length=100, pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$"),
]
EventTypes = Annotated[
    list[EventType],
    Field(
        max_length=50,
        description='Prefixes ending in "." (`referral.`) or exact types (`person.created`); '
        "empty means every event.",
    ),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class WebhookCreate(Input):
    url: TargetUrl
    event_types: EventTypes = []
    description: Description | None = None
    active: bool = True


class WebhookUpdate(Patch):
    clearable = frozenset({"description"})

    url: TargetUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    active: bool | None = None


class WebhookRead(Output):
    id: uuid.UUID
    url: str
    event_types: list[str]
    active: bool
    description: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class WebhookCreated(WebhookRead):
    secret: str = Field(
        description="`whsec_<base64>`: the key that signs deliveries. Shown only here, once."
    )


class DeliveryRead(Output):
    id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: str = Field(description="The event's id in the change feed (`GET /v1/events`).")
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
