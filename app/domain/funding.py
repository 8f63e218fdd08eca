"""R6 funding requests (seeds 000, 003): costings in integer pence, decided by a team
manager or a funding panel member who is not the request's author.

`draft -> submitted -> approved | rejected | returned`; a returned request can be edited
and submitted again. Only a draft or returned request can be edited.
"""

from __future__ import annotations

from datetime import date

from app.domain.calendar import WorkingCalendar
from app.domain.errors import DomainError, InvalidInput
from app.domain.statemachine import StateMachine

FUNDING = StateMachine(
    name="funding request",
    rule="R6",
    table={
        "draft": {"edit": "draft", "submit": "submitted"},
        "submitted": {"approve": "approved", "reject": "rejected", "return": "returned"},
        "returned": {"edit": "returned", "submit": "submitted"},
        "approved": {},
        "rejected": {},
    },
)

# decision outcome -> the table's action
OUTCOME_ACTIONS: dict[str, str] = {
    "approved": "approve",
    "rejected": "reject",
    "returned": "return",
}
OUTCOMES_NEEDING_REASON = frozenset({"rejected", "returned"})
# Roles that decide funding (API.md): a team manager or a funding panel member.
DECIDER_ROLES = frozenset({"team_manager", "panel_member"})
# Working days a team manager has to decide a submitted request (the work item's due date).
DECISION_WORKING_DAYS = 2


class DeciderIsAuthor(DomainError):
    code = "decider_is_author"
    rule = "R6"
    title = "The author of a funding request cannot decide it"


class FundingNotApproved(DomainError):
    code = "funding_not_approved"
    rule = "R6"
    title = "The placement's funding is not approved"


def decision_action(outcome: str, reason: str | None) -> str:
    """The table action for a decision outcome; rejected and returned need a reason."""
    try:
        action = OUTCOME_ACTIONS[outcome]
    except KeyError:
        raise InvalidInput(f"Unknown outcome {outcome!r}.", rule="R6") from None
    if outcome in OUTCOMES_NEEDING_REASON and not (reason and reason.strip()):
        raise InvalidInput(f"A {outcome} decision needs a reason.", rule="R6")
    return action


def with_editor(edited_by: list[str], sub: str) -> list[str]:
    """R6: the subs who wrote, edited or submitted a request, in order, each once."""
    return list(edited_by) if sub in edited_by else [*edited_by, sub]


def check_decider(
    author: str,
    decider: str,
    edited_by: list[str] | tuple[str, ...] = (),
    submitted_by: str | None = None,
) -> None:
    """R6 (four eyes): the decider is neither the request's author nor anyone who edited
    or submitted it."""
    if decider == author:
        raise DeciderIsAuthor(
            "You wrote this funding request: another team manager or panel member decides it."
        )
    if decider in edited_by or decider == submitted_by:
        raise DeciderIsAuthor(
            "You edited or submitted this funding request: another team manager or panel "
            "member decides it."
        )


def check_funding_for_placement(urgency: str, has_approved_request: bool) -> None:
    """R6: a planned placement needs an approved funding request before it is confirmed;
    an emergency placement is confirmed first and its request submitted afterwards."""
    if urgency == "emergency":
        return
    if not has_approved_request:
        raise FundingNotApproved(
            "A planned placement cannot be confirmed until its funding request is approved."
        )


def decision_due(submitted_on: date, calendar: WorkingCalendar) -> date:
    """The day a submitted request should be decided by: DECISION_WORKING_DAYS working
    days after the day it was submitted."""
    current = submitted_on
    remaining = DECISION_WORKING_DAYS
    while remaining > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current
