"""R9 casework: the episode table exhaustively, the 10-contact checkpoint, the answers."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.domain.casework import (
    EPISODE,
    EPISODE_STATUSES,
    CaseworkCheckpointDue,
    add_contact,
    answer_checkpoint,
)
from app.domain.errors import InvalidInput, InvalidTransition

TODAY = date(2026, 3, 2)
ALLOWED = {
    ("open", "reach_checkpoint"): "checkpoint_due",
    ("open", "continue"): "continued",
    ("open", "close"): "closed",
    ("checkpoint_due", "continue"): "continued",
    ("checkpoint_due", "close"): "closed",
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(EPISODE_STATUSES, sorted(EPISODE.actions)))
)
def test_r9_episode_table_exhaustively(status: str, action: str) -> None:
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            EPISODE.transition(status, action)
        assert refused.value.rule == "R9"
    else:
        assert EPISODE.transition(status, action) == expected
    assert EPISODE.states == set(EPISODE_STATUSES)


def test_r9_contacts_one_to_nine_keep_the_episode_open() -> None:
    for count in range(9):
        decision = add_contact("open", count, 10, TODAY, TODAY)
        assert (decision.number, decision.contact_count, decision.status) == (
            count + 1,
            count + 1,
            "open",
        )
        assert decision.checkpoint_reached is False


def test_r9_tenth_contact_makes_the_checkpoint_due() -> None:
    decision = add_contact("open", 9, 10, TODAY, TODAY)
    assert (decision.number, decision.status, decision.checkpoint_reached) == (
        10,
        "checkpoint_due",
        True,
    )


def test_r9_eleventh_contact_is_refused() -> None:
    with pytest.raises(CaseworkCheckpointDue) as refused:
        add_contact("checkpoint_due", 10, 10, TODAY, TODAY)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "casework_checkpoint_due",
        "R9",
        409,
    )
    # Even if a row said open with 10 contacts (e.g. the policy limit was lowered).
    with pytest.raises(CaseworkCheckpointDue):
        add_contact("open", 10, 10, TODAY, TODAY)
    with pytest.raises(CaseworkCheckpointDue):
        add_contact("open", 7, 5, TODAY, TODAY)


@pytest.mark.parametrize("limit", [1, 3, 10, 12])
def test_r9_the_limit_is_policy(limit: int) -> None:
    count, status = 0, "open"
    while True:
        try:
            decision = add_contact(status, count, limit, TODAY, TODAY)
        except CaseworkCheckpointDue:
            break
        count, status = decision.contact_count, decision.status
    assert (count, status) == (limit, "checkpoint_due")


@pytest.mark.parametrize("status", ["continued", "closed"])
def test_r9_finished_episodes_take_no_contacts(status: str) -> None:
    with pytest.raises(InvalidTransition) as refused:
        add_contact(status, 4, 10, TODAY, TODAY)
    assert refused.value.rule == "R9"


def test_r9_contact_cannot_be_in_the_future() -> None:
    add_contact("open", 0, 10, TODAY, TODAY)
    with pytest.raises(InvalidInput):
        add_contact("open", 0, 10, date(2026, 3, 3), TODAY)


@pytest.mark.parametrize("status", ["open", "checkpoint_due"])
def test_r9_checkpoint_yes_opens_the_next_episode(status: str) -> None:
    decision = answer_checkpoint(status, 3, True)
    assert (decision.status, decision.open_next_episode, decision.end_support) == (
        "continued",
        True,
        False,
    )
    assert decision.next_sequence == 4


@pytest.mark.parametrize("status", ["open", "checkpoint_due"])
def test_r9_checkpoint_no_ends_the_support(status: str) -> None:
    decision = answer_checkpoint(status, 1, False)
    assert (decision.status, decision.open_next_episode, decision.end_support) == (
        "closed",
        False,
        True,
    )
    assert decision.next_sequence is None


@pytest.mark.parametrize(
    ("status", "answer"), list(itertools.product(["continued", "closed"], [True, False]))
)
def test_r9_checkpoint_is_answered_once(status: str, answer: bool) -> None:
    with pytest.raises(InvalidTransition):
        answer_checkpoint(status, 1, answer)
