"""R18: work item states by Europe/London days, in GMT and BST."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.calendar import LONDON, end_of_day
from app.domain.work import (
    SUBJECT_PATHS,
    due_at_for_date,
    london_day_bounds,
    subject_href,
    work_state,
)


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


# --- London day boundaries on the days the clocks change (2026) -----------------------
# Clocks go forward at 01:00 GMT on 2026-03-29 and back at 01:00 GMT on 2026-10-25.


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("due", "now", "state"),
    [
        # The day before the spring change (GMT) and the change day itself (23 hours).
        (date(2026, 3, 28), london(2026, 3, 28, 23, 59, 59), "due"),
        (date(2026, 3, 28), london(2026, 3, 29, 0, 0, 0), "overdue"),
        (date(2026, 3, 29), london(2026, 3, 28, 23, 59, 59), "upcoming"),
        (date(2026, 3, 29), london(2026, 3, 29, 0, 0, 0), "due"),
        (date(2026, 3, 29), london(2026, 3, 29, 23, 59, 59), "due"),
        (date(2026, 3, 29), london(2026, 3, 30, 0, 0, 0), "overdue"),
        # The autumn change day (25 hours): 00:00 BST to 23:59:59 GMT.
        (date(2026, 10, 25), london(2026, 10, 24, 23, 59, 59), "upcoming"),
        (date(2026, 10, 25), london(2026, 10, 25, 0, 0, 0), "due"),
        (date(2026, 10, 25), london(2026, 10, 25, 23, 59, 59), "due"),
        (date(2026, 10, 25), london(2026, 10, 26, 0, 0, 0), "overdue"),
    ],
)
def test_r18_state_at_london_midnight_across_both_clock_changes(
    due: date, now: datetime, state: str
) -> None:
    assert work_state(due_at_for_date(due), now) == state


def test_r18_state_at_the_same_utc_instant_differs_by_london_offset() -> None:
    # 23:30 UTC is 00:30 the next day in London under BST, 23:30 the same day in GMT.
    assert work_state(due_at_for_date(date(2026, 3, 29)), utc(2026, 3, 29, 23, 30)) == "overdue"
    assert work_state(due_at_for_date(date(2026, 3, 28)), utc(2026, 3, 28, 23, 30)) == "due"
    assert work_state(due_at_for_date(date(2026, 10, 25)), utc(2026, 10, 25, 23, 30)) == "due"
    assert work_state(due_at_for_date(date(2026, 10, 24)), utc(2026, 10, 24, 23, 30)) == "overdue"


@pytest.mark.parametrize(
    ("now", "start", "end", "hours"),
    [
        (utc(2026, 3, 29, 12), utc(2026, 3, 29, 0), utc(2026, 3, 29, 23), 23),
        (utc(2026, 10, 25, 12), utc(2026, 10, 24, 23), utc(2026, 10, 26, 0), 25),
        (utc(2026, 7, 1, 23, 30), utc(2026, 7, 1, 23), utc(2026, 7, 2, 23), 24),
    ],
)
def test_r18_london_day_bounds_on_short_long_and_summer_days(
    now: datetime, start: datetime, end: datetime, hours: int
) -> None:
    lo, hi = london_day_bounds(now)
    assert (lo.astimezone(UTC), hi.astimezone(UTC)) == (start, end)
    assert hi.astimezone(UTC) - lo.astimezone(UTC) == timedelta(hours=hours)


def test_r18_day_bounds_cut_states_as_work_state_does_at_the_edges() -> None:
    for now in (utc(2026, 3, 29, 0, 30), utc(2026, 10, 25, 23, 30), utc(2026, 10, 24, 23, 0)):
        lo, hi = london_day_bounds(now)
        assert work_state(lo - timedelta(microseconds=1), now) == "overdue"
        assert work_state(lo, now) == "due"
        assert work_state(hi - timedelta(microseconds=1), now) == "due"
        assert work_state(hi, now) == "upcoming"


ID = uuid.UUID("0190c3a0-0000-7000-8000-000000000001")
PARENT = uuid.UUID("0190c3a0-0000-7000-8000-000000000002")


@pytest.mark.parametrize(
    ("subject_type", "href"),
    [
        ("person", f"/v1/people/{ID}"),
        ("referral", f"/v1/referrals/{ID}"),
        ("match", f"/v1/matches/{ID}"),
        ("funding_request", f"/v1/funding-requests/{ID}"),
        ("placement", f"/v1/placements/{ID}"),
        ("panel", f"/v1/panels/{ID}"),
        ("panel_booking", f"/v1/panel-bookings/{ID}"),
        ("panel_action", f"/v1/panel-bookings/{PARENT}"),
        ("document", f"/v1/documents/{ID}"),
        ("support_request", f"/v1/support-requests/{ID}"),
        ("casework_episode", f"/v1/casework-episodes/{ID}"),
        ("case_note", f"/v1/people/{PARENT}/case-notes/{ID}"),
        ("supervision", f"/v1/supervisions/{ID}"),
        ("review", f"/v1/reviews/{ID}"),
        ("contact_restriction", f"/v1/contact-restrictions/{ID}"),
    ],
)
def test_r18_subject_href_for_every_subject_type(subject_type: str, href: str) -> None:
    assert subject_href(subject_type, ID, PARENT) == href


def test_r18_subject_href_is_none_without_a_path_or_a_parent() -> None:
    assert subject_href("something_new", ID) is None
    assert subject_href("case_note", ID, None) is None
    assert set(SUBJECT_PATHS) >= {"referral", "panel_booking", "review", "panel_action"}
