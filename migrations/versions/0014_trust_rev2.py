"""Idempotency keys carry a lease: who holds an in-flight key (`owner`) and until when
(`locked_until`); a retry may take over a key whose lease ran out (decision 0005).

Revision ID: 0014_trust_rev2
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0014_trust_rev2"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("locked_until", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("owner")
