"""R3 panel document deadline and R4 panel decisions (seed 003, steps 2-4).

Documents for a practice assurance panel are due 3 working days before the panel date
(end of that London day) and count only once a team manager has quality-assured them; a
funding panel has no document deadline. Nothing is booked into a panel whose date has
passed, and only supported living referrals go to a practice assurance panel. A decision
is given on or after the panel date: `approved`, `approved_with_actions` (both only with
every required document attached and assured), `deferred` or `declined`; with actions the
referral waits in `panel` until every action is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Literal

from app.domain.calendar import WorkingCalendar, end_of_day
from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.policy import Policy
from app.domain.statemachine import StateMachine

PanelKind = Literal["practice_assurance", "funding"]
PANEL_KINDS: tuple[str, ...] = ("practice_assurance", "funding")

Outcome = Literal["approved", "approved_with_actions", "deferred", "declined"]
OUTCOMES: tuple[str, ...] = ("approved", "approved_with_actions", "deferred", "declined")

# A booking is `booked` until the panel decides; documents may be attached only before
# the decision, and actions completed only after it.
BOOKING = StateMachine(
    name="panel booking",
    rule="R4",
    table={
        "booked": {"attach_document": "booked", "decide": "decided"},
        "decided": {"complete_action": "decided"},
    },
)

# Referral states a funding panel booking may be made in (it changes no status).
FUNDING_BOOKABLE = frozenset({"submitted", "panel", "matching", "matched", "placed"})

# R1/R3: the services whose referrals pass a practice assurance panel (seed 003).
PRACTICE_ASSURANCE_SERVICES = frozenset({"supported_living"})

APPROVALS = frozenset({"approved", "approved_with_actions"})

# Month abbreviations for titles, independent of the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PanelDocumentDeadlinePassed(DomainError):
    code = "panel_document_deadline_passed"
    rule = "R3"
    title = "The panel's document deadline has passed"


class PanelDocumentsMissing(DomainError):
    code = "panel_documents_missing"
    rule = "R3"
    title = "Required panel documents are missing or not yet quality-assured"


class PanelNotYetHeld(DomainError):
    code = "panel_not_yet_held"
    rule = "R3"
    title = "The panel has not met yet"


class PanelDatePassed(DomainError):
    code = "panel_date_passed"
    rule = "R3"
    title = "The panel's date has passed"


class PanelNotApplicable(DomainError):
    code = "panel_not_applicable"
    rule = "R3"
    title = "This referral does not go to that panel"


class PanelActionsOutstanding(DomainError):
    code = "panel_actions_outstanding"
    rule = "R4"
    title = "Panel actions are still outstanding"


def panel_documents_due(panel_date: date, calendar: WorkingCalendar, policy: Policy) -> date:
    """R3: the day documents are due, `panel_document_working_days` working days before
    the panel date (weekends and the nation's bank holidays do not count)."""
    return calendar.working_days_before(panel_date, policy.panel_document_working_days)


def booking_deadline(
    kind: str, panel_date: date, calendar: WorkingCalendar, policy: Policy
) -> tuple[date | None, datetime | None]:
    """`(documents_due_on, documents_due_at)` for a booking: 23:59:59 Europe/London on the
    due day for a practice assurance panel; none for a funding panel (R3)."""
    if kind != "practice_assurance":
        return None, None
    due_on = panel_documents_due(panel_date, calendar, policy)
    return due_on, end_of_day(due_on)


def required_documents(kind: str, service: str, policy: Policy) -> list[str]:
    """The document kinds a booking needs: the service's set for a practice assurance
    panel (policy; seed 003's default for supported living), none for a funding panel."""
    if kind != "practice_assurance":
        return []
    return policy.required_documents(service)


def missing_documents(required: Sequence[str], attached: Iterable[tuple[str, bool]]) -> list[str]:
    """R3: the required kinds with no document attached to the booking AND assured, in the
    required order. `attached` is `(kind, assured)` for each attached document: a document
    counts only once a team manager has quality-assured it (seed 003)."""
    have = {kind for kind, assured in attached if assured}
    return [kind for kind in required if kind not in have]


def check_assure(assured_at: datetime | None) -> None:
    """R3: a document is quality-assured once; a second assurance is refused (409), so the
    record keeps who assured it first and when."""
    if assured_at is not None:
        raise InvalidTransition(
            f"This document was already quality-assured at {assured_at.isoformat()}.", rule="R3"
        )


def check_booking(kind: str, service: str, panel_date: date, today: date) -> None:
    """R3: only a supported living referral is booked into a practice assurance panel
    (409 `panel_not_applicable`), and no panel whose date has passed (before today,
    Europe/London) takes a booking (409 `panel_date_passed`)."""
    if kind == "practice_assurance" and service not in PRACTICE_ASSURANCE_SERVICES:
        raise PanelNotApplicable(
            f"A {service} referral does not go to a practice assurance panel; only "
            f"{', '.join(sorted(PRACTICE_ASSURANCE_SERVICES))} does."
        )
    if panel_date < today:
        raise PanelDatePassed(
            f"The panel met on {panel_date.isoformat()}; book a panel dated "
            f"{today.isoformat()} or later."
        )


def check_attach(due_at: datetime | None, now: datetime, accept_late: bool) -> bool:
    """R3: may a document be attached now? Returns True when it is late and accepted late;
    raises when it is late and not accepted. The caller checks who may accept late."""
    if due_at is None or now <= due_at:
        return False
    if not accept_late:
        raise PanelDocumentDeadlinePassed(
            f"Documents for this panel were due by {due_at.isoformat()}; "
            "a panel member may accept it late (accept_late: true)."
        )
    return True


def book_referral_action(kind: str, referral_status: str) -> str | None:
    """The R1 referral action a booking applies: a practice assurance booking moves the
    referral `submitted -> panel`; a funding booking moves nothing but needs a referral
    that is submitted and still open."""
    if kind == "practice_assurance":
        return "book_panel"
    if referral_status not in FUNDING_BOOKABLE:
        raise InvalidTransition(
            f"A {referral_status} referral cannot be booked into a funding panel.", rule="R1"
        )
    return None


def check_decision(
    kind: str,
    outcome: str,
    actions: Sequence[str],
    *,
    panel_date: date,
    today: date,
    missing: Sequence[str],
) -> None:
    """R4: only a practice assurance panel decides here (funding is decided on the funding
    request, R6); `approved_with_actions` needs actions, and only it may have them.
    R3: the panel decides on or after its date (`today` is the London date), and cannot
    approve, with or without actions, while a required document is missing or unassured;
    `deferred` and `declined` can still be given."""
    if kind != "practice_assurance":
        raise InvalidTransition(
            "A funding panel's decision is recorded on the funding request "
            "(POST /v1/funding-requests/{id}/decision).",
            rule="R6",
        )
    if outcome not in OUTCOMES:
        raise InvalidInput(f"outcome must be one of: {', '.join(OUTCOMES)}.", rule="R4")
    if outcome == "approved_with_actions" and not actions:
        raise InvalidInput("approved_with_actions needs at least one action.", rule="R4")
    if outcome != "approved_with_actions" and actions:
        raise InvalidInput("Only approved_with_actions may carry actions.", rule="R4")
    if today < panel_date:
        raise PanelNotYetHeld(
            f"The panel meets on {panel_date.isoformat()}; it decides on or after that date."
        )
    if outcome in APPROVALS and missing:
        raise PanelDocumentsMissing(
            "The panel cannot approve while required documents are missing or not yet "
            f"quality-assured: {', '.join(missing)}. It may defer or decline."
        )


def panel_day(day: date) -> str:
    """A panel date as a work item title shows it: `9 Dec 2026`."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def referral_action_for(outcome: str, outstanding_actions: int) -> str | None:
    """R4: the referral action a decision (or the last action done) applies: approved with
    nothing outstanding -> `panel_approved` (to matching); deferred or declined ->
    `panel_not_approved` (back to submitted, for a new booking); otherwise none yet."""
    if outcome in ("approved", "approved_with_actions"):
        return "panel_approved" if outstanding_actions == 0 else None
    return "panel_not_approved"


def check_no_outstanding_actions(outstanding: int) -> None:
    """R4: a referral with panel actions outstanding cannot go to matching."""
    if outstanding > 0:
        raise PanelActionsOutstanding(
            f"{outstanding} panel action(s) must be marked done before matching."
        )
