"""Reviews and plans (R12-R15, R17, seeds 002 and 004).

Confirming a placement schedules the reviews that apply: a child in a foster or
residential placement gets CLA reviews (R12), a child in a residential home support
plan reviews (R13), a Shared Lives placement its reviews (R14), an external placement
QA visits (R17). A held review schedules the next one of its kind: the date held plus
the interval, months clamped to the end of a shorter month (31 Jan + 3 months = 30 Apr).
A review record may bring the next date forward; putting it later needs a reason (R15).
Every number comes from the `Policy`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.errors import DomainError, InvalidInput
from app.domain.policy import Policy
from app.domain.statemachine import StateMachine

REVIEW = StateMachine(
    name="review",
    rule="R15",
    table={
        "scheduled": {"record": "held", "cancel": "cancelled"},
        "held": {},
        "cancelled": {},
    },
)

REVIEW_KINDS: tuple[str, ...] = ("cla", "support_plan", "shared_lives", "qa_visit")
# The rule that sets each kind's due dates (R18: stored with the deadline).
KIND_RULES: dict[str, str] = {
    "cla": "R12",
    "support_plan": "R13",
    "shared_lives": "R14",
    "qa_visit": "R17",
}
KIND_TITLES: dict[str, str] = {
    "cla": "CLA review due",
    "support_plan": "Support plan review due",
    "shared_lives": "Shared Lives review due",
    "qa_visit": "QA visit due",
}


class PlacementEnded(DomainError):
    code = "placement_ended"
    rule = "R15"
    title = "The placement has ended"


@dataclass(frozen=True)
class Scheduled:
    kind: str
    due_on: date

    @property
    def rule(self) -> str:
        return KIND_RULES[self.kind]


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def interval_months(kind: str, policy: Policy) -> int:
    return {
        "cla": policy.cla_review_interval_months,
        "support_plan": policy.support_plan_review_interval_months,
        "shared_lives": policy.shared_lives_review_interval_months,
        "qa_visit": policy.qa_visit_interval_months,
    }[kind]


class ReviewNotApplicable(DomainError):
    code = "review_kind_not_applicable"
    rule = "R14"
    title = "That kind of review does not apply to this placement"


def applicable_kinds(*, cohort: str, service: str) -> frozenset[str]:
    """The kinds of review a placement can have: CLA for a child in foster or residential
    care (R12), support plan for a child in a residential home (R13), Shared Lives (R14);
    a QA visit for any placement (R17: the placements manager may ask for an extra one)."""
    kinds = {"qa_visit"}
    if cohort == "child" and service in ("residential", "foster_care"):
        kinds.add("cla")
    if cohort == "child" and service == "residential":
        kinds.add("support_plan")
    if service == "shared_lives":
        kinds.add("shared_lives")
    return frozenset(kinds)


def check_applicable(kind: str, *, cohort: str, service: str) -> None:
    if kind not in applicable_kinds(cohort=cohort, service=service):
        raise ReviewNotApplicable(
            f"A {kind} review does not apply to a {cohort}'s {service} placement.",
            rule=KIND_RULES[kind],
        )


def on_confirmation(
    *, cohort: str, service: str, external: bool, start: date, policy: Policy
) -> list[Scheduled]:
    """The reviews a newly confirmed placement needs (R12, R13, R14, R17)."""
    out: list[Scheduled] = []
    if cohort == "child" and service in ("residential", "foster_care"):
        out.append(Scheduled("cla", start + timedelta(days=policy.cla_first_review_days)))
    if cohort == "child" and service == "residential":
        out.append(
            Scheduled("support_plan", add_months(start, policy.support_plan_review_interval_months))
        )
    if service == "shared_lives":
        out.append(
            Scheduled(
                "shared_lives", start + timedelta(weeks=policy.shared_lives_first_review_weeks)
            )
        )
    if external:
        out.append(Scheduled("qa_visit", add_months(start, policy.qa_visit_interval_months)))
    return out


def next_due(kind: str, held_on: date, policy: Policy) -> date:
    """The next review of a kind after one held on `held_on` (R12-R14, R17)."""
    return add_months(held_on, interval_months(kind, policy))


def choose_next(
    kind: str,
    held_on: date,
    requested: date | None,
    reason: str | None,
    policy: Policy,
) -> date:
    """R15: the next review date. Default the interval after the date held; an earlier
    date may be set; a later one only with a reason; never on or before the date held."""
    default = next_due(kind, held_on, policy)
    if requested is None:
        return default
    if requested <= held_on:
        raise InvalidInput(
            "next_review_on must be after held_on.", rule="R15", loc=("body", "next_review_on")
        )
    if requested > default and not (reason and reason.strip()):
        raise InvalidInput(
            f"next_review_on is later than the interval allows ({default.isoformat()}): "
            "give a next_review_reason.",
            rule="R15",
            loc=("body", "next_review_reason"),
        )
    return requested


def check_held_on(held_on: date, today: date, placement_start: date) -> None:
    """R15: a review is recorded once held: not in the future, nor before the placement."""
    if held_on > today:
        raise InvalidInput("held_on cannot be in the future.", rule="R15", loc=("body", "held_on"))
    if held_on < placement_start:
        raise InvalidInput(
            "held_on cannot be before the placement's start date.",
            rule="R15",
            loc=("body", "held_on"),
        )
