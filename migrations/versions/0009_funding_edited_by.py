"""Funding requests remember who created, edited or submitted them (R6 four eyes).

Revision ID: 0009_funding_edited_by
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0009_funding_edited_by"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("funding_requests") as batch:
        batch.add_column(
            sa.Column("edited_by", JSON_TYPE, nullable=False, server_default=sa.text("'[]'"))
        )
    # Requests already made: their author, and whoever submitted them, edited them.
    table = sa.table(
        "funding_requests",
        sa.column("id", sa.Uuid()),
        sa.column("created_by", sa.String()),
        sa.column("submitted_by", sa.String()),
        sa.column("edited_by", JSON_TYPE),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.created_by, table.c.submitted_by)).all()
    for row in rows:
        subs = [row.created_by]
        if row.submitted_by and row.submitted_by not in subs:
            subs.append(row.submitted_by)
        bind.execute(table.update().where(table.c.id == row.id).values(edited_by=subs))


def downgrade() -> None:
    with op.batch_alter_table("funding_requests") as batch:
        batch.drop_column("edited_by")
