"""Pieces shared by every area's schemas."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, ClassVar, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from typing_extensions import TypedDict

from app.problems import ValidationFailed

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Team = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
# Every plain date a request carries (bodies and query strings) lies in these years, so no
# date arithmetic (a due date, an interval, a working-day count) can overflow: domain
# rules check tighter bounds where they have them.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
BoundedDate = Annotated[
    date,
    Field(ge=EARLIEST_DATE, le=LATEST_DATE, description="A date in 1900-01-01..2100-12-31."),
]
Pence = Annotated[int, Field(ge=0, le=10**11, strict=True, description="Integer pence, GBP.")]


class Input(BaseModel):
    """Request bodies refuse unknown fields: no mass assignment, no server-owned fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Input):
    """A PATCH body: only the fields sent change. A field sent as an explicit null is
    refused (422 `validation_error`, the field in `loc`) unless it is `clearable`."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    def changes(self) -> dict[str, Any]:
        """The fields sent, by name; raises on an explicit null of a field that must keep
        a value."""
        changes = self.model_dump(exclude_unset=True)
        for name, value in changes.items():
            if value is None and name not in self.clearable:
                raise ValidationFailed(
                    f"{name} cannot be null.",
                    errors=[{"loc": ["body", name], "msg": "may not be null"}],
                )
        return changes


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SubjectRef(BaseModel):
    type: str
    id: uuid.UUID


class AssigneeOut(TypedDict, total=False):
    user: str
    team: str


class Assignee(BaseModel):
    """Who owes a work item: `{"user": ...}` or `{"team": ...}`, never both."""

    user: str | None = None
    team: str | None = None

    @model_serializer(mode="wrap", return_type=AssigneeOut)
    def _only_the_owner(self, handler: SerializerFunctionWrapHandler) -> AssigneeOut:
        return cast(AssigneeOut, {k: v for k, v in handler(self).items() if v is not None})

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Answered as the object itself, not as a `$ref` to `AssigneeOut` (an alias a
        client generator would make a second model of)."""
        if handler.mode != "serialization":
            return handler(core_schema)
        return {
            "type": "object",
            "title": "Assignee",
            "description": "Who owes a work item: `user` or `team`, never both.",
            "properties": {"user": {"type": "string"}, "team": {"type": "string"}},
        }


class Reason(Input):
    reason: LongText | None = None
