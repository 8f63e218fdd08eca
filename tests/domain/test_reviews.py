"""R12-R15 and R17 with pinned dates: what a confirmation schedules, the next review after one
held (months clamped to month end), R15's next-date choice."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy
from app.domain.reviews import (
    REVIEW,
    ReviewNotApplicable,
    add_months,
    applicable_kinds,
    check_applicable,
    check_held_on,
    choose_next,
    next_due,
    on_confirmation,
)

POLICY = Policy()
START = date(2026, 12, 1)


def kinds(cohort: str, service: str, external: bool = False) -> dict[str, date]:
    return {
        s.kind: s.due_on
        for s in on_confirmation(
            cohort=cohort, service=service, external=external, start=START, policy=POLICY
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


def test_r17_external_provider_gets_annual_qa_visit() -> None:
    assert kinds("adult", "supported_living", external=True) == {"qa_visit": date(2027, 12, 1)}
    assert kinds("adult", "supported_living") == {}
    assert kinds("adult", "residential") == {}


def test_policy_numbers_are_used() -> None:
    policy = Policy(cla_first_review_days=20, shared_lives_first_review_weeks=4)
    out = on_confirmation(
        cohort="child", service="foster_care", external=False, start=START, policy=policy
    )
    assert [(s.kind, s.due_on, s.rule) for s in out] == [("cla", date(2026, 12, 21), "R12")]
    assert next_due("cla", date(2027, 1, 31), Policy(cla_review_interval_months=2)) == date(
        2027, 3, 31
    )


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
    assert next_due(kind, held, POLICY) == expected


def test_r15_next_review_earlier_allowed_later_needs_reason() -> None:
    held = date(2027, 1, 31)
    assert choose_next("cla", held, None, None, POLICY) == date(2027, 4, 30)
    assert choose_next("cla", held, date(2027, 3, 1), None, POLICY) == date(2027, 3, 1)
    assert choose_next("cla", held, date(2027, 4, 30), None, POLICY) == date(2027, 4, 30)
    with pytest.raises(InvalidInput) as refused:
        choose_next("cla", held, date(2027, 5, 1), None, POLICY)
    assert refused.value.rule == "R15" and refused.value.status == 422
    with pytest.raises(InvalidInput):
        choose_next("cla", held, date(2027, 5, 1), "  ", POLICY)
    assert choose_next("cla", held, date(2027, 5, 1), "IRO on leave", POLICY) == date(2027, 5, 1)
    with pytest.raises(InvalidInput):
        choose_next("cla", held, held, None, POLICY)


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
    assert applicable_kinds(cohort="adult", service="supported_living") == {"qa_visit"}
    check_applicable("qa_visit", cohort="adult", service="supported_living")
    with pytest.raises(ReviewNotApplicable) as refused:
        check_applicable("cla", cohort="adult", service="shared_lives")
    assert (refused.value.code, refused.value.rule) == ("review_kind_not_applicable", "R12")
