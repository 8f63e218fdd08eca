"""panels

Revision ID: 0003_panels
Revises: 0002_referrals
Create Date: 2026-11-23 09:38:49.427195
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.models.base


revision: str = "0003_panels"
down_revision: str | Sequence[str] | None = "0002_referrals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panels_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_panels_kind"), ["kind"], unique=False)

    op.create_table(
        "panel_bookings",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("panel_id", sa.Uuid(), nullable=False),
        sa.Column("panel_kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("panel_date", sa.Date(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "required_documents",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("documents_due_on", sa.Date(), nullable=True),
        sa.Column("documents_due_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("decision_notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_bookings_panel_id_panels")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_panel_bookings_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_bookings")),
    )
    with op.batch_alter_table("panel_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_bookings_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_panel_bookings_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_panel_bookings_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_bookings_team"), ["team"], unique=False)

    op.create_table(
        "panel_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["panel_bookings.id"],
            name=op.f("fk_panel_actions_booking_id_panel_bookings"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_panel_actions_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_actions")),
    )
    with op.batch_alter_table("panel_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_actions_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_panel_actions_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "panel_booking_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("attached_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attached_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("accepted_late_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("accepted_late_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["panel_bookings.id"],
            name=op.f("fk_panel_booking_documents_booking_id_panel_bookings"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_panel_booking_documents_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_booking_documents")),
        sa.UniqueConstraint(
            "booking_id",
            "document_id",
            name=op.f("uq_panel_booking_documents_booking_id_document_id"),
        ),
    )
    with op.batch_alter_table("panel_booking_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_booking_documents_booking_id"), ["booking_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_booking_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_booking_documents_booking_id"))

    op.drop_table("panel_booking_documents")
    with op.batch_alter_table("panel_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_actions_referral_id"))
        batch_op.drop_index(batch_op.f("ix_panel_actions_booking_id"))

    op.drop_table("panel_actions")
    with op.batch_alter_table("panel_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_bookings_team"))
        batch_op.drop_index(batch_op.f("ix_panel_bookings_status"))
        batch_op.drop_index(batch_op.f("ix_panel_bookings_referral_id"))
        batch_op.drop_index(batch_op.f("ix_panel_bookings_panel_id"))

    op.drop_table("panel_bookings")
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panels_kind"))
        batch_op.drop_index(batch_op.f("ix_panels_date"))

    op.drop_table("panels")
