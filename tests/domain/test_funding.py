"""R6 funding request transitions (every state x every action) and the decider rule."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.calendar import WorkingCalendar
from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.funding import (
    FUNDING,
    DeciderIsAuthor,
    FundingNotApproved,
    FundingSuperseded,
    check_breakdown,
    check_decider,
    check_decision_authority,
    check_funding_for_placement,
    check_match_named,
    check_not_superseded,
    decision_action,
    decision_due,
    with_editor,
)
from app.domain.policy import Policy

STATES = ("draft", "submitted", "approved", "rejected", "returned", "superseded")
ACTIONS = ("edit", "submit", "approve", "reject", "return", "supersede")
EXPECTED = {
    # R6 revision 2: a declined or withdrawn match supersedes its open or approved requests.
    ("draft", "supersede"): "superseded",
    ("submitted", "supersede"): "superseded",
    ("returned", "supersede"): "superseded",
    ("approved", "supersede"): "superseded",
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


@pytest.mark.parametrize(
    ("urgency", "placed_match", "approved", "ok"),
    [
        # R6 revision 2: the approval must be for the match being placed.
        ("planned", "m1", {"m1"}, True),
        ("planned", "m2", {"m1"}, False),
        ("planned", "m1", set(), False),
        ("planned", None, {"m1"}, False),
        ("emergency", None, set(), True),
        ("emergency", "m1", set(), True),
    ],
)
def test_r6_planned_placement_needs_approved_funding_for_its_match(
    urgency: str, placed_match: str | None, approved: set[str], ok: bool
) -> None:
    if ok:
        check_funding_for_placement(urgency, placed_match, approved)
        return
    with pytest.raises(FundingNotApproved) as refused:
        check_funding_for_placement(urgency, placed_match, approved)
    assert (refused.value.code, refused.value.rule) == ("funding_not_approved", "R6")


def test_r6_decision_due_counts_working_days_over_christmas() -> None:
    calendar = WorkingCalendar("england-and-wales")
    # Wednesday 2025-12-24: Thursday 25 and Friday 26 are bank holidays, then a weekend.
    assert decision_due(date(2025, 12, 24), calendar, 2) == date(2025, 12, 30)
    # Monday 2026-11-23 -> Wednesday; the number is policy.
    assert decision_due(date(2026, 11, 23), calendar, 2) == date(2026, 11, 25)
    assert decision_due(date(2026, 11, 23), calendar, 5) == date(2026, 11, 30)
    assert Policy().funding_decision_working_days == 2


@pytest.mark.parametrize(
    ("urgency", "match_id", "accepted", "of_referral", "expected"),
    [
        ("planned", "m1", True, True, None),
        ("planned", None, False, False, "validation_error"),
        ("planned", "m1", False, True, "match_not_accepted"),
        ("planned", "m1", True, False, "match_not_accepted"),
        ("planned", "m1", False, False, "match_not_accepted"),
        ("emergency", None, False, False, None),
        ("emergency", "m1", False, True, "match_not_accepted"),
    ],
)
def test_r6_funding_request_names_the_accepted_match(
    urgency: str, match_id: str | None, accepted: bool, of_referral: bool, expected: str | None
) -> None:
    if expected is None:
        check_match_named(
            urgency=urgency, match_id=match_id, accepted=accepted, of_referral=of_referral
        )
        return
    with pytest.raises(DomainError) as refused:
        check_match_named(
            urgency=urgency, match_id=match_id, accepted=accepted, of_referral=of_referral
        )
    assert (refused.value.code, refused.value.rule) == (expected, "R6")


@pytest.mark.parametrize(
    ("breakdown", "ok"),
    [
        (None, True),
        ({"core_pence": 300_000, "additional_support_pence": 50_000}, True),
        (
            {
                "core_pence": 200_000,
                "additional_support_pence": 100_000,
                "education_pence": 40_000,
                "other_pence": 10_000,
            },
            True,
        ),
        ({"core_pence": 300_000}, False),
        ({"core_pence": 350_001}, False),
    ],
)
def test_r6_cost_breakdown_sums_to_the_weekly_cost(
    breakdown: dict[str, int] | None, ok: bool
) -> None:
    if ok:
        check_breakdown(350_000, breakdown)
        return
    with pytest.raises(InvalidInput) as refused:
        check_breakdown(350_000, breakdown)
    assert (refused.value.status, refused.value.rule) == (422, "R6")


def test_r6_superseded_request_cannot_be_used() -> None:
    check_not_superseded("approved")
    with pytest.raises(FundingSuperseded) as refused:
        check_not_superseded("superseded")
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "funding_superseded",
        "R6",
        409,
    )


PANEL_DAY = date(2026, 3, 26)  # a Thursday, in GMT; BST starts Sunday 29 March


@pytest.mark.parametrize(
    ("service", "roles", "panel_date", "today", "expected"),
    [
        ("foster_care", {"team_manager"}, None, PANEL_DAY, None),
        ("residential", {"team_manager"}, None, PANEL_DAY, None),
        ("foster_care", {"panel_member"}, None, PANEL_DAY, "forbidden"),
        ("supported_living", {"panel_member"}, PANEL_DAY, PANEL_DAY, None),
        ("supported_living", {"panel_member"}, PANEL_DAY, date(2026, 3, 30), None),
        (
            "supported_living",
            {"panel_member"},
            PANEL_DAY,
            date(2026, 3, 25),
            "panel_not_yet_held",
        ),
        ("supported_living", {"team_manager"}, PANEL_DAY, PANEL_DAY, "funding_panel_required"),
        ("supported_living", {"panel_member"}, None, PANEL_DAY, "funding_panel_required"),
    ],
)
def test_r6_who_decides_and_when(
    service: str, roles: set[str], panel_date: date | None, today: date, expected: str | None
) -> None:
    if expected is None:
        check_decision_authority(service=service, roles=roles, panel_date=panel_date, today=today)
        return
    with pytest.raises(DomainError) as refused:
        check_decision_authority(service=service, roles=roles, panel_date=panel_date, today=today)
    assert (refused.value.code, refused.value.rule) == (expected, "R6")


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
