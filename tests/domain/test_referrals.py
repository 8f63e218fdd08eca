"""R1 referral lifecycle table, exhaustively; R2 emergency submit."""

from __future__ import annotations

import itertools

import pytest

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.referrals import REFERRAL, start_matching_action, submit_action

EXPECTED = {
    ("draft", "submit"): "submitted",
    ("draft", "submit_emergency"): "matching",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "book_panel"): "panel",
    ("submitted", "start_matching"): "matching",
    ("submitted", "withdraw"): "withdrawn",
    ("panel", "panel_approved"): "matching",
    ("panel", "panel_not_approved"): "submitted",
    ("panel", "withdraw"): "withdrawn",
    ("matching", "match_accepted"): "matched",
    ("matching", "place_emergency"): "placed",
    ("matching", "withdraw"): "withdrawn",
    ("matched", "place"): "placed",
    ("matched", "match_released"): "matching",
    ("matched", "withdraw"): "withdrawn",
    ("placed", "close"): "closed",
}


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(sorted(REFERRAL.states), sorted(REFERRAL.actions)))
)
def test_r1_every_state_and_action(state: str, action: str) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as info:
            REFERRAL.transition(state, action)
        assert info.value.rule == "R1" and info.value.code == "invalid_transition"
    else:
        assert REFERRAL.transition(state, action) == expected


def test_r1_withdrawn_and_closed_are_final() -> None:
    assert REFERRAL.allowed("withdrawn") == [] and REFERRAL.allowed("closed") == []


def test_r2_emergency_submit_skips_panel() -> None:
    assert submit_action("emergency", "foster_care") == "submit_emergency"
    assert submit_action("planned", "supported_living") == "submit"
    with pytest.raises(InvalidInput) as info:
        submit_action("emergency", "supported_living")
    assert info.value.rule == "R2" and info.value.status == 422


def test_r1_supported_living_must_pass_panel_before_matching() -> None:
    assert start_matching_action("submitted", "foster_care") == "start_matching"
    assert start_matching_action("matching", "supported_living") is None
    with pytest.raises(InvalidTransition):
        start_matching_action("submitted", "supported_living")
