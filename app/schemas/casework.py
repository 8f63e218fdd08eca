"""Casework (R9): request and response bodies for episodes, contacts and the checkpoint."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.schemas.common import BoundedDate, Input, LongText, Output
from app.schemas.enums import ContactMethod, EpisodeStatus

UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Who = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ContactCreate(Input):
    """A casework contact with the foster carers or the family on the adult record. Direct
    work with the child alone is a case note (`psw_direct_work_with_child`, R10), not this."""

    contact_on: BoundedDate
    method: ContactMethod
    with_whom: Who
    summary: LongText


class ContactRead(Output):
    id: uuid.UUID
    episode_id: uuid.UUID
    support_request_id: uuid.UUID
    number: int = Field(description="1-10: its place in the episode.")
    contact_on: date
    method: ContactMethod
    with_whom: str
    summary: str
    recorded_by: str
    recorded_at: datetime


class CheckpointBody(Input):
    """R9: "is placement support still required?" and who completed the answer."""

    still_required: bool
    completed_by: UserId


class EpisodeRead(Output):
    id: uuid.UUID
    support_request_id: uuid.UUID
    team: str
    support_worker: str
    sequence: int
    contact_count: int
    contact_limit: int = Field(description="Contacts before the checkpoint (policy, R9).")
    status: EpisodeStatus
    previous_episode_id: uuid.UUID | None
    next_episode_id: uuid.UUID | None
    checkpoint_due_at: datetime | None
    still_required: bool | None
    completed_by: str | None
    answered_by: str | None
    answered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
