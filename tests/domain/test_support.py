"""R8 support requests: the status table, exhaustively, and the submit/decision rules."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy
from app.domain.support import (
    STATUSES,
    SUPPORT_REQUEST,
    RiskAssessmentRequired,
    check_nfa_reason,
    check_provider_service,
    check_submit,
    decision_action,
    first_supervision_due,
)

ALLOWED = {
    ("draft", "submit"): "submitted",
    ("submitted", "allocate"): "allocated",
    ("submitted", "not_allocate"): "not_allocated",
    ("allocated", "close"): "closed",
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(STATUSES, sorted(SUPPORT_REQUEST.actions)))
)
def test_r8_transition_table_exhaustively(status: str, action: str) -> None:
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            SUPPORT_REQUEST.transition(status, action)
        assert refused.value.rule == "R8" and refused.value.code == "invalid_transition"
    else:
        assert SUPPORT_REQUEST.transition(status, action) == expected


def test_r8_states_are_the_documented_ones() -> None:
    assert SUPPORT_REQUEST.states == set(STATUSES)
    assert SUPPORT_REQUEST.allowed("not_allocated") == []
    assert SUPPORT_REQUEST.allowed("closed") == []


def test_r8_submit_needs_a_risk_assessment() -> None:
    with pytest.raises(RiskAssessmentRequired) as refused:
        check_submit({"placement_plan", "other"})
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "risk_assessment_required",
        "R8",
        409,
    )
    with pytest.raises(RiskAssessmentRequired):
        check_submit(set())
    check_submit({"other", "risk_assessment"})


def test_r8_only_foster_carers() -> None:
    check_provider_service("foster_care")
    for service in ("residential", "supported_living", "shared_lives"):
        with pytest.raises(InvalidInput) as refused:
            check_provider_service(service)
        assert refused.value.status == 422 and refused.value.rule == "R8"


def test_r8_nfa_reason_from_policy() -> None:
    policy = Policy()
    assert check_nfa_reason("carer_declined_support", policy) == "carer_declined_support"
    for bad in (None, "", "bored"):
        with pytest.raises(InvalidInput):
            check_nfa_reason(bad, policy)
    custom = Policy(nfa_reasons=["moved_away"])
    assert check_nfa_reason("moved_away", custom) == "moved_away"
    with pytest.raises(InvalidInput):
        check_nfa_reason("carer_declined_support", custom)


def test_r8_decision_actions() -> None:
    assert decision_action(True) == "allocate"
    assert decision_action(False) == "not_allocate"


@pytest.mark.parametrize(
    ("allocated_on", "weeks", "due"),
    [
        (date(2026, 1, 5), 4, date(2026, 2, 2)),
        (date(2026, 1, 31), 4, date(2026, 2, 28)),
        (date(2026, 12, 15), 4, date(2027, 1, 12)),
        (date(2028, 2, 1), 4, date(2028, 2, 29)),
        (date(2026, 3, 1), 6, date(2026, 4, 12)),
    ],
)
def test_r8_first_supervision_due_weeks_after_allocation(
    allocated_on: date, weeks: int, due: date
) -> None:
    assert first_supervision_due(allocated_on, Policy(first_supervision_weeks=weeks)) == due
