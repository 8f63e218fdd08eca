"""Reviews and plans (R12-R15, R17, seeds 002 and 004).

Confirming a placement schedules the reviews that apply: a child in a foster or
residential placement gets CLA reviews (R12), a child in a residential home support
plan reviews (R13), a Shared Lives placement its reviews (R14), an external placement
QA visits (R17). A held review schedules the next one of its kind: the date held plus
the interval, months clamped to the end of a shorter month (31 Jan + 3 months = 30 Apr).
Every interval is a maximum: a review record may bring the next date forward, never put
it later (422 `next_review_too_late`). CLA and adults' reviews run on policy stages
(`cla_review_stages`, `adult_review_stages`): the first stage from the placement start,
each next one from the date the previous review was held, the last stage repeating. The
CLA series follows the child: a move to another placement keeps the next due date
already set. Every number comes from the `Policy`; working days from the calendar.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.calendar import WorkingCalendar
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

REVIEW_KINDS: tuple[str, ...] = (
    "cla",
    "support_plan",
    "shared_lives",
    "care_and_support",
    "qa_visit",
)
# The rule that sets each kind's due dates (R18: stored with the deadline).
KIND_RULES: dict[str, str] = {
    "cla": "R12",
    "support_plan": "R13",
    "shared_lives": "R14",
    "care_and_support": "R14",
    "qa_visit": "R17",
}
KIND_TITLES: dict[str, str] = {
    "cla": "CLA review due",
    "support_plan": "Support plan review due",
    "shared_lives": "Shared Lives review due",
    "care_and_support": "Care and support review due",
    "qa_visit": "QA visit due",
}
# The adults' reviews (R14): the Care Act 2014 s27 considerations belong to these only.
ADULT_KINDS: frozenset[str] = frozenset({"shared_lives", "care_and_support"})


class PlacementEnded(DomainError):
    code = "placement_ended"
    rule = "R15"
    title = "The placement has ended"


@dataclass(frozen=True)
class Scheduled:
    kind: str
    due_on: date
    sequence: int = 1
    carried: bool = False

    @property
    def rule(self) -> str:
        return KIND_RULES[self.kind]


@dataclass(frozen=True)
class Series:
    """Where a person's series of one kind stands: the next due date already set and the
    number of the review it is (1 = the first)."""

    due_on: date
    sequence: int


class NextReviewTooLate(DomainError):
    code = "next_review_too_late"
    status = 422
    rule = "R12"
    title = "The next review is later than the rule allows"
    loc = ("body", "next_review_on")


class QaVisitNotApplicable(DomainError):
    code = "qa_visit_not_applicable"
    rule = "R17"
    title = "QA visits are for placements with external providers"


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


_STAGE = re.compile(r"^([1-9][0-9]{0,3})(d|wd|w|m|y)$")


def parse_stage(stage: str) -> tuple[int, str]:
    """ "28d" -> (28, "d"); units: d days, wd working days, w weeks, m months, y years."""
    found = _STAGE.match(stage)
    if found is None:
        raise ValueError(f"not a review stage: {stage!r}")
    return int(found.group(1)), found.group(2)


def add_stage(day: date, stage: str, cal: WorkingCalendar) -> date:
    """`day` plus one stage: months and years clamped to the end of a shorter month,
    working days counted over the calendar's weekends and bank holidays."""
    count, unit = parse_stage(stage)
    if unit == "d":
        return day + timedelta(days=count)
    if unit == "wd":
        return cal.working_days_after(day, count)
    if unit == "w":
        return day + timedelta(weeks=count)
    if unit == "m":
        return add_months(day, count)
    return add_months(day, 12 * count)


def stages(kind: str, policy: Policy) -> list[str]:
    """The schedule of a kind as stages (the last repeating)."""
    if kind == "cla":
        return list(policy.cla_review_stages)
    if kind in ADULT_KINDS:
        return list(policy.adult_review_stages)
    if kind == "support_plan":
        return [f"{policy.support_plan_review_interval_months}m"]
    if kind == "qa_visit":
        return [f"{policy.qa_visit_interval_months}m"]
    raise ValueError(f"unknown review kind {kind!r}")


def stage_for(kind: str, sequence: int, policy: Policy) -> str:
    """The stage that sets the due date of review number `sequence` (1 = the first)."""
    steps = stages(kind, policy)
    return steps[min(max(sequence, 1), len(steps)) - 1]


def due_after(kind: str, anchor: date, sequence: int, policy: Policy, cal: WorkingCalendar) -> date:
    """When review number `sequence` of a kind is due: its stage after `anchor` (the
    placement start for the first, the date the previous one was held after that)."""
    return add_stage(anchor, stage_for(kind, sequence, policy), cal)


class ReviewNotApplicable(DomainError):
    code = "review_kind_not_applicable"
    rule = "R14"
    title = "That kind of review does not apply to this placement"


def regular_kinds(*, cohort: str, service: str) -> list[str]:
    """The review series a person's placement runs, QA visits aside: CLA for a child in
    foster or residential care (R12), support plan for a child in a residential home
    (R13), the adults' review for every adult service (R14: `shared_lives` for Shared
    Lives, `care_and_support` for supported living)."""
    kinds: list[str] = []
    if cohort == "child" and service in ("residential", "foster_care"):
        kinds.append("cla")
    if cohort == "child" and service == "residential":
        kinds.append("support_plan")
    if cohort == "adult" and service == "shared_lives":
        kinds.append("shared_lives")
    if cohort == "adult" and service == "supported_living":
        kinds.append("care_and_support")
    return kinds


def applicable_kinds(*, cohort: str, service: str, external: bool = True) -> frozenset[str]:
    """The kinds of review a placement can have: its regular series, and QA visits when
    the provider is external (R17)."""
    kinds = set(regular_kinds(cohort=cohort, service=service))
    if external:
        kinds.add("qa_visit")
    return frozenset(kinds)


def check_applicable(kind: str, *, cohort: str, service: str, external: bool = True) -> None:
    if kind == "qa_visit" and not external:
        raise QaVisitNotApplicable(
            "QA visits are for placements with external providers; this provider is in-house."
        )
    if kind not in applicable_kinds(cohort=cohort, service=service, external=external):
        raise ReviewNotApplicable(
            f"A {kind} review does not apply to a {cohort}'s {service} placement.",
            rule=KIND_RULES[kind],
        )


def series_continues(previous_end: date | None, start: date) -> bool:
    """A move: the child's previous placement ended on the new one's start date or the
    day before, so the care is unbroken and the series goes on (R12)."""
    return previous_end is not None and previous_end >= start - timedelta(days=1)


def on_confirmation(
    *,
    cohort: str,
    service: str,
    external: bool,
    start: date,
    policy: Policy,
    cal: WorkingCalendar,
    carried: dict[str, Series] | None = None,
) -> list[Scheduled]:
    """The reviews a newly confirmed placement needs (R12, R13, R14, R17). A series in
    `carried` (the child's CLA series across a move) keeps its next due date and number;
    every other starts at its first stage from the placement start."""
    carried = carried or {}
    out: list[Scheduled] = []
    for kind in regular_kinds(cohort=cohort, service=service):
        series = carried.get(kind)
        if series is not None:
            out.append(Scheduled(kind, series.due_on, series.sequence, carried=True))
        else:
            out.append(Scheduled(kind, due_after(kind, start, 1, policy, cal), 1))
    if external:
        out.append(Scheduled("qa_visit", due_after("qa_visit", start, 1, policy, cal), 1))
    return out


def next_due(
    kind: str, held_on: date, policy: Policy, cal: WorkingCalendar, sequence: int = 2
) -> date:
    """The next review of a kind (number `sequence`) after one held on `held_on`."""
    return due_after(kind, held_on, sequence, policy, cal)


def choose_next(
    kind: str,
    held_on: date,
    requested: date | None,
    policy: Policy,
    cal: WorkingCalendar,
    sequence: int = 2,
) -> date:
    """The next review date: by default the rule's date (the stage after the date held);
    an earlier date may be set, never a later one (R12, R14: intervals are maxima), and
    never on or before the date held."""
    latest = next_due(kind, held_on, policy, cal, sequence)
    if requested is None:
        return latest
    if requested <= held_on:
        raise InvalidInput(
            "next_review_on must be after held_on.",
            rule=KIND_RULES[kind],
            loc=("body", "next_review_on"),
        )
    if requested > latest:
        raise NextReviewTooLate(
            f"next_review_on {requested.isoformat()} is later than the rule allows "
            f"({latest.isoformat()}): a review may be brought forward, never put back.",
            rule=KIND_RULES[kind],
        )
    return requested


def check_record_kind(review_kind: str, record_kind: str) -> None:
    """R15: the record's sections are those of the review's kind."""
    if review_kind != record_kind:
        raise InvalidInput(
            f"This is a {review_kind} review: its record has kind {review_kind!r}, "
            f"not {record_kind!r}.",
            rule="R15",
            loc=("body", "kind"),
        )


def check_previous_actions(given: list[str], owed: list[str]) -> None:
    """R15: the previous review's actions a record reports on are that review's own."""
    for index, action_id in enumerate(given):
        if action_id not in owed:
            raise InvalidInput(
                f"Action {action_id} is not one of the previous review's actions.",
                rule="R15",
                loc=("body", "previous_actions", str(index), "action_id"),
            )


def check_sent_on(sent_on: date, held_on: date, today: date) -> None:
    """R15: a record is sent after the review was held and not with a date to come."""
    if sent_on > today or sent_on < held_on:
        raise InvalidInput(
            "sent_on must lie between the date held and today.",
            rule="R15",
            loc=("body", "sent_on"),
        )


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
