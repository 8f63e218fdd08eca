"""R16 with pinned dates: agreed first (who agreed it) or imposed in an emergency, the
deadline to notify the placing authority counted from `imposed_at`, and lifting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.contact_restrictions import (
    check_imposed_at,
    check_lift,
    check_restriction,
    notify_by,
)
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.policy import Policy

POLICY = Policy()


def test_r16_agreed_or_emergency() -> None:
    check_restriction(emergency=False, agreed_with="IRO J. Patel")
    check_restriction(emergency=True, agreed_with=None)
    for missing in (None, "  "):
        with pytest.raises(InvalidInput) as refused:
            check_restriction(emergency=False, agreed_with=missing)
        assert (refused.value.loc, refused.value.rule) == (("body", "agreed_with"), "R16")


def test_r16_notify_by_24_hours_after_imposed_at() -> None:
    # Imposed at 02:00 on the night of 27/28 March 2027 (the clocks go forward at 01:00
    # GMT that night), entered at 09:00: 24 hours from 02:00, not from 09:00.
    imposed = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert notify_by(imposed, True, False, POLICY) == datetime(2027, 3, 29, 1, 0, tzinfo=UTC)
    assert notify_by(imposed, False, True, POLICY) is None
    assert notify_by(imposed, True, True, POLICY) is None
    policy = Policy(contact_restriction_notify_hours=48)
    assert notify_by(imposed, True, False, policy) == datetime(2027, 3, 30, 1, 0, tzinfo=UTC)


def test_r16_imposed_at_not_future_nor_before_the_placement() -> None:
    now = datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    check_imposed_at(datetime(2027, 3, 28, 1, 0, tzinfo=UTC), now, date(2027, 3, 28))
    with pytest.raises(InvalidInput) as future:
        check_imposed_at(datetime(2027, 3, 28, 9, 1, tzinfo=UTC), now, date(2027, 3, 1))
    assert future.value.loc == ("body", "imposed_at")
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): the placement's first day.
    check_imposed_at(
        datetime(2027, 5, 31, 23, 30, tzinfo=UTC), now.replace(month=6), date(2027, 6, 1)
    )
    with pytest.raises(InvalidInput):
        check_imposed_at(
            datetime(2027, 5, 31, 22, 30, tzinfo=UTC), now.replace(month=6), date(2027, 6, 1)
        )


def test_r16_lift() -> None:
    imposed = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    check_lift("active", date(2027, 3, 28), imposed, date(2027, 4, 1))
    with pytest.raises(InvalidTransition):
        check_lift("lifted", date(2027, 3, 30), imposed, date(2027, 4, 1))
    for bad in (date(2027, 4, 2), date(2027, 3, 27)):
        with pytest.raises(InvalidInput):
            check_lift("active", bad, imposed, date(2027, 4, 1))
