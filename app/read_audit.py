"""Reads of a person's records are audited (R19) in one place: the session.

Every row an ORM query loads into a unit of work's session is noted here (SQLAlchemy's
`loaded_as_persistent` event); when a unit of work that changed nothing commits, each
person-scoped row it loaded becomes one `<subject>.read` audit entry (`<subject>.list_read`
for the rows of a list page, `<subject>.feed_read` for the subject of an event read from
the feed), all in one multi-row INSERT. A service's read needs no audit call of its own,
so a new read can't forget it: what it loads is audited.

`PERSON_SCOPED` is the table of what is about a person; `NOT_PERSON_SCOPED` lists every
other table, and a test checks each table model is in one of the two.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from app.models import (
    AuditEntry,
    CaseNote,
    CaseworkContact,
    CaseworkEpisode,
    ContactRestriction,
    Document,
    Event,
    EventCounter,
    ExternalId,
    FundingRequest,
    IdempotencyRecord,
    LegalStatus,
    Match,
    Panel,
    PanelAction,
    PanelBooking,
    PanelBookingDocument,
    Person,
    Placement,
    Provider,
    RecordExternalId,
    Referral,
    ReferralFollowUp,
    Review,
    ReviewAction,
    ReviewParticipant,
    Supervision,
    SupportRequest,
    Vacancy,
    Webhook,
    WebhookDelivery,
    WorkItem,
)

INFO_KEY = "placements.read_log"

# What is about a person, and the subject type its audit entries name.
PERSON_SCOPED: dict[type[SQLModel], str] = {
    Person: "person",
    Referral: "referral",
    PanelBooking: "panel_booking",
    Match: "match",
    FundingRequest: "funding_request",
    Placement: "placement",
    Document: "document",
    CaseNote: "case_note",
    CaseworkEpisode: "casework_episode",
    CaseworkContact: "casework_contact",
    Supervision: "supervision",
    Review: "review",
    ContactRestriction: "contact_restriction",
    SupportRequest: "support_request",
    LegalStatus: "legal_status",
}
PERSON_SCOPED_SUBJECTS = frozenset(PERSON_SCOPED.values())

# Tables whose rows say nothing about a person on their own: the register of providers
# and panels, the machinery (audit, counters, keys, webhooks, work items: a work item's
# title names its step, not the person), and parts read only with their parent (an
# external id with its person, a booking's documents and actions with the booking, a
# referral's follow-ups with the referral, a review's actions and participants with it).
# Events are audited by their subject (below).
NOT_PERSON_SCOPED: frozenset[type[SQLModel]] = frozenset(
    {
        AuditEntry,
        EventCounter,
        Event,
        ExternalId,
        IdempotencyRecord,
        Panel,
        PanelAction,
        PanelBookingDocument,
        RecordExternalId,
        ReferralFollowUp,
        ReviewAction,
        ReviewParticipant,
        Provider,
        Vacancy,
        Webhook,
        WebhookDelivery,
        WorkItem,
    }
)

Subject = tuple[str, uuid.UUID]
Key = tuple[str, uuid.UUID, str]


def _subject_of(row: Any, model: Any = None) -> tuple[Subject, str] | None:
    """((subject type, id), action suffix) of a loaded row (an ORM instance, or a Core row
    of `model`'s table), or None if not audited."""
    model = model or type(row)
    name = PERSON_SCOPED.get(model)
    if name is not None:
        return (name, row.id), "read"
    if model is Event and row.subject_type in PERSON_SCOPED_SUBJECTS:
        return (row.subject_type, row.subject_id), "feed_read"
    return None


@dataclass
class ReadLog:
    """The person-scoped records one unit of work loaded, in load order, with how many
    loaded rows name each (a feed page may hold several events of one subject)."""

    loads: dict[tuple[Subject, str], int] = field(default_factory=dict)
    listed: set[Subject] = field(default_factory=set)

    def loaded(self, row: Any, model: Any = None) -> None:
        found = _subject_of(row, model)
        if found is not None:
            self.loads[found] = self.loads.get(found, 0) + 1

    def listed_page(self, rows: Iterable[Any], model: Any) -> None:
        """Core rows of `model`'s table given out as a page of a list."""
        for row in rows:
            found = _subject_of(row, model)
            if found is not None:
                self.loads[found] = self.loads.get(found, 0) + 1
                self.listed.add(found[0])

    def dropped(self, row: Any) -> None:
        found = _subject_of(row)
        if found is not None and found in self.loads:
            self.loads[found] -= 1
            if self.loads[found] <= 0:
                del self.loads[found]

    def keys(self, skip: Callable[[str, uuid.UUID], bool]) -> list[Key]:
        """One (subject type, id, action) per record read, without those `skip` names."""
        keys: list[Key] = []
        for (subject, suffix), _count in self.loads.items():
            if skip(*subject):
                continue
            if suffix == "read" and subject in self.listed:
                suffix = "list_read"
            keys.append((subject[0], subject[1], f"{subject[0]}.{suffix}"))
        return keys


def _log_of(session: Session) -> ReadLog | None:
    log = session.info.get(INFO_KEY)
    return log if isinstance(log, ReadLog) else None


@event.listens_for(Session, "loaded_as_persistent")
def _on_load(session: Session, instance: Any) -> None:
    log = _log_of(session)
    if log is not None:
        log.loaded(instance)


def attach(session: Session, log: ReadLog) -> None:
    """Note the rows this session loads from now on in `log` (a unit of work's)."""
    session.info[INFO_KEY] = log


def listed(session: Session, rows: Iterable[Any], model: Any = None) -> None:
    """These rows were read as a page of a list (`fetch_page`)."""
    log = _log_of(session)
    if log is not None:
        for row in rows:
            found = _subject_of(row, model)
            if found is not None:
                log.listed.add(found[0])


def rows_read(session: Session, model: type[SQLModel], rows: Iterable[Any]) -> None:
    """Core rows of `model`'s table were read (selected as columns, so no ORM load event
    notes them): noted as a load of each would be."""
    log = _log_of(session)
    if log is not None:
        for row in rows:
            log.loaded(row, model)


def not_disclosed(session: Session, rows: Iterable[Any]) -> None:
    """These rows were loaded but not given out (a page's look-ahead row)."""
    log = _log_of(session)
    if log is not None:
        for row in rows:
            log.dropped(row)
