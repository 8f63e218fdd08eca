"""Work items (R18): every deadline shows as upcoming, due today or overdue.

The state is never stored: it is computed at read time from the deadline and
"now", by Europe/London days. A date-only deadline is due at 23:59:59 London time
on its day; an alert is due when made.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from app.domain.calendar import LONDON, end_of_day, local_date

WorkState = Literal["upcoming", "due", "overdue"]
WORK_STATES: tuple[WorkState, ...] = ("upcoming", "due", "overdue")


def work_state(due_at: datetime, now: datetime) -> WorkState:
    """Upcoming before its London day, due on it, overdue once that day has passed."""
    due_day = local_date(due_at, LONDON)
    today = local_date(now, LONDON)
    if due_day > today:
        return "upcoming"
    if due_day == today:
        return "due"
    return "overdue"


def due_at_for_date(day: date) -> datetime:
    """A date-only deadline falls due at the end of that London day."""
    return end_of_day(day, LONDON)


# Work items that are closed by being read (R10 alerts, R15 review records).
ACKNOWLEDGEABLE_KINDS: frozenset[str] = frozenset({"case_note_alert", "review_record"})


def london_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The start of today and of tomorrow in London, as aware datetimes."""
    from datetime import time, timedelta

    today = local_date(now, LONDON)
    start = datetime.combine(today, time(0, 0), tzinfo=LONDON)
    end = datetime.combine(today + timedelta(days=1), time(0, 0), tzinfo=LONDON)
    return start, end
