"""Work items (R18): every deadline, owed by a user or a team, until closed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, id_field, time_field

# The queue reads open items only, in (due_at, id) order: partial indexes on both
# databases, one per way of asking (everything, by assignee user, by team, by the team
# whose case it is), and one for the worker's search for items not yet alerted overdue.
# (A plain index on closed_at would draw planners to "closed_at = NULL" and a sort.)
OPEN = "closed_at IS NULL"
OVERDUE_PENDING = "closed_at IS NULL AND overdue_notified_at IS NULL"


def _open_index(name: str, *columns: str, where: str = OPEN) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_items"
    __table_args__ = (
        _open_index("ix_work_items_open_due", "due_at", "id"),
        _open_index("ix_work_items_open_user_due", "assignee_user", "due_at", "id"),
        _open_index("ix_work_items_open_team_due", "assignee_team", "due_at", "id"),
        _open_index("ix_work_items_open_scope_due", "scope_team", "due_at", "id"),
        _open_index("ix_work_items_overdue_pending", "due_at", where=OVERDUE_PENDING),
        # `GET /v1/work?updated_since=`: items changed (closed ones too) since an instant.
        Index("ix_work_items_updated", "updated_at", "id"),
    )

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=60)
    rule: str = Field(max_length=10, index=True)
    title: str = Field(max_length=300)
    subject_type: str = Field(max_length=50)
    subject_id: uuid.UUID = Field(index=True)
    assignee_user: str | None = Field(default=None, max_length=200, index=True)
    assignee_team: str | None = Field(default=None, max_length=100, index=True)
    # The team whose people the subject concerns: scopes who may see the item.
    scope_team: str | None = Field(default=None, max_length=100)
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = time_field(nullable=False)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=200)
    closed_reason: str | None = Field(default=None, max_length=100)
    # The ETag: 1 when opened, one more at each reassignment and at closing.
    version: int = Field(default=1, nullable=False)
    # Last change (opened, reassigned, acknowledged or closed, moved with its person):
    # `updated_since` on `GET /v1/work`.
    updated_at: datetime = time_field(nullable=False)
    # When the worker emitted `work_item.overdue` for it (once per item).
    overdue_notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
