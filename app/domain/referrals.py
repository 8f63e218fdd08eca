"""R1 referral lifecycle and R2 emergency referrals (seeds 000, 003).

`draft -> submitted -> matching -> matched -> placed -> closed`, `withdrawn` from any
open state; a supported-living referral passes `panel` between `submitted` and
`matching`; an emergency referral goes from `draft` straight to `matching` (R2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.statemachine import StateMachine

OPEN_STATES = ("draft", "submitted", "panel", "matching", "matched")

REFERRAL = StateMachine(
    name="referral",
    rule="R1",
    table={
        "draft": {"submit": "submitted", "submit_emergency": "matching", "withdraw": "withdrawn"},
        "submitted": {
            "book_panel": "panel",
            "start_matching": "matching",
            "withdraw": "withdrawn",
        },
        "panel": {
            "panel_approved": "matching",
            "panel_not_approved": "submitted",
            "withdraw": "withdrawn",
        },
        "matching": {
            "match_accepted": "matched",
            "place_emergency": "placed",
            "withdraw": "withdrawn",
        },
        "matched": {"place": "placed", "match_released": "matching", "withdraw": "withdrawn"},
        "placed": {"close": "closed"},
        "closed": {},
        "withdrawn": {},
    },
)

# The fields PATCH changes on an open referral: once a referral is no longer a draft, an
# upsert by external id may change only these (R1).
PATCHABLE = frozenset({"needs", "requested_start"})


class ReferralNotDraft(DomainError):
    code = "referral_not_draft"
    rule = "R1"
    title = "The referral is no longer a draft"


def check_upsert_change(status: str, changed: Iterable[str]) -> None:
    """R1, an upsert by external id (issue 13): a draft may change in every field; once
    submitted only the fields PATCH allows (else `referral_not_draft`), and those only
    while the referral is open (else `invalid_transition`, as PATCH)."""
    if status == "draft":
        return
    names = set(changed)
    fixed = sorted(names - PATCHABLE)
    if fixed:
        raise ReferralNotDraft(
            f"The referral is {status}, no longer a draft: {', '.join(fixed)} can no longer "
            f"change (only {', '.join(sorted(PATCHABLE))} may).",
        )
    if names and status not in OPEN_STATES:
        raise InvalidTransition(f"A {status} referral cannot be changed.", rule="R1")


# Services whose referrals pass a practice assurance panel (seed 003).
PANEL_SERVICES = frozenset({"supported_living"})


def needs_panel(service: str) -> bool:
    return service in PANEL_SERVICES


def submit_action(urgency: str, service: str) -> str:
    """R1/R2: an emergency referral skips panel and goes straight to matching."""
    if urgency == "emergency":
        if service == "supported_living":
            raise InvalidInput(
                "Supported living is not for emergencies (seed 003): make a planned referral.",
                rule="R2",
            )
        return "submit_emergency"
    return "submit"


def check_new_referral(urgency: str, service: str) -> None:
    if urgency == "emergency" and service == "supported_living":
        raise InvalidInput(
            "Supported living is not for emergencies (seed 003): make a planned referral.",
            rule="R2",
        )


# R20: which cohort each service is for (supported living also needs an age, by policy).
SERVICE_COHORTS: dict[str, str] = {
    "foster_care": "child",
    "residential": "child",
    "shared_lives": "adult",
    "supported_living": "adult",
}


class ServiceNotForPerson(DomainError):
    code = "service_not_for_person"
    rule = "R20"
    status = 422
    title = "The person can't have this service"
    loc = ("body", "service")


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on `on`; a birthday counts on the day (29 February: on 1 March
    in a common year)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (1 if before_birthday else 0)


def check_service_for_person(
    *, service: str, cohort: str, date_of_birth: date, on: date, min_age_supported: int
) -> None:
    """R20: foster care and residential homes are for children, Shared Lives for adults,
    supported living for adults aged `min_age_supported` (policy, 26) or over on `on` (the
    referral's creation date)."""
    wanted = SERVICE_COHORTS.get(service)
    if wanted is not None and cohort != wanted:
        label = "children" if wanted == "child" else "adults"
        raise ServiceNotForPerson(f"{service} is for {label}; this person is {cohort}.")
    if service == "supported_living":
        if age_on(date_of_birth, on) < min_age_supported:
            raise ServiceNotForPerson(
                f"Supported living is for adults aged {min_age_supported} or over "
                f"on the day of the referral ({on.isoformat()})."
            )


def start_matching_action(status: str, service: str) -> str | None:
    """The first match proposed moves a referral that needs no panel to `matching`.
    Returns the action to apply, or None when the referral is already matching."""
    if status == "matching":
        return None
    if status == "submitted" and needs_panel(service):
        raise InvalidTransition(
            "A supported living referral must be approved at a practice assurance panel "
            "before matching.",
            rule="R1",
        )
    return "start_matching"
