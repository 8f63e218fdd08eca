"""Join the revision 2 migrations, made side by side on their branches.

Revision ID: 0020_merge_rev2
Revises: 0009_funding_edited_by, 0009_audit_export, 0010_pathway_rev2, 0011_reviews_rev2,
    0012_work_rev2, 0013_panels_rev2, 0014_trust_rev2
"""

from collections.abc import Sequence

revision: str = "0020_merge_rev2"
down_revision: str | Sequence[str] | None = (
    "0009_funding_edited_by",
    "0009_audit_export",
    "0010_pathway_rev2",
    "0011_reviews_rev2",
    "0012_work_rev2",
    "0013_panels_rev2",
    "0014_trust_rev2",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
