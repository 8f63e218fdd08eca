"""The audit export reads audit entries in (occurred_at, id) order: an index for it.

Revision ID: 0009_audit_export
Revises: 0008_merge
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_audit_export"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entries_occurred_at_id", ["occurred_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_occurred_at_id")
