"""Placement support (R8-R11): support requests, casework episodes and contacts,
supervisions, case notes (R10).

Revision ID: 0005_support
Revises: 0002_referrals
Create Date: 2026-11-23 09:39:18.667606
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = "0005_support"
down_revision: str | Sequence[str] | None = "0002_referrals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column(
            "alerts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_notes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_notes_team"), ["team"], unique=False)

    op.create_table(
        "support_requests",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
        sa.Column("submitted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("allocated", sa.Boolean(), nullable=True),
        sa.Column("allocated_on", sa.Date(), nullable=True),
        sa.Column("support_worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("nfa_reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_support_requests_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
    )
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_requests_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_requests_support_worker"), ["support_worker"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_requests_team"), ["team"], unique=False)

    op.create_table(
        "casework_episodes",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("support_request_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("support_worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
        sa.Column("previous_episode_id", sa.Uuid(), nullable=True),
        sa.Column("next_episode_id", sa.Uuid(), nullable=True),
        sa.Column("checkpoint_due_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("still_required", sa.Boolean(), nullable=True),
        sa.Column("completed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("answered_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["support_request_id"],
            ["support_requests.id"],
            name=op.f("fk_casework_episodes_support_request_id_support_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_episodes")),
        sa.UniqueConstraint(
            "support_request_id",
            "sequence",
            name=op.f("uq_casework_episodes_support_request_id_sequence"),
        ),
    )
    with op.batch_alter_table("casework_episodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casework_episodes_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_casework_episodes_support_request_id"),
            ["support_request_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_casework_episodes_team"), ["team"], unique=False)

    op.create_table(
        "casework_contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("support_request_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("contact_on", sa.Date(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("with_whom", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["casework_episodes.id"],
            name=op.f("fk_casework_contacts_episode_id_casework_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["support_request_id"],
            ["support_requests.id"],
            name=op.f("fk_casework_contacts_support_request_id_support_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_contacts")),
        sa.UniqueConstraint(
            "episode_id", "number", name=op.f("uq_casework_contacts_episode_id_number")
        ),
    )
    with op.batch_alter_table("casework_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_contacts_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_casework_contacts_support_request_id"),
            ["support_request_id"],
            unique=False,
        )

    op.create_table(
        "supervisions",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("support_request_id", sa.Uuid(), nullable=False),
        sa.Column("casework_episode_id", sa.Uuid(), nullable=True),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("support_worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("previous_supervision_id", sa.Uuid(), nullable=True),
        sa.Column("next_supervision_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["casework_episode_id"],
            ["casework_episodes.id"],
            name=op.f("fk_supervisions_casework_episode_id_casework_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["support_request_id"],
            ["support_requests.id"],
            name=op.f("fk_supervisions_support_request_id_support_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisions")),
    )
    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisions_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervisions_support_request_id"), ["support_request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisions_support_worker"), ["support_worker"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervisions_team"), ["team"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisions_team"))
        batch_op.drop_index(batch_op.f("ix_supervisions_support_worker"))
        batch_op.drop_index(batch_op.f("ix_supervisions_support_request_id"))
        batch_op.drop_index(batch_op.f("ix_supervisions_status"))

    op.drop_table("supervisions")
    with op.batch_alter_table("casework_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_contacts_support_request_id"))
        batch_op.drop_index(batch_op.f("ix_casework_contacts_episode_id"))

    op.drop_table("casework_contacts")
    with op.batch_alter_table("casework_episodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_episodes_team"))
        batch_op.drop_index(batch_op.f("ix_casework_episodes_support_request_id"))
        batch_op.drop_index(batch_op.f("ix_casework_episodes_status"))

    op.drop_table("casework_episodes")
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_requests_team"))
        batch_op.drop_index(batch_op.f("ix_support_requests_support_worker"))
        batch_op.drop_index(batch_op.f("ix_support_requests_status"))
        batch_op.drop_index(batch_op.f("ix_support_requests_provider_id"))

    op.drop_table("support_requests")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_notes_team"))
        batch_op.drop_index(batch_op.f("ix_case_notes_person_id"))

    op.drop_table("case_notes")
