"""The contract's named enums (app/schemas/enums.py) say the same values as the domain's
rules: a state added to a state machine, or a follow-up kind to R2's list, that the enum
does not carry would be refused at the edge (or answered outside the contract)."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from app.domain import (
    casework,
    funding,
    matching,
    panels,
    placements,
    policy,
    referrals,
    reviews,
    supervision,
    support,
)
from app.domain.statemachine import StateMachine
from app.schemas import enums


def values(alias: Any) -> set[str]:
    return set(get_args(alias.__value__))


def states(machine: StateMachine) -> set[str]:
    """Every state the machine names: those it leaves and those it reaches."""
    return set(machine.table) | {to for moves in machine.table.values() for to in moves.values()}


@pytest.mark.parametrize(
    ("alias", "domain"),
    [
        (enums.ReferralStatus, states(referrals.REFERRAL)),
        (enums.MatchStatus, states(matching.MATCH)),
        (enums.FundingStatus, states(funding.FUNDING)),
        (enums.PlacementStatus, states(placements.PLACEMENT)),
        (enums.SupportRequestStatus, set(support.STATUSES)),
        (enums.EpisodeStatus, set(casework.EPISODE_STATUSES)),
        (enums.ContactMethod, set(casework.CONTACT_METHODS)),
        (enums.MeetingStatus, set(supervision.STATUSES)),
        (enums.MeetingStatus, states(reviews.REVIEW)),
        (enums.SupervisionOutcome, set(supervision.OUTCOMES)),
        (enums.ReviewKind, set(reviews.REVIEW_KINDS)),
        (enums.PanelKind, set(panels.PANEL_KINDS)),
        (enums.PanelOutcome, set(panels.OUTCOMES)),
        (enums.Service, set(policy.SERVICES)),
        (enums.FollowUpKind, set(placements.FOLLOW_UPS)),
        (enums.RecordedFollowUpKind, set(placements.RECORDED_FOLLOW_UPS)),
        (enums.SustainabilityOutcome, set(placements.SUSTAINABILITY_OUTCOMES)),
    ],
    ids=lambda v: getattr(v, "__name__", "domain"),
)
def test_a_named_enum_has_the_domains_values(alias: Any, domain: set[str]) -> None:
    assert values(alias) == domain
