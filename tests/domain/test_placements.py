"""R7 placement transitions, R1/R2 placing actions, and the R2 follow-ups."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.placements import (
    FOLLOW_UPS,
    PLACEMENT,
    EndDateInFuture,
    FollowUpsOutstanding,
    PersonAlreadyPlaced,
    check_courtesy_call,
    check_end_date,
    check_follow_ups_done,
    check_person_free,
    follow_up_due,
    follow_ups,
    follow_ups_for,
    place_action,
)
from app.domain.referrals import REFERRAL


@pytest.mark.parametrize("state", ["active", "ended"])
@pytest.mark.parametrize("action", ["end"])
def test_r7_every_state_and_action(state: str, action: str) -> None:
    if state == "active":
        assert PLACEMENT.transition(state, action) == "ended"
    else:
        with pytest.raises(InvalidTransition) as refused:
            PLACEMENT.transition(state, action)
        assert refused.value.rule == "R7"


@pytest.mark.parametrize(
    ("urgency", "status", "placed"),
    [
        ("planned", "matched", True),
        ("emergency", "matched", True),
        ("emergency", "matching", True),
        ("planned", "matching", False),
        ("planned", "submitted", False),
        ("emergency", "draft", False),
        ("planned", "placed", False),
        ("emergency", "closed", False),
        ("planned", "withdrawn", False),
    ],
)
def test_r1_r2_which_referrals_can_be_placed(urgency: str, status: str, placed: bool) -> None:
    action = place_action(urgency, status)
    if placed:
        assert REFERRAL.transition(status, action) == "placed"
    else:
        with pytest.raises(InvalidTransition) as refused:
            REFERRAL.transition(status, action)
        assert refused.value.rule == "R1"


def test_r7_one_active_placement_per_person() -> None:
    check_person_free(False)
    with pytest.raises(PersonAlreadyPlaced) as refused:
        check_person_free(True)
    assert (refused.value.code, refused.value.rule) == ("person_already_placed", "R7")


def test_r7_end_date_not_before_start_nor_after_today() -> None:
    today = date(2026, 1, 5)
    check_end_date(date(2026, 1, 1), date(2026, 1, 1), today)
    check_end_date(date(2026, 1, 1), today, today)
    with pytest.raises(InvalidInput):
        check_end_date(date(2026, 1, 2), date(2026, 1, 1), today)
    with pytest.raises(EndDateInFuture) as refused:
        check_end_date(date(2026, 1, 1), date(2026, 1, 6), today)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "end_date_in_future",
        "R7",
        422,
    )


def test_r2_courtesy_call_once() -> None:
    check_courtesy_call(None)
    with pytest.raises(InvalidTransition) as refused:
        check_courtesy_call(date(2026, 1, 1))
    assert refused.value.rule == "R2"


def test_r2_follow_ups_in_seed_order_and_close_check() -> None:
    done = {"placement_confirmed": True, "courtesy_call": True, "tac_duty_alerted": True}
    items = follow_ups("foster_care", done)
    assert items == [
        ("placement_confirmed", True),
        ("tac_duty_alerted", True),
        ("csw_informed", False),
        ("funding_request_submitted", False),
        ("courtesy_call", True),
        ("sustainability_reviewed", False),
    ]
    with pytest.raises(FollowUpsOutstanding) as refused:
        check_follow_ups_done(items)
    assert (refused.value.code, refused.value.rule) == ("follow_ups_outstanding", "R2")
    assert "funding_request_submitted" in refused.value.detail
    check_follow_ups_done([(k, True) for k in FOLLOW_UPS])
    # R21: a residential home also has its admission documents as a follow-up.
    assert [k for k, _ in follow_ups("residential", {})] == list(FOLLOW_UPS)
    assert "admission_documents" not in follow_ups_for("foster_care")


def test_r2_follow_up_due_days_after_start() -> None:
    assert follow_up_due(date(2026, 2, 28), 1) == date(2026, 3, 1)
    assert follow_up_due(date(2028, 2, 28), 1) == date(2028, 2, 29)
