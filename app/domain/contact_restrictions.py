"""Contact restrictions (R16, seed 002): restricting a child's contact is agreed with the
placing authority first; in an emergency it may be imposed first, and the placing
authority is then notified within the policy's hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.errors import DomainError
from app.domain.policy import Policy


class PlacingAuthorityAgreementRequired(DomainError):
    code = "placing_authority_agreement_required"
    rule = "R16"
    title = "A contact restriction must be agreed with the placing authority first"


def check_restriction(emergency: bool, agreed_with_placing_authority: bool) -> None:
    """R16: a restriction is agreed with the placing authority first, unless an emergency."""
    if not emergency and not agreed_with_placing_authority:
        raise PlacingAuthorityAgreementRequired(
            "Restricting contact must be agreed with the placing authority first; only in an "
            "emergency may it be imposed first (and the placing authority notified within "
            "the policy's hours)."
        )


def notify_by(
    imposed_at: datetime, emergency: bool, agreed_with_placing_authority: bool, policy: Policy
) -> datetime | None:
    """R16: a restriction imposed first in an emergency (not yet agreed) is notified to the
    placing authority within the policy's hours; an agreed one needs no notification."""
    if not emergency or agreed_with_placing_authority:
        return None
    return imposed_at + timedelta(hours=policy.contact_restriction_notify_hours)
