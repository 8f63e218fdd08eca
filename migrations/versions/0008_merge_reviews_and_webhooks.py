"""Join reviews and webhooks, made side by side.

Revision ID: 0008_merge
Revises: 0007_reviews, 0007_webhooks
"""

from collections.abc import Sequence

revision: str = "0008_merge"
down_revision: str | Sequence[str] | None = ("0007_reviews", "0007_webhooks")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
