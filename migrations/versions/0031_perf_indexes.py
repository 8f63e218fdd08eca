"""Indexes that match the lists' filters and order (docs/performance.md).

- the work queue: open items by assignee user (and by assignee team), in id order;
- people and referrals by team, in id order (a team's keyset pages).

Revision ID: 0031_perf_indexes
Revises: 0020_merge_rev2
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_perf_indexes"
down_revision: str | Sequence[str] | None = "0020_merge_rev2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_work_items_open_assignee_user_id",
        "work_items",
        ["assignee_user", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index(
        "ix_work_items_open_assignee_team_id",
        "work_items",
        ["assignee_team", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_referrals_team_id", "referrals", ["team", "id"])
    op.create_index("ix_people_team_id", "people", ["team", "id"])


def downgrade() -> None:
    op.drop_index("ix_people_team_id", table_name="people")
    op.drop_index("ix_referrals_team_id", table_name="referrals")
    op.drop_index("ix_work_items_open_assignee_team_id", table_name="work_items")
    op.drop_index("ix_work_items_open_assignee_user_id", table_name="work_items")
