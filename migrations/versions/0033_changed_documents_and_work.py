"""updated_at on documents and work items, for `updated_since` on their lists (issue 13)

Existing rows take their last known change: a document its assurance or receipt, a work
item its closing or opening.

Revision ID: 0033_changed_documents_and_work
Revises: 0031_perf_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0033_changed_documents_and_work"
down_revision: str | Sequence[str] | None = "0031_perf_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_updated_at(table: str, backfill: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(f"UPDATE {table} SET updated_at = {backfill}")
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at",
            existing_type=app.models.base.UTCDateTime(timezone=True),
            nullable=False,
        )


def upgrade() -> None:
    _add_updated_at("documents", "COALESCE(assured_at, received_at)")
    _add_updated_at("work_items", "COALESCE(closed_at, created_at)")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index("ix_work_items_updated", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_updated")
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
