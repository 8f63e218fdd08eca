"""placements: matches (R5), placements (R7), funding requests (R6)

The partial unique indexes hold R5 and R7 in the database on SQLite and PostgreSQL.

Revision ID: 0004_placements
Revises: 0002_referrals
Create Date: 2026-11-23 09:40:20.709326
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.models.base


revision: str = "0004_placements"
down_revision: str | Sequence[str] | None = "0002_referrals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matches",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("accepted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("placed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_matches_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_matches_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_matches_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_matches_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_team"), ["team"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_vacancy_id"), ["vacancy_id"], unique=False)
        batch_op.create_index(
            "uq_matches_accepted_referral",
            ["referral_id"],
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.create_index(
            "uq_matches_holding_vacancy",
            ["vacancy_id"],
            unique=True,
            sqlite_where=sa.text("status = 'accepted' AND placed_at IS NULL"),
            postgresql_where=sa.text("status = 'accepted' AND placed_at IS NULL"),
        )

    op.create_table(
        "placements",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("match_id", sa.Uuid(), nullable=True),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("ended_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("courtesy_call_on", sa.Date(), nullable=True),
        sa.Column("courtesy_call_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "courtesy_call_notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_placements_match_id_matches")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_placements_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_placements_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_placements_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_placements_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_placements_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_placements_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_placements_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_team"), ["team"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_vacancy_id"), ["vacancy_id"], unique=False)
        batch_op.create_index(
            "uq_placements_active_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "funding_requests",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("weekly_cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("one_off_cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("submitted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_funding_requests_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_funding_requests_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_funding_requests_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_requests")),
    )
    with op.batch_alter_table("funding_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_requests_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_funding_requests_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_funding_requests_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_funding_requests_team"), ["team"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("funding_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_requests_team"))
        batch_op.drop_index(batch_op.f("ix_funding_requests_status"))
        batch_op.drop_index(batch_op.f("ix_funding_requests_referral_id"))
        batch_op.drop_index(batch_op.f("ix_funding_requests_placement_id"))

    op.drop_table("funding_requests")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placements_active_person",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_placements_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_placements_team"))
        batch_op.drop_index(batch_op.f("ix_placements_status"))
        batch_op.drop_index(batch_op.f("ix_placements_referral_id"))
        batch_op.drop_index(batch_op.f("ix_placements_provider_id"))
        batch_op.drop_index(batch_op.f("ix_placements_person_id"))

    op.drop_table("placements")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_matches_holding_vacancy",
            sqlite_where=sa.text("status = 'accepted' AND placed_at IS NULL"),
            postgresql_where=sa.text("status = 'accepted' AND placed_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_matches_accepted_referral",
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index(batch_op.f("ix_matches_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_matches_team"))
        batch_op.drop_index(batch_op.f("ix_matches_status"))
        batch_op.drop_index(batch_op.f("ix_matches_referral_id"))
        batch_op.drop_index(batch_op.f("ix_matches_provider_id"))

    op.drop_table("matches")
