"""R7 placements and the R2 duty tracker (seed 000).

Confirming a placement fills the vacancy, sets the referral to `placed` and is the seam
for reviews (R12-R14, R17): `ConfirmedPlacement` is what a reviews module needs, carried
by the `placement.confirmed` event and passed to the service's `ON_CONFIRMED` hooks.
An emergency placement stays on the duty tracker until its follow-ups are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.statemachine import StateMachine

PLACEMENT = StateMachine(
    name="placement",
    rule="R7",
    table={"active": {"end": "ended"}, "ended": {}},
)

# R2 follow-ups of an emergency referral, in the order the seed does them.
FOLLOW_UPS: tuple[str, ...] = ("placement_confirmed", "funding_request_submitted", "courtesy_call")
# Follow-ups that are work items for the placements team once the placement is confirmed
# (`placement_confirmed` is the referral's own `emergency_referral` item, raised at submit).
AFTER_PLACEMENT_FOLLOW_UPS: tuple[str, ...] = ("funding_request_submitted", "courtesy_call")


class PersonAlreadyPlaced(DomainError):
    code = "person_already_placed"
    rule = "R7"
    title = "The person already has an active placement"


class FollowUpsOutstanding(DomainError):
    code = "emergency_follow_ups_outstanding"
    rule = "R2"
    title = "The emergency referral's follow-ups are not done"


@dataclass(frozen=True)
class ConfirmedPlacement:
    """What the reviews module (R12-R14, R17, a later issue) needs to schedule reviews:
    a child in a foster or residential placement gets CLA reviews (R12), a child in a
    residential home support plan reviews (R13), a Shared Lives placement its reviews
    (R14), an external placement QA visits (R17)."""

    placement_id: str
    person_id: str
    cohort: str
    provider_id: str
    provider_service: str
    external: bool
    emergency: bool
    start_date: date


def place_action(urgency: str, referral_status: str) -> str:
    """R1/R2: a matched referral is placed with `place`; an emergency referral may also be
    placed straight from `matching` (same day, before any match is accepted)."""
    if urgency == "emergency" and referral_status == "matching":
        return "place_emergency"
    return "place"


def check_person_free(has_active_placement: bool) -> None:
    """R7: at most one active placement per person."""
    if has_active_placement:
        raise PersonAlreadyPlaced(
            "This person already has an active placement: end it before confirming another."
        )


def check_end_date(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise InvalidInput("end_date cannot be before the placement's start_date.", rule="R7")


def check_courtesy_call(already_made_on: date | None) -> None:
    """R2: the courtesy call is recorded once."""
    if already_made_on is not None:
        raise InvalidTransition(
            f"The courtesy call was already recorded on {already_made_on.isoformat()}.",
            rule="R2",
        )


def follow_ups(
    *, placement_confirmed: bool, funding_request_submitted: bool, courtesy_call: bool
) -> list[tuple[str, bool]]:
    """R2: an emergency referral's follow-ups and whether each is done, in seed order."""
    done = {
        "placement_confirmed": placement_confirmed,
        "funding_request_submitted": funding_request_submitted,
        "courtesy_call": courtesy_call,
    }
    return [(kind, done[kind]) for kind in FOLLOW_UPS]


def check_follow_ups_done(items: list[tuple[str, bool]]) -> None:
    """R1/R2: an emergency referral closes only once every follow-up is done."""
    outstanding = [kind for kind, done in items if not done]
    if outstanding:
        raise FollowUpsOutstanding(
            "The emergency referral's follow-ups are outstanding: " + ", ".join(outstanding) + "."
        )


def follow_up_due(start: date, days: int) -> date:
    """A follow-up is due `days` days after the placement starts (policy numbers, R18)."""
    return start + timedelta(days=days)
