"""Panels and panel bookings: request and response bodies (R3, R4)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import Field, StringConstraints, WithJsonSchema

from app.schemas.common import Input, Output
from app.schemas.enums import PanelBookingStatus, PanelKind, PanelOutcome

BookingStatus = PanelBookingStatus
Outcome = PanelOutcome
Location = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ActionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
PanelDate = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
# A Europe/London wall-clock time, declared with a pattern: JSON Schema's `format: time`
# requires an offset, which a panel's local start time has not (API.md revision 2).
WallClockTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "A Europe/London wall-clock time, `HH:MM[:SS]`.",
        }
    ),
]


class PanelCreate(Input):
    kind: PanelKind
    date: PanelDate = Field(description="The day the panel meets (Europe/London).")
    start_time: WallClockTime | None = Field(default=None, description="Local time it starts.")
    location: Location | None = None
    notes: Notes | None = None


class PanelRead(Output):
    id: uuid.UUID
    kind: PanelKind
    date: dt.date
    start_time: WallClockTime | None
    location: str | None
    notes: str | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class PanelBookingCreate(Input):
    referral_id: uuid.UUID
    panel_id: uuid.UUID
    funding_request_id: uuid.UUID | None = Field(
        default=None,
        description="A funding panel booking names the referral's funding request it "
        "decides (R6); required for a funding panel, not given for practice assurance.",
    )


class AttachDocumentBody(Input):
    document_id: uuid.UUID = Field(description="A document uploaded to the booking's referral.")
    accept_late: bool = Field(
        default=False,
        description="A panel member accepts a document after the deadline (R3); recorded.",
    )


class DecisionBody(Input):
    outcome: Outcome
    actions: list[ActionText] = Field(
        default_factory=list,
        max_length=50,
        description="Required, and only allowed, with approved_with_actions (R4).",
    )
    notes: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
        | None
    ) = None


class AttachedDocumentRead(Output):
    document_id: uuid.UUID
    kind: str
    attached_at: dt.datetime
    attached_by: str
    late: bool = Field(description="Attached after documents_due_at (R3).")
    assured: bool = Field(
        description="The document has been quality-assured by a team manager (R3); only "
        "then does it count toward the booking."
    )
    accepted_late_by: str | None
    accepted_late_at: dt.datetime | None


class PanelActionRead(Output):
    id: uuid.UUID
    description: str
    done: bool
    done_at: dt.datetime | None
    done_by: str | None


class PanelBookingRead(Output):
    id: uuid.UUID
    referral_id: uuid.UUID
    panel_id: uuid.UUID
    panel_kind: PanelKind
    panel_date: dt.date
    team: str
    status: BookingStatus
    documents_due_on: dt.date | None = Field(
        description="3 working days before the panel date (R3); null for a funding panel."
    )
    documents_due_at: dt.datetime | None = Field(
        description="23:59:59 Europe/London on documents_due_on (R3)."
    )
    required_documents: list[str]
    funding_request_id: uuid.UUID | None = None
    missing_documents: list[str] = Field(
        description="Required kinds with no document attached to this booking and "
        "quality-assured by a team manager (R3); approval waits until it is empty."
    )
    documents: list[AttachedDocumentRead]
    decision: Outcome | None
    decision_notes: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    actions: list[PanelActionRead]
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
