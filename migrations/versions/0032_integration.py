"""integration: external ids of providers, referrals and placements (issue 13)

Revision ID: 0032_integration
Revises: 0030_ssda903
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0032_integration"
down_revision: str | Sequence[str] | None = "0030_ssda903"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "record_external_ids",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", _string(30), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("system", _string(50), nullable=False),
        sa.Column("external_id", _string(200), nullable=False),
        sa.Column("created_by", _string(200), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_external_ids")),
        sa.UniqueConstraint(
            "kind",
            "system",
            "external_id",
            name=op.f("uq_record_external_ids_kind_system_external_id"),
        ),
    )
    with op.batch_alter_table("record_external_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_external_ids_record_id"), ["record_id"])


def downgrade() -> None:
    with op.batch_alter_table("record_external_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_external_ids_record_id"))
    op.drop_table("record_external_ids")
