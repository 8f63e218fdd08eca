"""R18: work item states by Europe/London days, in GMT and BST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.calendar import end_of_day
from app.domain.work import due_at_for_date, london_day_bounds, work_state


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_date_deadline_is_end_of_london_day_in_winter_and_summer() -> None:
    assert due_at_for_date(date(2026, 1, 15)).astimezone(UTC) == utc(2026, 1, 15, 23, 59, 59)
    assert due_at_for_date(date(2026, 7, 15)).astimezone(UTC) == utc(2026, 7, 15, 22, 59, 59)
    assert end_of_day(date(2026, 7, 15)).utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (utc(2026, 7, 14, 12, 0), "upcoming"),
        (utc(2026, 7, 14, 22, 59, 59), "upcoming"),
        (utc(2026, 7, 14, 23, 0, 0), "due"),  # midnight in London (BST) on the 15th
        (utc(2026, 7, 15, 22, 59, 59), "due"),
        (utc(2026, 7, 15, 23, 0, 0), "overdue"),
        (utc(2026, 8, 1), "overdue"),
    ],
)
def test_r18_state_of_a_summer_date_deadline(now: datetime, state: str) -> None:
    assert work_state(due_at_for_date(date(2026, 7, 15)), now) == state


def test_r18_alert_is_due_when_made_and_overdue_the_next_day() -> None:
    made = utc(2026, 3, 10, 9, 30)
    assert work_state(made, made) == "due"
    assert work_state(made, utc(2026, 3, 10, 23, 59)) == "due"
    assert work_state(made, utc(2026, 3, 11, 0, 1)) == "overdue"


def test_r18_clock_change_day_bounds() -> None:
    # 29 March 2026: clocks go forward at 01:00 GMT; the London day is 23 hours long.
    start, end = london_day_bounds(utc(2026, 3, 29, 12, 0))
    assert start.astimezone(UTC) == utc(2026, 3, 29, 0, 0)
    assert end.astimezone(UTC) == utc(2026, 3, 29, 23, 0)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 23 * 3600
    # 25 October 2026: clocks go back; a 25-hour day.
    start, end = london_day_bounds(utc(2026, 10, 25, 12, 0))
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        work_state(datetime(2026, 1, 1), utc(2026, 1, 1))
