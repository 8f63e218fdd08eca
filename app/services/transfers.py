"""A person's records follow the person (DOMAIN.md, R19): when a person moves to another
team, every record about them moves with them in the same unit of work as the change.

Every derived row carries its own scope column (`team`, `scope_team`), so reads stay one
indexed query; the price is this module, which moves them all at once. The tables are
listed here, in one place: `tests/unit/test_transfers.py` fails when a model with a
`team` or `scope_team` column is neither moved here nor named in `STAYS` with a reason.
(docs/decisions/0010-scope-follows-the-person.md)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, select, union_all, update
from sqlmodel import SQLModel, col

from app.models import (
    CaseNote,
    CaseworkContact,
    CaseworkEpisode,
    ContactRestriction,
    Document,
    Event,
    FundingRequest,
    Match,
    PanelAction,
    PanelBooking,
    Person,
    Placement,
    Provider,
    Referral,
    ReferralFollowUp,
    Review,
    ReviewAction,
    ReviewParticipant,
    Supervision,
    SupportRequest,
    WorkItem,
)
from app.uow import UnitOfWork

SUBJECT = "person"


def referral_ids(person_id: uuid.UUID) -> Select[Any]:
    return select(col(Referral.id)).where(col(Referral.person_id) == person_id)


def placement_ids(person_id: uuid.UUID) -> Select[Any]:
    return select(col(Placement.id)).where(col(Placement.person_id) == person_id)


def review_ids(person_id: uuid.UUID) -> Select[Any]:
    return select(col(Review.id)).where(col(Review.placement_id).in_(placement_ids(person_id)))


# Each table whose `team` scopes a record about the person -> the rows of that person.
# Rows are found by indexed columns (person_id on referrals and placements, then
# referral_id / placement_id), never by scanning.
Where = Callable[[uuid.UUID], ColumnElement[bool]]
FOLLOWS: tuple[tuple[type[SQLModel], Where], ...] = (
    (Referral, lambda p: col(Referral.person_id) == p),
    (PanelBooking, lambda p: col(PanelBooking.referral_id).in_(referral_ids(p))),
    (Match, lambda p: col(Match.referral_id).in_(referral_ids(p))),
    (FundingRequest, lambda p: col(FundingRequest.referral_id).in_(referral_ids(p))),
    (Placement, lambda p: col(Placement.person_id) == p),
    (ReferralFollowUp, lambda p: col(ReferralFollowUp.referral_id).in_(referral_ids(p))),
    (Review, lambda p: col(Review.placement_id).in_(placement_ids(p))),
    (ReviewAction, lambda p: col(ReviewAction.review_id).in_(review_ids(p))),
    (ReviewParticipant, lambda p: col(ReviewParticipant.review_id).in_(review_ids(p))),
    (ContactRestriction, lambda p: col(ContactRestriction.placement_id).in_(placement_ids(p))),
    (CaseNote, lambda p: col(CaseNote.person_id) == p),
)

# Documents are the person's when their owner is (support request documents are not).
DOCUMENT_OWNERS = ("referral", "placement")

# Tables that carry the person's scope in another way, moved below.
MOVED_SPECIALLY: dict[type[SQLModel], str] = {
    Person: "the person itself: its team is the change",
    Document: "scope_team, when owned by the person's referral or placement",
    WorkItem: "scope_team of items about the person; open items owed by the old team",
    Event: "team of events about the person or their records",
}

# Tables with a team column that does not follow a person, and why.
STAYS: dict[type[SQLModel], str] = {
    Provider: "a provider's own team (the placements team or a fostering team)",
    SupportRequest: "placement support is for the foster carer household: the provider's team",
    CaseworkEpisode: "casework of a support request: the provider's team",
    CaseworkContact: "a casework contact with the carers: the provider's team",
    Supervision: "supervision of a support worker's casework: the provider's team",
}


def subject_ids(person_id: uuid.UUID) -> Any:
    """Every id an event, work item or audit entry about the person can name: the person,
    each record of FOLLOWS, the panel actions of their referrals and their documents."""
    parts: list[Select[Any]] = [select(col(Person.id)).where(col(Person.id) == person_id)]
    for model, where in FOLLOWS:
        parts.append(select(col(model.id)).where(where(person_id)))  # type: ignore[attr-defined]
    parts.append(
        select(col(PanelAction.id)).where(col(PanelAction.referral_id).in_(referral_ids(person_id)))
    )
    parts.append(select(col(Document.id)).where(document_filter(person_id)))
    return union_all(*parts)


def document_filter(person_id: uuid.UUID) -> ColumnElement[bool]:
    owners = union_all(referral_ids(person_id), placement_ids(person_id))
    return col(Document.owner_type).in_(DOCUMENT_OWNERS) & col(Document.owner_id).in_(
        select(owners.subquery())
    )


async def _execute(uow: UnitOfWork, stmt: Any) -> int:
    result = await uow.session.execute(stmt.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def move_person_records(
    uow: UnitOfWork, person: Person, old_team: str, new_team: str
) -> dict[str, int]:
    """Move every record about `person` from `old_team` to `new_team`, in the caller's
    unit of work, and record `person.transferred` (audit entry and event). Returns the
    rows moved per table, which the audit entry keeps."""
    pid = person.id
    await uow.flush()
    moved: dict[str, int] = {}
    for model, where in FOLLOWS:
        name = str(model.__tablename__)
        moved[name] = await _execute(uow, update(model).where(where(pid)).values(team=new_team))
    # The FOLLOWS filters don't depend on team, so the subjects are the same after the move.
    subjects = select(subject_ids(pid).subquery())
    moved["documents"] = await _execute(
        uow,
        update(Document)
        .where(document_filter(pid))
        .where(col(Document.scope_team).is_not(None))
        .values(scope_team=new_team, updated_at=uow.now),
    )
    moved["work_items"] = await _execute(
        uow,
        update(WorkItem)
        .where(col(WorkItem.subject_id).in_(subjects))
        .where(col(WorkItem.scope_team).is_not(None))
        .values(scope_team=new_team, updated_at=uow.now),
    )
    moved["work_items_reassigned"] = await _execute(
        uow,
        update(WorkItem)
        .where(col(WorkItem.subject_id).in_(subjects))
        .where(col(WorkItem.closed_at).is_(None))
        .where(col(WorkItem.assignee_team) == old_team)
        .values(assignee_team=new_team, updated_at=uow.now),
    )
    moved["events"] = await _execute(
        uow,
        update(Event)
        .where(col(Event.subject_id).in_(subjects))
        .where(col(Event.team).is_not(None))
        .values(team=new_team),
    )
    uow.audit(
        "person.transferred",
        SUBJECT,
        pid,
        before={"team": old_team},
        after={"team": new_team, "moved": moved},
    )
    uow.emit("person.transferred", SUBJECT, pid, {"from": old_team, "to": new_team}, team=new_team)
    return moved
