"""R11 case supervision (seed 001): held by the practice supervisor with the support
worker; it ends with one outcome: next in 4 weeks, next in 8 weeks (counted from the
date held, for the same worker), or service ended (no further supervision).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.errors import InvalidInput
from app.domain.policy import Policy
from app.domain.statemachine import StateMachine

SUPERVISION = StateMachine(
    name="supervision",
    rule="R11",
    table={
        "scheduled": {"hold": "held", "cancel": "cancelled"},
        "held": {},
        "cancelled": {},
    },
)

STATUSES: tuple[str, ...] = ("scheduled", "held", "cancelled")
OUTCOMES: tuple[str, ...] = ("next_in_4_weeks", "next_in_8_weeks", "service_ended")


def weeks_for(outcome: str, policy: Policy) -> int | None:
    """The cadence an outcome asks for (policy: 4 and 8 weeks by default), or None."""
    if outcome == "next_in_4_weeks":
        return policy.supervision_short_weeks
    if outcome == "next_in_8_weeks":
        return policy.supervision_long_weeks
    if outcome == "service_ended":
        return None
    raise InvalidInput(f"outcome must be one of: {', '.join(OUTCOMES)}.", rule="R11")


def next_due(held_on: date, outcome: str, policy: Policy) -> date | None:
    """R11: the next supervision is due that many weeks after the date held, or none."""
    weeks = weeks_for(outcome, policy)
    return None if weeks is None else held_on + timedelta(weeks=weeks)


def check_held_on(held_on: date, today: date) -> None:
    """A supervision is recorded once it has happened: not with a date to come."""
    if held_on > today:
        raise InvalidInput("held_on cannot be in the future.", rule="R11")
