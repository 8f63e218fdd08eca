"""R12-R17 with pinned dates: what a confirmation schedules, the schedules as policy stages
(working days over bank holidays, month ends, leap years), the CLA series across a move,
R15's next-date choice (intervals are maxima), R16's checks."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from app.domain.calendar import WorkingCalendar
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy
from app.domain.reviews import (
    REVIEW,
    NextReviewTooLate,
    QaVisitNotApplicable,
    ReviewNotApplicable,
    Series,
    add_months,
    add_stage,
    applicable_kinds,
    check_applicable,
    check_held_on,
    check_previous_actions,
    check_record_kind,
    choose_next,
    due_after,
    next_due,
    on_confirmation,
    series_continues,
)

POLICY = Policy()
CAL = WorkingCalendar("england-and-wales")
START = date(2026, 12, 1)


def kinds(cohort: str, service: str, external: bool = False) -> dict[str, date]:
    return {
        s.kind: s.due_on
        for s in on_confirmation(
            cohort=cohort, service=service, external=external, start=START, policy=POLICY, cal=CAL
        )
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 10, 31), 12, date(2027, 10, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_r12_r13_child_in_residential_gets_cla_and_support_plan() -> None:
    assert kinds("child", "residential") == {
        "cla": date(2026, 12, 29),
        "support_plan": date(2027, 1, 1),
    }


def test_r12_child_in_foster_care_gets_cla_only() -> None:
    assert kinds("child", "foster_care") == {"cla": date(2026, 12, 29)}


def test_r14_shared_lives_first_review_in_8_weeks() -> None:
    assert kinds("adult", "shared_lives") == {"shared_lives": date(2027, 1, 26)}


def test_r14_supported_living_adult_gets_care_and_support_reviews() -> None:
    assert kinds("adult", "supported_living") == {"care_and_support": date(2027, 1, 26)}


def test_r17_external_provider_gets_annual_qa_visit() -> None:
    assert kinds("adult", "supported_living", external=True) == {
        "care_and_support": date(2027, 1, 26),
        "qa_visit": date(2027, 12, 1),
    }
    assert kinds("child", "foster_care", external=True)["qa_visit"] == date(2027, 12, 1)


def test_r12_statutory_minimum_stages_20_working_days_over_christmas() -> None:
    # 20 working days from Tuesday 1 Dec 2026 skip the weekends, Christmas Day (Friday)
    # and Boxing Day (a Saturday, observed Monday 28 Dec): day 20 is Thursday 31 Dec, two
    # days later than weekends alone would make it.
    policy = Policy(cla_review_stages=["20wd", "3m", "6m"])
    assert due_after("cla", START, 1, policy, CAL) == date(2026, 12, 31)
    assert due_after("cla", date(2027, 1, 4), 2, policy, CAL) == date(2027, 4, 4)
    # The last stage repeats: the third and every later one six months on.
    assert due_after("cla", date(2027, 4, 1), 3, policy, CAL) == date(2027, 10, 1)
    assert due_after("cla", date(2027, 8, 31), 9, policy, CAL) == date(2028, 2, 29)


def test_working_days_stage_over_easter() -> None:
    # Thursday 1 April 2027: Good Friday 26 Mar and Easter Monday 29 Mar 2027 are past;
    # from Wed 24 Mar 2027, 5 working days skip Good Friday and Easter Monday.
    assert add_stage(date(2027, 3, 24), "5wd", CAL) == date(2027, 4, 2)
    assert add_stage(date(2027, 3, 24), "5wd", WorkingCalendar("scotland")) == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("kind", "sequence", "anchor", "expected"),
    [
        ("cla", 1, date(2028, 2, 1), date(2028, 2, 29)),  # 28 days in a leap February
        ("cla", 2, date(2027, 11, 30), date(2028, 2, 29)),  # 3 months clamped, leap year
        ("cla", 7, date(2027, 1, 31), date(2027, 4, 30)),  # last stage repeats
        ("shared_lives", 1, date(2027, 12, 31), date(2028, 2, 25)),  # 8 weeks
        ("care_and_support", 2, date(2028, 2, 29), date(2029, 2, 28)),  # yearly
        ("support_plan", 4, date(2027, 1, 31), date(2027, 2, 28)),  # monthly
    ],
)
def test_default_stages(kind: str, sequence: int, anchor: date, expected: date) -> None:
    assert due_after(kind, anchor, sequence, POLICY, CAL) == expected


def test_stages_are_validated_policy() -> None:
    for bad in ([], ["28"], ["0d"], ["3 months"], ["2q"]):
        with pytest.raises(ValidationError):
            Policy(cla_review_stages=bad)
    assert Policy(adult_review_stages=["6w", "1y"]).adult_review_stages == ["6w", "1y"]


def test_r12_a_move_mid_series_keeps_the_next_due_date() -> None:
    # The child moved on 10 Feb 2027 (old placement ended that day or the day before);
    # their third CLA review was already due on 30 Apr 2027.
    assert series_continues(date(2027, 2, 9), date(2027, 2, 10))
    assert series_continues(date(2027, 2, 10), date(2027, 2, 10))
    assert not series_continues(date(2027, 2, 8), date(2027, 2, 10))
    assert not series_continues(None, date(2027, 2, 10))
    out = on_confirmation(
        cohort="child",
        service="residential",
        external=False,
        start=date(2027, 2, 10),
        policy=POLICY,
        cal=CAL,
        carried={"cla": Series(due_on=date(2027, 4, 30), sequence=3)},
    )
    got = {s.kind: (s.due_on, s.sequence, s.carried) for s in out}
    assert got == {
        "cla": (date(2027, 4, 30), 3, True),  # not 28 days after the new start
        "support_plan": (date(2027, 3, 10), 1, False),
    }


def test_policy_numbers_are_used() -> None:
    policy = Policy(cla_review_stages=["20d", "2m"], adult_review_stages=["4w", "12m"])
    out = on_confirmation(
        cohort="child", service="foster_care", external=False, start=START, policy=policy, cal=CAL
    )
    assert [(s.kind, s.due_on, s.rule) for s in out] == [("cla", date(2026, 12, 21), "R12")]
    assert next_due("cla", date(2027, 1, 31), policy, CAL) == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("kind", "held", "expected"),
    [
        ("cla", date(2027, 1, 31), date(2027, 4, 30)),
        ("support_plan", date(2028, 1, 30), date(2028, 2, 29)),
        ("shared_lives", date(2028, 2, 29), date(2029, 2, 28)),
        ("qa_visit", date(2027, 5, 10), date(2028, 5, 10)),
    ],
)
def test_next_due_after_held(kind: str, held: date, expected: date) -> None:
    assert next_due(kind, held, POLICY, CAL) == expected


def test_r12_r14_next_review_earlier_allowed_never_later() -> None:
    held = date(2027, 1, 31)
    assert choose_next("cla", held, None, POLICY, CAL) == date(2027, 4, 30)
    assert choose_next("cla", held, date(2027, 3, 1), POLICY, CAL) == date(2027, 3, 1)
    assert choose_next("cla", held, date(2027, 4, 30), POLICY, CAL) == date(2027, 4, 30)
    with pytest.raises(NextReviewTooLate) as refused:
        choose_next("cla", held, date(2027, 5, 1), POLICY, CAL)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "next_review_too_late",
        "R12",
        422,
    )
    with pytest.raises(NextReviewTooLate) as adult:
        choose_next("care_and_support", held, date(2028, 2, 1), POLICY, CAL)
    assert adult.value.rule == "R14"
    with pytest.raises(InvalidInput):
        choose_next("cla", held, held, POLICY, CAL)


def test_r15_record_kind_and_previous_actions() -> None:
    check_record_kind("cla", "cla")
    with pytest.raises(InvalidInput) as refused:
        check_record_kind("cla", "shared_lives")
    assert (refused.value.loc, refused.value.rule) == (("body", "kind"), "R15")
    check_previous_actions(["a"], ["a", "b"])
    with pytest.raises(InvalidInput) as unknown:
        check_previous_actions(["a", "z"], ["a"])
    assert unknown.value.loc == ("body", "previous_actions", "1", "action_id")


def test_r15_held_on_not_in_future() -> None:
    start = date(2026, 12, 1)
    check_held_on(date(2027, 1, 1), date(2027, 1, 1), start)
    check_held_on(start, date(2027, 1, 1), start)
    with pytest.raises(InvalidInput):
        check_held_on(date(2027, 1, 2), date(2027, 1, 1), start)
    with pytest.raises(InvalidInput):
        check_held_on(date(2026, 11, 30), date(2027, 1, 1), start)


def test_r15_review_states() -> None:
    assert REVIEW.transition("scheduled", "record") == "held"
    assert REVIEW.transition("scheduled", "cancel") == "cancelled"
    for state in ("held", "cancelled"):
        with pytest.raises(InvalidTransition) as refused:
            REVIEW.transition(state, "record")
        assert refused.value.rule == "R15"
    assert REVIEW.states == {"scheduled", "held", "cancelled"}


def test_extra_review_kinds_must_apply() -> None:
    assert applicable_kinds(cohort="child", service="residential") == {
        "cla",
        "support_plan",
        "qa_visit",
    }
    assert applicable_kinds(cohort="adult", service="shared_lives") == {"shared_lives", "qa_visit"}
    assert applicable_kinds(cohort="adult", service="supported_living") == {
        "care_and_support",
        "qa_visit",
    }
    assert applicable_kinds(cohort="child", service="foster_care", external=False) == {"cla"}
    check_applicable("qa_visit", cohort="adult", service="supported_living")
    with pytest.raises(QaVisitNotApplicable) as in_house:
        check_applicable("qa_visit", cohort="child", service="foster_care", external=False)
    assert (in_house.value.code, in_house.value.rule) == ("qa_visit_not_applicable", "R17")
    with pytest.raises(ReviewNotApplicable) as refused:
        check_applicable("cla", cohort="adult", service="shared_lives")
    assert (refused.value.code, refused.value.rule) == ("review_kind_not_applicable", "R12")
