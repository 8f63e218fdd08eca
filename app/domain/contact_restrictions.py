"""Contact restrictions (R16, seed 002): restricting a child's contact is agreed with the
placing authority first; in an emergency it may be imposed first, and the placing
authority is then notified within the policy's hours of when it was imposed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.calendar import local_date
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy


def check_restriction(emergency: bool, agreed_with: str | None) -> None:
    """R16: a restriction is agreed with the placing authority first (who agreed it is
    recorded), unless imposed first in an emergency."""
    if not emergency and not (agreed_with and agreed_with.strip()):
        raise InvalidInput(
            "Restricting contact must be agreed with the placing authority first: give "
            "agreed_with (who agreed it); only in an emergency may it be imposed first.",
            rule="R16",
            loc=("body", "agreed_with"),
        )


def check_imposed_at(imposed_at: datetime, now: datetime, placement_start: date) -> None:
    """R16: when the restriction was imposed: not in the future, nor before the placement
    started (by London days)."""
    if imposed_at > now:
        raise InvalidInput(
            "imposed_at cannot be in the future.", rule="R16", loc=("body", "imposed_at")
        )
    if local_date(imposed_at) < placement_start:
        raise InvalidInput(
            "imposed_at cannot be before the placement started.",
            rule="R16",
            loc=("body", "imposed_at"),
        )


def notify_by(
    imposed_at: datetime, emergency: bool, agreed: bool, policy: Policy
) -> datetime | None:
    """R16: a restriction imposed first in an emergency (not yet agreed) is notified to the
    placing authority within the policy's hours of when it was imposed; an agreed one
    needs no notification."""
    if not emergency or agreed:
        return None
    return imposed_at + timedelta(hours=policy.contact_restriction_notify_hours)


def check_lift(status: str, lifted_on: date, imposed_at: datetime, today: date) -> None:
    """R16: an active restriction is lifted on a date between its imposition and today."""
    if status != "active":
        raise InvalidTransition("This contact restriction is already lifted.", rule="R16")
    if lifted_on > today:
        raise InvalidInput(
            "lifted_on cannot be in the future.", rule="R16", loc=("body", "lifted_on")
        )
    if lifted_on < local_date(imposed_at):
        raise InvalidInput(
            "lifted_on cannot be before the restriction was imposed.",
            rule="R16",
            loc=("body", "lifted_on"),
        )
