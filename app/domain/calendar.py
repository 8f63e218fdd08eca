"""Working days and London days (R3, R18).

Working days exclude weekends and the bank holidays of the authority's UK nation,
taken from the `holidays` library. `holidays` also lists a bank holiday that falls
on a weekend beside its observed weekday, so a working day is simply a weekday
that is not in the calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

_SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=8)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    try:
        subdiv = _SUBDIVISIONS[nation]
    except KeyError:
        raise ValueError(f"unknown UK nation {nation!r}") from None
    return holidays.country_holidays("GB", subdiv=subdiv)


class WorkingCalendar:
    """Weekdays that are not bank holidays in one UK nation."""

    def __init__(self, nation: str = "england-and-wales") -> None:
        self.nation = nation
        self._holidays = _bank_holidays(nation)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def bank_holiday(self, day: date) -> str | None:
        name = self._holidays.get(day)
        return str(name) if name else None

    def working_days_before(self, day: date, count: int) -> date:
        """The date `count` working days before `day` (not counting `day` itself)."""
        current = day
        remaining = count
        while remaining > 0:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_after(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (not counting `day` itself)."""
        current = day
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current


def end_of_day(day: date, tz: ZoneInfo = LONDON) -> datetime:
    """23:59:59 local time on `day`, as an aware datetime (right in GMT and BST)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


def local_date(moment: datetime, tz: ZoneInfo = LONDON) -> date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are always aware")
    return moment.astimezone(tz).date()
