"""pathway revision 2: funding follows the match (R6), emergency follow-ups (R2),
planned end and arranging support on placements (R7, R22), provider Ofsted URN, the
funding request a funding panel booking decides.

Columns are added with batch_alter_table so that SQLite can take the foreign keys.

Revision ID: 0010_pathway_rev2
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0010_pathway_rev2"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("funding_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("cost_breakdown", app.models.base.JSONType, nullable=True))
        batch_op.add_column(sa.Column("moving_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_funding_requests_match_id"), ["match_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_funding_requests_match_id_matches"), "matches", ["match_id"], ["id"]
        )

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_referral_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_referrals_previous_referral_id"), ["previous_referral_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_referrals_previous_referral_id_referrals"),
            "referrals",
            ["previous_referral_id"],
            ["id"],
        )

    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_end_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("arranging_support_sent_on", sa.Date(), nullable=True))
        for name in (
            "arranging_support_provider_copied",
            "arranging_support_re_ratio_required",
            "arranging_support_night_provision_changed",
        ):
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("arranging_support_purchase_order_ref", _text(100), nullable=True)
        )
        batch_op.add_column(sa.Column("arranging_support_recorded_by", _text(200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "arranging_support_recorded_at",
                app.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ofsted_urn", _text(20), nullable=True))

    with op.batch_alter_table("panel_bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("funding_request_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_panel_bookings_funding_request_id"), ["funding_request_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_panel_bookings_funding_request_id_funding_requests"),
            "funding_requests",
            ["funding_request_id"],
            ["id"],
        )

    op.create_table(
        "referral_follow_ups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("team", _text(100), nullable=False),
        sa.Column("kind", _text(40), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", _text(2000), nullable=True),
        sa.Column("outcome", _text(20), nullable=True),
        sa.Column("planned_referral_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", _text(200), nullable=False),
        sa.Column("recorded_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_follow_ups_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["planned_referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_follow_ups_planned_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_follow_ups")),
        sa.UniqueConstraint(
            "referral_id", "kind", name=op.f("uq_referral_follow_ups_referral_id_kind")
        ),
    )
    with op.batch_alter_table("referral_follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_follow_ups_referral_id"), ["referral_id"])
        batch_op.create_index(batch_op.f("ix_referral_follow_ups_team"), ["team"])


def downgrade() -> None:
    op.drop_table("referral_follow_ups")
    with op.batch_alter_table("panel_bookings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_panel_bookings_funding_request_id_funding_requests"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_panel_bookings_funding_request_id"))
        batch_op.drop_column("funding_request_id")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("ofsted_urn")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        for name in (
            "arranging_support_recorded_at",
            "arranging_support_recorded_by",
            "arranging_support_purchase_order_ref",
            "arranging_support_night_provision_changed",
            "arranging_support_re_ratio_required",
            "arranging_support_provider_copied",
            "arranging_support_sent_on",
            "planned_end_on",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_referrals_previous_referral_id_referrals"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_referrals_previous_referral_id"))
        batch_op.drop_column("previous_referral_id")
    with op.batch_alter_table("funding_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_funding_requests_match_id_matches"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_funding_requests_match_id"))
        batch_op.drop_column("moving_on")
        batch_op.drop_column("cost_breakdown")
        batch_op.drop_column("match_id")
