"""Pieces shared by every area's schemas."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Team = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Pence = Annotated[int, Field(ge=0, le=10**11, strict=True, description="Integer pence, GBP.")]


class Input(BaseModel):
    """Request bodies refuse unknown fields: no mass assignment, no server-owned fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SubjectRef(BaseModel):
    type: str
    id: uuid.UUID


class Assignee(BaseModel):
    user: str | None = None
    team: str | None = None


class Reason(Input):
    reason: LongText | None = None


Cohort = Literal["child", "adult"]
Service = Literal["foster_care", "residential", "supported_living", "shared_lives"]
