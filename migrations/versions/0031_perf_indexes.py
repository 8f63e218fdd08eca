"""Indexes that match the lists' filters and order (docs/performance.md).

- the work queue: open items by assignee user (and by assignee team), in id order;
- people and referrals by team, in id order (a team's keyset pages).

Revision ID: 0031_perf_indexes
Revises: 0032_integration
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_perf_indexes"
down_revision: str | Sequence[str] | None = "0032_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The work queue's indexes are 0012_work_rev2's (open items by assignee and due_at).
    op.create_index("ix_referrals_team_id", "referrals", ["team", "id"])
    op.create_index("ix_people_team_id", "people", ["team", "id"])


def downgrade() -> None:
    op.drop_index("ix_people_team_id", table_name="people")
    op.drop_index("ix_referrals_team_id", table_name="referrals")
