"""R9 casework episodes and the checkpoint (seed 001).

An episode holds at most `policy.casework_contacts_per_episode` (10) contacts. The
contact that reaches the limit makes the episode `checkpoint_due`; no contact can be
added until "is placement support still required?" is answered. Yes: this episode is
`continued` and the next one (sequence + 1) opens, linked both ways. No: the episode
is `closed` and the support ends. The question may be answered earlier (at supervision).

Pure: counts, statuses and dates in, a decision out. The service holds the row lock
that makes the count true under concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.statemachine import StateMachine

EPISODE = StateMachine(
    name="casework episode",
    rule="R9",
    table={
        "open": {"reach_checkpoint": "checkpoint_due", "continue": "continued", "close": "closed"},
        "checkpoint_due": {"continue": "continued", "close": "closed"},
        "continued": {},
        "closed": {},
    },
)

EPISODE_STATUSES: tuple[str, ...] = ("open", "checkpoint_due", "continued", "closed")
CONTACT_METHODS: tuple[str, ...] = ("visit", "phone", "video", "message", "other")


class CaseworkCheckpointDue(DomainError):
    code = "casework_checkpoint_due"
    rule = "R9"
    title = "The casework checkpoint is due"


@dataclass(frozen=True)
class ContactDecision:
    """What adding one contact does: its number in the episode, the new count, and
    whether this contact reached the checkpoint."""

    number: int
    contact_count: int
    status: str
    checkpoint_reached: bool


@dataclass(frozen=True)
class CheckpointDecision:
    """What answering the checkpoint does to the episode and the support."""

    status: str
    open_next_episode: bool
    end_support: bool
    next_sequence: int | None


def add_contact(
    status: str, contact_count: int, limit: int, contact_on: date, today: date
) -> ContactDecision:
    """R9: the next contact of an episode, or a refusal once the checkpoint is due."""
    if status == "checkpoint_due" or (status == "open" and contact_count >= limit):
        raise CaseworkCheckpointDue(
            f"This casework episode has {contact_count} contacts (the limit is {limit}): "
            'answer the checkpoint "is placement support still required?" first.',
            rule="R9",
        )
    if status != "open":
        where = "the next episode" if status == "continued" else "nowhere: the support has ended"
        raise InvalidTransition(
            f"A {status} casework episode takes no more contacts; they belong in {where}.",
            rule="R9",
        )
    if contact_on > today:
        raise InvalidInput("contact_on cannot be in the future.", rule="R9")
    count = contact_count + 1
    reached = count >= limit
    return ContactDecision(
        number=count,
        contact_count=count,
        status=EPISODE.transition(status, "reach_checkpoint") if reached else status,
        checkpoint_reached=reached,
    )


def answer_checkpoint(status: str, sequence: int, still_required: bool) -> CheckpointDecision:
    """R9: yes continues into episode `sequence + 1`; no closes the episode and the support.
    Allowed while the episode is open (answered early) or checkpoint_due."""
    if still_required:
        return CheckpointDecision(
            status=EPISODE.transition(status, "continue"),
            open_next_episode=True,
            end_support=False,
            next_sequence=sequence + 1,
        )
    return CheckpointDecision(
        status=EPISODE.transition(status, "close"),
        open_next_episode=False,
        end_support=True,
        next_sequence=None,
    )
