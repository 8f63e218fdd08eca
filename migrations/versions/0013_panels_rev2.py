"""Documents gain their R3 quality assurance: `assured_at`, `assured_by`.

Revision ID: 0013_panels_rev2
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0013_panels_rev2"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("assured_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("assured_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("assured_by")
        batch.drop_column("assured_at")
