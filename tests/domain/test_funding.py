"""R6 funding request transitions (every state x every action) and the decider rule."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.calendar import WorkingCalendar
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.funding import (
    FUNDING,
    DeciderIsAuthor,
    FundingNotApproved,
    check_decider,
    check_funding_for_placement,
    decision_action,
    decision_due,
    with_editor,
)

STATES = ("draft", "submitted", "approved", "rejected", "returned")
ACTIONS = ("edit", "submit", "approve", "reject", "return")
EXPECTED = {
    ("draft", "edit"): "draft",
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "return"): "returned",
    ("returned", "edit"): "returned",
    ("returned", "submit"): "submitted",
}


def test_r6_table_covers_exactly_the_documented_states_and_actions() -> None:
    assert FUNDING.states == set(STATES)
    assert FUNDING.actions == set(ACTIONS)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_r6_every_state_and_action(state: str, action: str) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            FUNDING.transition(state, action)
        assert refused.value.rule == "R6"
    else:
        assert FUNDING.transition(state, action) == expected


def test_r6_decider_cannot_be_author() -> None:
    check_decider("alice", "bob")
    with pytest.raises(DeciderIsAuthor) as refused:
        check_decider("alice", "alice")
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "decider_is_author",
        "R6",
        409,
    )


@pytest.mark.parametrize(
    ("outcome", "reason", "action"),
    [
        ("approved", None, "approve"),
        ("rejected", "Too costly", "reject"),
        ("returned", "Add the transport costs", "return"),
    ],
)
def test_r6_decision_outcomes(outcome: str, reason: str | None, action: str) -> None:
    assert decision_action(outcome, reason) == action


@pytest.mark.parametrize("outcome", ["rejected", "returned"])
def test_r6_rejected_and_returned_need_a_reason(outcome: str) -> None:
    with pytest.raises(InvalidInput):
        decision_action(outcome, "  ")


def test_r6_planned_placement_needs_approved_funding_emergency_does_not() -> None:
    check_funding_for_placement("planned", True)
    check_funding_for_placement("emergency", False)
    with pytest.raises(FundingNotApproved) as refused:
        check_funding_for_placement("planned", False)
    assert (refused.value.code, refused.value.rule) == ("funding_not_approved", "R6")


def test_r6_decision_due_counts_working_days_over_christmas() -> None:
    calendar = WorkingCalendar("england-and-wales")
    # Wednesday 2025-12-24: Thursday 25 and Friday 26 are bank holidays, then a weekend.
    assert decision_due(date(2025, 12, 24), calendar) == date(2025, 12, 30)
    # Monday 2026-11-23 -> Wednesday.
    assert decision_due(date(2026, 11, 23), calendar) == date(2026, 11, 25)


def test_r6_four_eyes_no_editor_or_submitter_decides() -> None:
    check_decider("alice", "carol", ["alice", "bob"], "bob")
    for decider, edited, submitted in (
        ("bob", ["alice", "bob"], None),
        ("bob", ["alice"], "bob"),
    ):
        with pytest.raises(DeciderIsAuthor):
            check_decider("alice", decider, edited, submitted)


def test_r6_with_editor_keeps_each_sub_once_in_order() -> None:
    assert with_editor([], "alice") == ["alice"]
    assert with_editor(["alice"], "bob") == ["alice", "bob"]
    assert with_editor(["alice", "bob"], "alice") == ["alice", "bob"]
