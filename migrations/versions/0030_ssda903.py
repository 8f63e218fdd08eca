"""the SSDA903 return: a child's DfE codes and legal status history, a placement's
episode codes, a provider's Ofsted URN

Revision ID: 0030_ssda903
Revises: 0020_merge_rev2
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0030_ssda903"
down_revision: str | Sequence[str] | None = "0020_merge_rev2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


PLACEMENT_COLUMNS = (
    ("placement_type", 3),
    ("placement_provider", 3),
    ("reason_new_episode", 1),
    ("home_postcode", 8),
    ("placement_postcode", 8),
    ("reason_episode_ceased", 3),
    ("reason_place_change", 6),
)


def upgrade() -> None:
    op.create_table(
        "legal_statuses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("code", _string(2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", _string(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_legal_statuses_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_statuses")),
    )
    with op.batch_alter_table("legal_statuses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_statuses_person_id"), ["person_id"])
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sex", _string(1), nullable=True))
        batch_op.add_column(sa.Column("upn", _string(13), nullable=True))
        batch_op.add_column(sa.Column("category_of_need", _string(2), nullable=True))
        batch_op.add_column(sa.Column("mother", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("mother_child_dob", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("child_ref", _string(10), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_people_child_ref"), ["child_ref"])
    with op.batch_alter_table("placements", schema=None) as batch_op:
        for name, length in PLACEMENT_COLUMNS:
            batch_op.add_column(sa.Column(name, _string(length), nullable=True))
    # providers.ofsted_urn came with 0010_pathway_rev2.


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        for name, _ in reversed(PLACEMENT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_people_child_ref"), type_="unique")
        for name in ("child_ref", "mother_child_dob", "mother", "category_of_need", "upn", "sex"):
            batch_op.drop_column(name)
    with op.batch_alter_table("legal_statuses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_statuses_person_id"))
    op.drop_table("legal_statuses")
