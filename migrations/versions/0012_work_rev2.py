"""The work queue, revision 2 (R18): a version per item (reassignment changes its ETag),
the time its overdue alert went out, and partial indexes on open items in (due_at, id)
order for every way the queue is asked (in place of the plain index on closed_at).

Revision ID: 0012_work_rev2
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0012_work_rev2"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "closed_at IS NULL"
OVERDUE_PENDING = "closed_at IS NULL AND overdue_notified_at IS NULL"

INDEXES: tuple[tuple[str, list[str], str], ...] = (
    ("ix_work_items_open_due", ["due_at", "id"], OPEN),
    ("ix_work_items_open_user_due", ["assignee_user", "due_at", "id"], OPEN),
    ("ix_work_items_open_team_due", ["assignee_team", "due_at", "id"], OPEN),
    ("ix_work_items_open_scope_due", ["scope_team", "due_at", "id"], OPEN),
    ("ix_work_items_overdue_pending", ["due_at"], OVERDUE_PENDING),
)


def upgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(
            sa.Column(
                "overdue_notified_at", app.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    # Closed items keep the ETag "2" they had. Items already overdue get their one
    # `work_item.overdue` from the worker's first pass.
    op.execute("UPDATE work_items SET version = 2 WHERE closed_at IS NOT NULL")
    # The partial indexes replace the plain one on closed_at, which planners preferred
    # (every open item, then a sort).
    op.drop_index("ix_work_items_closed_at", table_name="work_items")
    for name, columns, where in INDEXES:
        op.create_index(
            name,
            "work_items",
            columns,
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _columns, _where in INDEXES:
        op.drop_index(name, table_name="work_items")
    op.create_index("ix_work_items_closed_at", "work_items", ["closed_at"], unique=False)
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("overdue_notified_at")
        batch_op.drop_column("version")
