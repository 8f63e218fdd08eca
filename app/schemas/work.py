"""The work queue (R18): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from app.pagination import Page
from app.schemas.common import Assignee, Input, SubjectRef
from app.schemas.enums import WorkState


class WorkSubject(SubjectRef):
    href: str | None = Field(
        description="The API path of the subject, e.g. `/v1/referrals/{id}`.",
        examples=["/v1/referrals/0190c3a0-0000-7000-8000-000000000000"],
    )


class WorkItemRead(BaseModel):
    id: uuid.UUID
    kind: str
    rule: str
    title: str = Field(description="Shown as is: what is owed, with no personal data.")
    subject: WorkSubject
    assignee: Assignee
    due_at: datetime
    state: WorkState
    created_at: datetime
    closed_at: datetime | None = None
    updated_at: datetime = Field(
        description="Its last change (opened, reassigned, closed): what `updated_since` compares."
    )
    version: int = 1


class WorkCounts(BaseModel):
    upcoming: int
    due: int
    overdue: int


class WorkPage(Page[WorkItemRead]):
    counts: WorkCounts | None = Field(
        default=None, description="With `?count=true`: the whole filter's items by state."
    )


class WorkSummaryRow(WorkCounts):
    assignee: Assignee


class WorkSummary(BaseModel):
    items: list[WorkSummaryRow]


class WorkAssign(Input):
    """Exactly one of `user` or `team`: who owes the item from now on."""

    user: str | None = Field(default=None, min_length=1, max_length=200)
    team: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _exactly_one(self) -> WorkAssign:
        if (self.user is None) == (self.team is None):
            raise ValueError("give exactly one of user or team")
        return self
