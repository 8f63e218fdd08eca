"""Working days by UK nation, from the holidays library (R3, R18)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.calendar import WorkingCalendar


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    england = WorkingCalendar("england-and-wales")
    assert not england.is_working_day(date(2026, 11, 21))  # Saturday
    assert not england.is_working_day(date(2025, 12, 25))
    assert not england.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not england.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert england.is_working_day(date(2026, 11, 23))


def test_observed_bank_holiday_after_a_weekend_christmas() -> None:
    # Christmas 2027 is a Saturday and Boxing Day a Sunday: 27 and 28 December are off.
    england = WorkingCalendar("england-and-wales")
    assert not england.is_working_day(date(2027, 12, 27))
    assert not england.is_working_day(date(2027, 12, 28))
    assert england.is_working_day(date(2027, 12, 29))


def test_nations_differ() -> None:
    england, scotland = WorkingCalendar("england-and-wales"), WorkingCalendar("scotland")
    ni = WorkingCalendar("northern-ireland")
    assert england.is_working_day(date(2026, 1, 2)) and not scotland.is_working_day(
        date(2026, 1, 2)
    )
    assert not england.is_working_day(date(2026, 4, 6)) and scotland.is_working_day(
        date(2026, 4, 6)
    )
    assert england.is_working_day(date(2026, 3, 17)) and not ni.is_working_day(date(2026, 3, 17))


def test_working_days_before() -> None:
    england = WorkingCalendar()
    assert england.working_days_before(date(2026, 1, 2), 3) == date(2025, 12, 29)
    assert england.working_days_before(date(2026, 4, 8), 3) == date(2026, 4, 1)
    assert england.working_days_before(date(2026, 11, 23), 3) == date(2026, 11, 18)
    assert england.working_days_before(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar("wessex")
