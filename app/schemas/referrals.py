"""Referrals: request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.schemas.common import BoundedDate, Input, Output, Patch
from app.schemas.enums import ReferralStatus, Service, Urgency
from app.schemas.people import ExternalIdValue, System

Needs = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ReferralCreate(Input):
    person_id: uuid.UUID
    urgency: Urgency
    service: Service
    needs: Needs
    requested_start: BoundedDate
    external_ids: dict[System, ExternalIdValue] = Field(
        default_factory=dict,
        max_length=20,
        description="Ids in other systems (integration and admin only), unique per system.",
    )


class ReferralUpsert(ReferralCreate):
    """PUT by external id: the referral as the other system holds it. `external_ids` may
    be sent back as GET shows it; the path's id must agree. Once the referral is no longer
    a draft only the fields PATCH allows may differ (R1)."""


class ReferralUpdate(Patch):
    """PATCH a draft or open referral's details; its status moves only by actions."""

    needs: Needs | None = None
    requested_start: BoundedDate | None = None
    external_ids: dict[System, ExternalIdValue] | None = Field(
        default=None,
        max_length=20,
        description="Ids in other systems to link (integration and admin only); a system "
        "the referral already has keeps its id.",
    )


class WithdrawBody(Input):
    reason: Note | None = None


class CloseBody(Input):
    note: Note | None = None


class ReferralRead(Output):
    id: uuid.UUID
    person_id: uuid.UUID
    urgency: Urgency
    service: Service
    needs: str
    requested_start: date
    status: ReferralStatus
    team: str
    submitted_at: datetime | None
    submitted_by: str | None
    closed_at: datetime | None
    withdrawn_reason: str | None
    close_note: str | None
    previous_referral_id: uuid.UUID | None = None
    external_ids: dict[str, str] = Field(default_factory=dict)
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
