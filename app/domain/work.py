"""Work items (R18): every deadline shows as upcoming, due today or overdue.

The state is never stored: it is computed at read time from the deadline and
"now", by Europe/London days. A date-only deadline is due at 23:59:59 London time
on its day; an alert is due when made.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
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
    """The start of today and of tomorrow in London, as aware datetimes: an item is
    overdue when due before the first, due when due before the second, else upcoming
    (the same cut the database makes for counts, whatever the clocks did overnight)."""
    today = local_date(now, LONDON)
    start = datetime.combine(today, time(0, 0), tzinfo=LONDON)
    end = datetime.combine(today + timedelta(days=1), time(0, 0), tzinfo=LONDON)
    return start, end


def is_overdue(due_at: datetime, now: datetime) -> bool:
    return work_state(due_at, now) == "overdue"


# The API path of each kind of subject a work item can be about. A subject reached
# through its parent names the parent's id as `{parent}`.
SUBJECT_PATHS: dict[str, str] = {
    "person": "/v1/people/{id}",
    "referral": "/v1/referrals/{id}",
    "match": "/v1/matches/{id}",
    "funding_request": "/v1/funding-requests/{id}",
    "placement": "/v1/placements/{id}",
    "panel": "/v1/panels/{id}",
    "panel_booking": "/v1/panel-bookings/{id}",
    "panel_action": "/v1/panel-bookings/{parent}",
    "document": "/v1/documents/{id}",
    "support_request": "/v1/support-requests/{id}",
    "casework_episode": "/v1/casework-episodes/{id}",
    "case_note": "/v1/people/{parent}/case-notes/{id}",
    "supervision": "/v1/supervisions/{id}",
    "review": "/v1/reviews/{id}",
    "contact_restriction": "/v1/contact-restrictions/{id}",
}


def subject_href(
    subject_type: str, subject_id: uuid.UUID, parent_id: uuid.UUID | None = None
) -> str | None:
    """Where a client reads the subject; None for a type with no path (or a parent gone)."""
    template = SUBJECT_PATHS.get(subject_type)
    if template is None or ("{parent}" in template and parent_id is None):
        return None
    return template.format(id=subject_id, parent=parent_id)
