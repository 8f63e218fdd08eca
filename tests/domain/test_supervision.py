"""R11 supervision: dates 4 and 8 weeks after the date held (month ends, year end, leap
day), the outcome table, and the status table exhaustively."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy
from app.domain.supervision import (
    OUTCOMES,
    STATUSES,
    SUPERVISION,
    check_held_on,
    next_due,
    weeks_for,
)

POLICY = Policy()


@pytest.mark.parametrize(
    ("held_on", "outcome", "due"),
    [
        (date(2026, 1, 30), "next_in_4_weeks", date(2026, 2, 27)),
        (date(2026, 1, 31), "next_in_4_weeks", date(2026, 2, 28)),
        (date(2026, 1, 31), "next_in_8_weeks", date(2026, 3, 28)),
        (date(2026, 3, 31), "next_in_4_weeks", date(2026, 4, 28)),
        (date(2026, 12, 10), "next_in_4_weeks", date(2027, 1, 7)),
        (date(2026, 12, 31), "next_in_8_weeks", date(2027, 2, 25)),
        (date(2027, 11, 20), "next_in_8_weeks", date(2028, 1, 15)),
        # Leap years: 2028-02-29 exists, and is reached and crossed.
        (date(2028, 2, 1), "next_in_4_weeks", date(2028, 2, 29)),
        (date(2028, 2, 29), "next_in_4_weeks", date(2028, 3, 28)),
        (date(2028, 2, 29), "next_in_8_weeks", date(2028, 4, 25)),
        (date(2028, 1, 4), "next_in_8_weeks", date(2028, 2, 29)),
        (date(2027, 2, 1), "next_in_4_weeks", date(2027, 3, 1)),
    ],
)
def test_r11_next_supervision_weeks_after_the_date_held(
    held_on: date, outcome: str, due: date
) -> None:
    assert next_due(held_on, outcome, POLICY) == due
    assert due.weekday() == held_on.weekday()


def test_r11_service_ended_schedules_none() -> None:
    assert next_due(date(2026, 5, 5), "service_ended", POLICY) is None


def test_r11_cadences_are_policy() -> None:
    policy = Policy(supervision_short_weeks=3, supervision_long_weeks=6)
    assert weeks_for("next_in_4_weeks", policy) == 3
    assert weeks_for("next_in_8_weeks", policy) == 6
    assert next_due(date(2026, 1, 1), "next_in_8_weeks", policy) == date(2026, 2, 12)
    assert [weeks_for(o, POLICY) for o in OUTCOMES] == [4, 8, None]
    with pytest.raises(InvalidInput):
        weeks_for("weekly", POLICY)


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(STATUSES, sorted(SUPERVISION.actions)))
)
def test_r11_status_table_exhaustively(status: str, action: str) -> None:
    allowed = {("scheduled", "hold"): "held", ("scheduled", "cancel"): "cancelled"}
    expected = allowed.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            SUPERVISION.transition(status, action)
        assert refused.value.rule == "R11"
    else:
        assert SUPERVISION.transition(status, action) == expected
    assert SUPERVISION.states == set(STATUSES)


def test_r11_held_on_cannot_be_in_the_future() -> None:
    check_held_on(date(2026, 3, 2), date(2026, 3, 2))
    check_held_on(date(2026, 3, 1), date(2026, 3, 2))
    with pytest.raises(InvalidInput) as refused:
        check_held_on(date(2026, 3, 3), date(2026, 3, 2))
    assert refused.value.rule == "R11"
