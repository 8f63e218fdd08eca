"""reviews revision 2: review actions and participants (R15), the series number of a
review (R12, R14), who agreed a contact restriction and its lifting (R16)

Revision ID: 0011_reviews_rev2
Revises: 0008_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0011_reviews_rev2"
down_revision: str | Sequence[str] | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("team", _string(100), nullable=False),
        sa.Column("description", _string(10000), nullable=False),
        sa.Column("owner", _string(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("work_item_id", sa.Uuid(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("completed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", _string(200), nullable=True),
        sa.Column("note", _string(10000), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_actions_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_actions")),
    )
    with op.batch_alter_table("review_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_actions_review_id"), ["review_id"])
        batch_op.create_index(batch_op.f("ix_review_actions_team"), ["team"])
        batch_op.create_index(batch_op.f("ix_review_actions_owner"), ["owner"])

    op.create_table(
        "review_participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("team", _string(100), nullable=False),
        sa.Column("user_id", _string(200), nullable=True),
        sa.Column("name", _string(200), nullable=True),
        sa.Column("role", _string(200), nullable=True),
        sa.Column("format", _string(20), nullable=True),
        sa.Column("work_item_id", sa.Uuid(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_format", _string(20), nullable=True),
        sa.Column("sent_by", _string(200), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_participants_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_participants")),
    )
    with op.batch_alter_table("review_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_participants_review_id"), ["review_id"])
        batch_op.create_index(batch_op.f("ix_review_participants_team"), ["team"])

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )

    with op.batch_alter_table("contact_restrictions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_with", _string(200), nullable=True))
        batch_op.add_column(
            sa.Column("status", _string(12), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("lifted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("lift_reason", _string(10000), nullable=True))
        batch_op.add_column(sa.Column("lifted_by", _string(200), nullable=True))
        batch_op.add_column(
            sa.Column("lifted_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_restrictions", schema=None) as batch_op:
        for column in ("lifted_at", "lifted_by", "lift_reason", "lifted_on", "status"):
            batch_op.drop_column(column)
        batch_op.drop_column("agreed_with")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("sequence")
    op.drop_table("review_participants")
    op.drop_table("review_actions")
