"""R16 with pinned dates: agreed first or imposed in an emergency, and the deadline to
notify the placing authority."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.contact_restrictions import (
    PlacingAuthorityAgreementRequired,
    check_restriction,
    notify_by,
)
from app.domain.policy import Policy

POLICY = Policy()


def test_r16_agreed_or_emergency() -> None:
    check_restriction(emergency=False, agreed_with_placing_authority=True)
    check_restriction(emergency=True, agreed_with_placing_authority=False)
    with pytest.raises(PlacingAuthorityAgreementRequired) as refused:
        check_restriction(emergency=False, agreed_with_placing_authority=False)
    assert (refused.value.code, refused.value.rule) == (
        "placing_authority_agreement_required",
        "R16",
    )


def test_r16_notify_by_24_hours_after_an_emergency() -> None:
    imposed = datetime(2027, 3, 27, 22, 30, tzinfo=UTC)
    assert notify_by(imposed, True, False, POLICY) == datetime(2027, 3, 28, 22, 30, tzinfo=UTC)
    assert notify_by(imposed, False, True, POLICY) is None
    assert notify_by(imposed, True, True, POLICY) is None
    policy = Policy(contact_restriction_notify_hours=48)
    assert notify_by(imposed, True, False, policy) == datetime(2027, 3, 29, 22, 30, tzinfo=UTC)
