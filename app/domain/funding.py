"""R6 funding requests (seeds 000, 003): costings in integer pence that follow the
accepted match, decided by a team manager (children's placements) or the funding panel
(supported living), never by the request's author.

`draft -> submitted -> approved | rejected | returned`; a returned request can be edited
and submitted again. Only a draft or returned request can be edited. When its match is
declined or withdrawn, an open or approved request becomes `superseded` (before use).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from app.domain.calendar import WorkingCalendar
from app.domain.errors import DomainError, InvalidInput
from app.domain.statemachine import StateMachine

FUNDING = StateMachine(
    name="funding request",
    rule="R6",
    table={
        "draft": {"edit": "draft", "submit": "submitted", "supersede": "superseded"},
        "submitted": {
            "approve": "approved",
            "reject": "rejected",
            "return": "returned",
            "supersede": "superseded",
        },
        "returned": {"edit": "returned", "submit": "submitted", "supersede": "superseded"},
        "approved": {"supersede": "superseded"},
        "rejected": {},
        "superseded": {},
    },
)
# Requests a declined or withdrawn match supersedes (R6: "open or approved").
SUPERSEDABLE = ("draft", "submitted", "returned", "approved")
# The parts of a cost breakdown; when given they sum to the weekly cost.
BREAKDOWN_PARTS = ("core_pence", "additional_support_pence", "education_pence", "other_pence")

# decision outcome -> the table's action
OUTCOME_ACTIONS: dict[str, str] = {
    "approved": "approve",
    "rejected": "reject",
    "returned": "return",
}
OUTCOMES_NEEDING_REASON = frozenset({"rejected", "returned"})
# Roles that decide funding (API.md): a team manager or a funding panel member.
DECIDER_ROLES = frozenset({"team_manager", "panel_member"})
# Who decides a service's requests: the funding panel for supported living (seed 003
# step 10), a team manager for the rest (seed 000: "team manager for sign off").
FUNDING_PANEL_SERVICES = frozenset({"supported_living"})


class DeciderIsAuthor(DomainError):
    code = "decider_is_author"
    rule = "R6"
    title = "The author of a funding request cannot decide it"


class FundingNotApproved(DomainError):
    code = "funding_not_approved"
    rule = "R6"
    title = "The placement's funding is not approved"


class MatchNotAccepted(DomainError):
    code = "match_not_accepted"
    rule = "R6"
    title = "The funding request does not name the referral's accepted match"


class FundingSuperseded(DomainError):
    code = "funding_superseded"
    rule = "R6"
    title = "The funding request was superseded: its match was declined or withdrawn"


class FundingPanelRequired(DomainError):
    code = "funding_panel_required"
    rule = "R6"
    title = "A funding panel member decides this request at its funding panel"


class PanelNotYetHeld(DomainError):
    code = "panel_not_yet_held"
    rule = "R6"
    title = "The panel has not met yet"


class TeamManagerRequired(DomainError):
    code = "forbidden"
    rule = "R6"
    status = 403
    title = "Your role may not do this"


def check_match_named(
    *, urgency: str, match_id: object | None, accepted: bool, of_referral: bool
) -> None:
    """R6: a planned placement's request names the referral's accepted match (422 when it
    names none, 409 `match_not_accepted` when the match is not that one)."""
    if match_id is None:
        if urgency == "planned":
            raise InvalidInput(
                "A planned placement's funding request names its accepted match (match_id).",
                rule="R6",
                loc=("body", "match_id"),
            )
        return
    if not (of_referral and accepted):
        raise MatchNotAccepted(
            "match_id must be this referral's accepted match: costings follow the match."
        )


def check_breakdown(weekly_cost_pence: int, breakdown: Mapping[str, int] | None) -> None:
    """R6: a cost breakdown, when given, sums to the weekly cost."""
    if breakdown is None:
        return
    total = sum(int(breakdown.get(part, 0)) for part in BREAKDOWN_PARTS)
    if total != weekly_cost_pence:
        raise InvalidInput(
            f"cost_breakdown sums to {total} pence, not weekly_cost_pence {weekly_cost_pence}.",
            rule="R6",
            loc=("body", "cost_breakdown"),
        )


def check_not_superseded(status: str) -> None:
    """R6: a superseded request can't be edited, submitted or decided."""
    if status == "superseded":
        raise FundingSuperseded(
            "This request's match was declined or withdrawn: write a request for the new match."
        )


def needs_funding_panel(service: str) -> bool:
    return service in FUNDING_PANEL_SERVICES


def check_decision_authority(
    *,
    service: str,
    roles: Collection[str],
    panel_date: date | None,
    today: date,
) -> None:
    """R6: who may decide a request, and when.

    Supported living: only a `panel_member`, at a funding panel booking naming the request
    (`panel_date` is that panel's date, None when there is no booking), on or after the
    panel's date. Every other service: a team manager signs it off."""
    if needs_funding_panel(service):
        if "panel_member" not in roles or panel_date is None:
            raise FundingPanelRequired(
                "Supported living funding is decided by a panel member at the funding panel "
                "the request is booked into."
            )
        if today < panel_date:
            raise PanelNotYetHeld(
                f"The funding panel meets on {panel_date.isoformat()}: decide on or after it."
            )
        return
    if "team_manager" not in roles:
        raise TeamManagerRequired("A team manager signs off this funding request (R6).")


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


def check_funding_for_placement(
    urgency: str, match_id: object | None, approved_match_ids: Collection[object]
) -> None:
    """R6: a planned placement needs an approved funding request for the match being
    placed; an emergency placement is confirmed first and its request submitted after."""
    if urgency == "emergency":
        return
    if match_id is None or match_id not in approved_match_ids:
        raise FundingNotApproved(
            "A planned placement cannot be confirmed until a funding request for the match "
            "being placed is approved."
        )


def decision_due(submitted_on: date, calendar: WorkingCalendar, working_days: int) -> date:
    """The day a submitted request should be decided by: `working_days` (policy
    `funding_decision_working_days`) working days after the day it was submitted."""
    return add_working_days(submitted_on, calendar, working_days)


def add_working_days(start: date, calendar: WorkingCalendar, working_days: int) -> date:
    """`working_days` working days after `start` (the day itself when 0)."""
    current = start
    remaining = working_days
    while remaining > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current
