"""R5 matching and R2 emergency eligibility (seeds 000, 003).

A match moves `proposed -> contacted -> assessing -> accepted`; it can be `declined` (by
the provider) or `withdrawn` (by the placements team) from any of those, accepted
included, which frees the vacancy it held. At most one accepted match per referral and
one per vacancy: the database enforces both (row locks and partial unique indexes); the
errors below are what the API answers.
"""

from __future__ import annotations

from app.domain.errors import DomainError, InvalidTransition
from app.domain.referrals import start_matching_action
from app.domain.statemachine import StateMachine

MATCH = StateMachine(
    name="match",
    rule="R5",
    table={
        "proposed": {"contact": "contacted", "decline": "declined", "withdraw": "withdrawn"},
        "contacted": {"assess": "assessing", "decline": "declined", "withdraw": "withdrawn"},
        "assessing": {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"},
        "accepted": {"decline": "declined", "withdraw": "withdrawn"},
        "declined": {},
        "withdrawn": {},
    },
)

MATCH_ACTIONS: tuple[str, ...] = ("contact", "assess", "accept", "decline", "withdraw")
# A match in one of these still counts against the referral (it may yet be accepted).
LIVE_STATES = ("proposed", "contacted", "assessing", "accepted")


class MatchAlreadyAccepted(DomainError):
    code = "match_already_accepted"
    rule = "R5"
    title = "The referral already has an accepted match"


class VacancyUnavailable(DomainError):
    code = "vacancy_unavailable"
    rule = "R5"
    title = "The vacancy is held or filled"


class EmergencyProviderNotEligible(DomainError):
    code = "emergency_provider_not_eligible"
    rule = "R2"
    title = "This provider cannot take an emergency placement"


def proposal_action(referral_status: str, service: str) -> str | None:
    """R1: the referral move a new match needs, or None when it needs none.

    The first match for a referral that needs no panel moves it `submitted -> matching`;
    a referral already matching (or matched, proposing a fallback) stays where it is. Any
    other state (draft, panel, placed, closed, withdrawn) is refused by the R1 table when
    the returned action is applied; a supported-living referral still `submitted` has not
    been to panel and is refused here (R1)."""
    if referral_status == "matched":
        return None
    return start_matching_action(referral_status, service)


def check_vacancy_open(vacancy_status: str | None) -> None:
    """R5: a held or filled vacancy cannot be matched or accepted again."""
    if vacancy_status is not None and vacancy_status != "open":
        raise VacancyUnavailable(
            f"The vacancy is {vacancy_status}: it cannot be matched until it is open again.",
        )


def check_emergency_eligible(
    *,
    urgency: str,
    provider_service: str,
    on_emergency_rota: bool,
    vacancy_status: str | None,
) -> None:
    """R2: an emergency referral may be matched only to a foster carer on the emergency
    (out-of-hours) rota, or to any provider's open vacancy."""
    if urgency != "emergency":
        return
    if provider_service == "foster_care" and on_emergency_rota:
        return
    if vacancy_status == "open":
        return
    raise EmergencyProviderNotEligible(
        "An emergency referral may be matched only to a foster carer on the emergency rota "
        "or to an open vacancy.",
    )


def check_no_other_accepted(other_accepted: bool) -> None:
    """R5: a referral has at most one accepted match."""
    if other_accepted:
        raise MatchAlreadyAccepted(
            "This referral already has an accepted match: decline or withdraw it first."
        )


def check_release_allowed(placed: bool) -> None:
    """A match a placement was confirmed from cannot be declined or withdrawn: end the
    placement instead (R5, R7)."""
    if placed:
        raise InvalidTransition(
            "A placement was confirmed from this match: end the placement instead.", rule="R5"
        )
