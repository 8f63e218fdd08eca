"""R5 match transitions (every state x every action) and R2 emergency eligibility."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidTransition
from app.domain.matching import (
    MATCH,
    MATCH_ACTIONS,
    EmergencyProviderNotEligible,
    MatchAlreadyAccepted,
    VacancyUnavailable,
    check_emergency_eligible,
    check_no_other_accepted,
    check_release_allowed,
    check_vacancy_open,
    proposal_action,
)

STATES = ("proposed", "contacted", "assessing", "accepted", "declined", "withdrawn")
EXPECTED = {
    ("proposed", "contact"): "contacted",
    ("contacted", "assess"): "assessing",
    ("assessing", "accept"): "accepted",
    **{(s, "decline"): "declined" for s in ("proposed", "contacted", "assessing", "accepted")},
    **{(s, "withdraw"): "withdrawn" for s in ("proposed", "contacted", "assessing", "accepted")},
}


def test_r5_table_covers_exactly_the_documented_states_and_actions() -> None:
    assert MATCH.states == set(STATES)
    assert MATCH.actions == set(MATCH_ACTIONS)
    assert MATCH.rule == "R5"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", MATCH_ACTIONS)
def test_r5_every_state_and_action(state: str, action: str) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            MATCH.transition(state, action)
        assert refused.value.rule == "R5"
        assert refused.value.code == "invalid_transition"
    else:
        assert MATCH.transition(state, action) == expected


def test_r5_accept_only_from_assessing() -> None:
    assert [s for s in STATES if "accept" in MATCH.allowed(s)] == ["assessing"]


@pytest.mark.parametrize(
    ("status", "service", "expected"),
    [
        ("submitted", "foster_care", "start_matching"),
        ("matching", "foster_care", None),
        ("matching", "supported_living", None),
        ("matched", "residential", None),
        ("draft", "foster_care", "start_matching"),  # refused by the R1 table when applied
    ],
)
def test_r1_proposal_moves_a_referral_needing_no_panel_to_matching(
    status: str, service: str, expected: str | None
) -> None:
    assert proposal_action(status, service) == expected


def test_r1_supported_living_must_pass_panel_before_matching() -> None:
    with pytest.raises(InvalidTransition) as refused:
        proposal_action("submitted", "supported_living")
    assert refused.value.rule == "R1"


@pytest.mark.parametrize("status", ["held", "filled"])
def test_r5_held_or_filled_vacancy_is_unavailable(status: str) -> None:
    with pytest.raises(VacancyUnavailable) as refused:
        check_vacancy_open(status)
    assert (refused.value.code, refused.value.rule) == ("vacancy_unavailable", "R5")


def test_r5_open_or_no_vacancy_is_fine() -> None:
    check_vacancy_open("open")
    check_vacancy_open(None)


def test_r5_second_accepted_match_is_refused() -> None:
    check_no_other_accepted(False)
    with pytest.raises(MatchAlreadyAccepted) as refused:
        check_no_other_accepted(True)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "match_already_accepted",
        "R5",
        409,
    )


def test_r5_placed_match_cannot_be_released() -> None:
    check_release_allowed(False)
    with pytest.raises(InvalidTransition):
        check_release_allowed(True)


@pytest.mark.parametrize(
    ("service", "rota", "vacancy", "eligible"),
    [
        ("foster_care", True, None, True),
        ("foster_care", True, "held", True),
        ("foster_care", False, None, False),
        ("foster_care", False, "open", True),
        ("foster_care", False, "filled", False),
        ("residential", False, "open", True),
        ("residential", True, None, False),  # the rota is for foster carers only
        ("residential", False, None, False),
        ("shared_lives", False, "held", False),
    ],
)
def test_r2_emergency_eligibility(
    service: str, rota: bool, vacancy: str | None, eligible: bool
) -> None:
    def check() -> None:
        check_emergency_eligible(
            urgency="emergency",
            provider_service=service,
            on_emergency_rota=rota,
            vacancy_status=vacancy,
        )

    if eligible:
        check()
    else:
        with pytest.raises(EmergencyProviderNotEligible) as refused:
            check()
        assert (refused.value.code, refused.value.rule) == (
            "emergency_provider_not_eligible",
            "R2",
        )


def test_r2_planned_referrals_are_not_limited_to_the_rota() -> None:
    check_emergency_eligible(
        urgency="planned",
        provider_service="residential",
        on_emergency_rota=False,
        vacancy_status=None,
    )
