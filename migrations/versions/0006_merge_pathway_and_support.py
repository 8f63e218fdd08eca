"""Join the three branches made side by side: panels, placements, placement support.

Revision ID: 0006_merge
Revises: 0003_panels, 0004_placements, 0005_support
"""

from collections.abc import Sequence

revision: str = "0006_merge"
down_revision: str | Sequence[str] | None = ("0003_panels", "0004_placements", "0005_support")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
