"""R7 placements and the R2 duty tracker (seed 000).

Confirming a placement fills the vacancy, sets the referral to `placed` and is the seam
for reviews (R12-R14, R17): `ConfirmedPlacement` is what a reviews module needs, carried
by the `placement.confirmed` event and passed to the service's `ON_CONFIRMED` hooks.
An emergency placement stays on the duty tracker until its follow-ups are done.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.statemachine import StateMachine

PLACEMENT = StateMachine(
    name="placement",
    rule="R7",
    table={"active": {"end": "ended"}, "ended": {}},
)

# R2 follow-ups of an emergency referral, in the order seed 000 does them;
# `admission_documents` only for a residential home (R21).
FOLLOW_UPS: tuple[str, ...] = (
    "placement_confirmed",
    "tac_duty_alerted",
    "csw_informed",
    "funding_request_submitted",
    "courtesy_call",
    "sustainability_reviewed",
    "admission_documents",
)
# Follow-ups that are work items for the placements team once the placement is confirmed
# (`placement_confirmed` is the referral's own `emergency_referral` item, raised at submit).
AFTER_PLACEMENT_FOLLOW_UPS: tuple[str, ...] = (
    "tac_duty_alerted",
    "csw_informed",
    "funding_request_submitted",
    "courtesy_call",
    "sustainability_reviewed",
    "admission_documents",
)
# Follow-ups recorded with `POST /v1/referrals/{id}/follow-ups`.
RECORDED_FOLLOW_UPS: tuple[str, ...] = (
    "tac_duty_alerted",
    "csw_informed",
    "sustainability_reviewed",
)
SUSTAINABILITY_OUTCOMES: tuple[str, ...] = ("sustain", "plan_move")
# Services whose placements need arranging support recorded (R22).
ARRANGING_SUPPORT_SERVICES = frozenset({"supported_living"})


class PersonAlreadyPlaced(DomainError):
    code = "person_already_placed"
    rule = "R7"
    title = "The person already has an active placement"


class FollowUpsOutstanding(DomainError):
    code = "follow_ups_outstanding"
    rule = "R2"
    title = "The emergency referral's follow-ups are not done"


class EmergencyStartNotToday(DomainError):
    code = "emergency_start_not_today"
    rule = "R2"
    status = 422
    title = "An emergency placement starts today"
    loc = ("body", "start_date")


class EndDateInFuture(DomainError):
    code = "end_date_in_future"
    rule = "R7"
    status = 422
    title = "A placement ends today or earlier"
    loc = ("body", "end_date")


class ProviderInactive(DomainError):
    code = "provider_inactive"
    rule = "R7"
    title = "The provider is not active"


class AdmissionDocumentsMissing(DomainError):
    code = "admission_documents_missing"
    rule = "R21"
    title = "The home's admission documents are not all on the referral"


class ArrangingSupportOutstanding(DomainError):
    code = "arranging_support_outstanding"
    rule = "R22"
    title = "Arranging support has not been recorded for the placement"


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


def check_end_date(start_date: date, end_date: date, today: date) -> None:
    """R7: a placement ends on or after its start and no later than today (a planned
    move-out date is `planned_end_on`)."""
    if end_date < start_date:
        raise InvalidInput("end_date cannot be before the placement's start_date.", rule="R7")
    if end_date > today:
        raise EndDateInFuture(
            f"end_date {end_date.isoformat()} is in the future: set planned_end_on for a "
            "planned move and end the placement on the day."
        )


def check_planned_end(start_date: date, planned_end_on: date | None) -> None:
    if planned_end_on is not None and planned_end_on < start_date:
        raise InvalidInput(
            "planned_end_on cannot be before the placement's start_date.",
            rule="R7",
            loc=("body", "planned_end_on"),
        )


def check_emergency_start(start_date: date, today: date, backdate_days: int) -> None:
    """R2: an emergency placement starts today (Europe/London), or up to `backdate_days`
    (policy `emergency_backdate_days`) before, for one made out of hours."""
    earliest = today - timedelta(days=backdate_days)
    if not earliest <= start_date <= today:
        raise EmergencyStartNotToday(
            f"An emergency placement starts today ({today.isoformat()}) or at most "
            f"{backdate_days} day(s) before; {start_date.isoformat()} is neither."
        )


def check_provider_active(active: bool) -> None:
    """R7: an inactive provider can't be matched or placed with."""
    if not active:
        raise ProviderInactive("The provider is not active: it can't be matched or placed with.")


def missing_documents(required: Collection[str], present: Collection[str]) -> list[str]:
    """The required kinds not among those present, in the policy's order."""
    have = set(present)
    return [kind for kind in required if kind not in have]


def check_admission_documents(
    urgency: str, required: Collection[str], present: Collection[str]
) -> None:
    """R21: a planned residential placement needs the home's admission documents on the
    referral before it is confirmed; an emergency one has them as a follow-up (R2)."""
    if urgency == "emergency":
        return
    missing = missing_documents(required, present)
    if missing:
        raise AdmissionDocumentsMissing(
            "The home needs these documents on the referral before admission: "
            + ", ".join(missing)
            + ".",
            extra={"missing": missing},
        )


def needs_arranging_support(service: str) -> bool:
    return service in ARRANGING_SUPPORT_SERVICES


def check_arranging_support_done(service: str, recorded: bool) -> None:
    """R22: a supported living referral closes only once arranging support is recorded."""
    if needs_arranging_support(service) and not recorded:
        raise ArrangingSupportOutstanding(
            "Send the placement confirmation to the Arranging Support team and record it "
            "before closing the referral."
        )


def check_arranging_support_allowed(service: str, already_recorded: bool) -> None:
    if not needs_arranging_support(service):
        raise InvalidTransition(
            "Arranging support is recorded for supported living placements only.", rule="R22"
        )
    if already_recorded:
        raise InvalidTransition("Arranging support was already recorded.", rule="R22")


def check_follow_up(kind: str, outcome: str | None, already_done: bool) -> None:
    """R2: a recorded follow-up is done once; a sustainability review says sustain or
    plan_move."""
    if already_done:
        raise InvalidTransition(f"The {kind} follow-up was already recorded.", rule="R2")
    if kind == "sustainability_reviewed":
        if outcome not in SUSTAINABILITY_OUTCOMES:
            raise InvalidInput(
                "A sustainability review's outcome is sustain or plan_move.",
                rule="R2",
                loc=("body", "outcome"),
            )
    elif outcome is not None:
        raise InvalidInput(
            "Only a sustainability review has an outcome.", rule="R2", loc=("body", "outcome")
        )


def check_courtesy_call(already_made_on: date | None) -> None:
    """R2: the courtesy call is recorded once."""
    if already_made_on is not None:
        raise InvalidTransition(
            f"The courtesy call was already recorded on {already_made_on.isoformat()}.",
            rule="R2",
        )


def follow_ups_for(service: str) -> tuple[str, ...]:
    """R2: the follow-ups an emergency referral for `service` has (R21: admission
    documents only for a residential home)."""
    return tuple(k for k in FOLLOW_UPS if k != "admission_documents" or service == "residential")


def follow_ups(service: str, done: Mapping[str, bool]) -> list[tuple[str, bool]]:
    """R2: an emergency referral's follow-ups and whether each is done, in seed order."""
    return [(kind, bool(done.get(kind, False))) for kind in follow_ups_for(service)]


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
