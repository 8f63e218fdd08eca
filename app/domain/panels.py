"""R3 panel document deadline and R4 panel decisions (seed 003, steps 2-4).

Documents for a practice assurance panel are due 3 working days before the panel date
(end of that London day); a funding panel has no document deadline. A decision is
`approved`, `approved_with_actions`, `deferred` or `declined`; with actions the referral
waits in `panel` until every action is done.
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


class PanelDocumentDeadlinePassed(DomainError):
    code = "panel_document_deadline_passed"
    rule = "R3"
    title = "The panel's document deadline has passed"


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


def missing_documents(required: Sequence[str], attached_kinds: Iterable[str]) -> list[str]:
    """R3: the required kinds not yet attached to the booking, in the required order."""
    have = set(attached_kinds)
    return [kind for kind in required if kind not in have]


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


def check_decision(kind: str, outcome: str, actions: Sequence[str]) -> None:
    """R4: only a practice assurance panel decides here (funding is decided on the funding
    request, R6); `approved_with_actions` needs actions, and only it may have them."""
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
