"""Placements (R7) and the duty tracker (R2): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.schemas.common import BoundedDate, Input, Output
from app.schemas.enums import (
    FollowUpKind,
    PlacementStatus,
    RecordedFollowUpKind,
    SustainabilityOutcome,
)
from app.schemas.people import ExternalIdValue, System
from app.schemas.returns import (
    PlacementProvider,
    PlacementType,
    Postcode,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
PurchaseOrderRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]


class PlacementCreate(Input):
    """Confirm a placement for a referral (R7). `match_id` defaults to the referral's
    accepted match; `vacancy_id` to the match's vacancy."""

    referral_id: uuid.UUID
    match_id: uuid.UUID | None = None
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    start_date: BoundedDate
    # The SSDA903 return: PLACE derives from the provider's service and PLACE_PROVIDER
    # from in-house/external when not given; RNE from the history.
    placement_type: PlacementType | None = None
    placement_provider: PlacementProvider | None = None
    reason_new_episode: ReasonNewEpisode | None = None
    home_postcode: Postcode | None = None
    placement_postcode: Postcode | None = None
    external_ids: dict[System, ExternalIdValue] = Field(
        default_factory=dict,
        max_length=20,
        description="Ids in other systems (integration and admin only), unique per system.",
    )


class PlacementEnd(Input):
    end_date: BoundedDate
    reason: Note
    # The SSDA903 return: REC when the child leaves care; the reason for the change when
    # the child moves on to another placement (its episode ceases X1).
    reason_episode_ceased: ReasonEpisodeCeased | None = None
    reason_place_change: ReasonPlaceChange | None = None


class PlacementUpdate(Input):
    """PATCH an active placement: its planned move-out date (R7), or link external ids
    (integration and admin only; a system the placement already has keeps its id)."""

    planned_end_on: BoundedDate | None = None
    external_ids: dict[System, ExternalIdValue] | None = Field(default=None, max_length=20)


class ArrangingSupportBody(Input):
    """R22 (seed 003 step 12): the placement confirmation sent to the Arranging Support
    team, copying the provider, and whether the property's baseline (re-ratio) or night
    provision must change for the other tenants."""

    sent_on: BoundedDate
    provider_copied: bool
    re_ratio_required: bool
    night_provision_changed: bool
    purchase_order_ref: PurchaseOrderRef | None = None


class ArrangingSupportRead(BaseModel):
    sent_on: date
    provider_copied: bool
    re_ratio_required: bool
    night_provision_changed: bool
    purchase_order_ref: str | None
    recorded_by: str
    recorded_at: datetime


class FollowUpBody(Input):
    """R2: a follow-up of an emergency referral the placements team records."""

    kind: RecordedFollowUpKind
    done_on: BoundedDate | None = None
    note: Note | None = None
    outcome: SustainabilityOutcome | None = Field(
        default=None, description="sustainability_reviewed only: sustain or plan_move."
    )


class FollowUpRead(Output):
    id: uuid.UUID
    referral_id: uuid.UUID
    kind: RecordedFollowUpKind
    done_on: date
    note: str | None
    outcome: SustainabilityOutcome | None
    planned_referral_id: uuid.UUID | None = Field(
        description="plan_move: the draft planned referral opened for the person (R2)."
    )
    recorded_by: str
    recorded_at: datetime


class CourtesyCall(Input):
    """R2: the courtesy call to the carer after an emergency placement."""

    called_on: BoundedDate | None = None
    notes: Note | None = None


class PlacementRead(Output):
    id: uuid.UUID
    person_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None
    referral_id: uuid.UUID
    match_id: uuid.UUID | None
    team: str
    start_date: date
    end_date: date | None
    end_reason: str | None
    status: PlacementStatus
    emergency: bool
    ended_at: datetime | None
    ended_by: str | None
    courtesy_call_on: date | None
    courtesy_call_by: str | None
    courtesy_call_notes: str | None
    planned_end_on: date | None = None
    arranging_support: ArrangingSupportRead | None = Field(
        default=None, description="R22: null until recorded."
    )
    placement_type: str | None
    placement_provider: str | None
    reason_new_episode: str | None
    home_postcode: str | None
    placement_postcode: str | None
    reason_episode_ceased: str | None
    reason_place_change: str | None
    external_ids: dict[str, str] = Field(default_factory=dict)
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class FollowUp(BaseModel):
    kind: FollowUpKind
    done: bool


class DutyTrackerItem(BaseModel):
    """An open emergency referral and its R2 follow-ups."""

    referral_id: uuid.UUID
    person_id: uuid.UUID
    team: str
    referral_status: str
    opened_at: datetime | None
    placement_id: uuid.UUID | None
    follow_ups: list[FollowUp]
