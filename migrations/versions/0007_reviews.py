"""reviews: reviews (R12-R15, R17) and contact restrictions (R16)

Plain tables and indexes: the same on SQLite and PostgreSQL.

Revision ID: 0007_reviews
Revises: 0006_merge
Create Date: 2026-11-23 10:57:14.556710
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = "0007_reviews"
down_revision: str | Sequence[str] | None = "0006_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_restrictions",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("agreed_with_placing_authority", sa.Boolean(), nullable=False),
        sa.Column("imposed_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imposed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("notify_by", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notified_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notified_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "notification_notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_contact_restrictions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_contact_restrictions_placement_id_placements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_restrictions")),
    )
    with op.batch_alter_table("contact_restrictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_restrictions_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_restrictions_team"), ["team"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("extra", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("previous_review_id", sa.Uuid(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("next_review_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reviews_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_reviews_placement_id_placements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_placement_id"), ["placement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_team"), ["team"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_team"))
        batch_op.drop_index(batch_op.f("ix_reviews_status"))
        batch_op.drop_index(batch_op.f("ix_reviews_placement_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_kind"))

    op.drop_table("reviews")
    with op.batch_alter_table("contact_restrictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_restrictions_team"))
        batch_op.drop_index(batch_op.f("ix_contact_restrictions_placement_id"))

    op.drop_table("contact_restrictions")
