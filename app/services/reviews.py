"""Reviews (R12-R15, R17): scheduled on confirmation, recorded, requested as extras.

Reacts to placements (wired in `app.wiring`): a confirmation schedules the reviews that
apply (in the confirmation's transaction; a child's CLA series carried across a move
keeps its next due date) and an ending cancels the scheduled reviews of an ended
placement. Each scheduled review is a work item for the placement's team, due at the end
of its due date, with the rule of its kind. Recording a review (a record of the review's
kind) schedules the next one of its kind, makes each new action a `review_action` work
item for its owner, and sends the record to every participant: a user gets a
`review_record` work item to acknowledge, anyone else is sent it by the review's author
(a `review_record_send` work item until recorded as sent, in the participant's format).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.placements import ConfirmedPlacement
from app.domain.reviews import (
    KIND_RULES,
    KIND_TITLES,
    REVIEW,
    PlacementEnded,
    Series,
    check_applicable,
    check_held_on,
    check_previous_actions,
    check_record_kind,
    check_sent_on,
    choose_next,
    on_confirmation,
    series_continues,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import (
    Person,
    Placement,
    Provider,
    Review,
    ReviewAction,
    ReviewParticipant,
)
from app.pagination import PageParams
from app.problems import Forbidden
from app.schemas.review_records import (
    ActionComplete,
    PersonParticipant,
    RecordSent,
    ReviewActionRead,
    ReviewParticipantRead,
    ReviewRecord,
)
from app.schemas.reviews import ExtraReview, ReviewRead
from app.services.common import check_if_match, load_child, load_visible, scoped_page
from app.uow import UnitOfWork

SUBJECT = "review"
DUE_WORK = "review_due"
RECORD_WORK = "review_record"
ACTION_WORK = "review_action"
SEND_WORK = "review_record_send"


@dataclass(frozen=True)
class ReviewsFilter:
    placement_id: uuid.UUID | None = None
    kind: str | None = None
    status: str | None = None


def to_read(
    review: Review,
    actions: Sequence[ReviewAction] = (),
    participants: Sequence[ReviewParticipant] = (),
    previous_actions: Sequence[ReviewAction] = (),
) -> ReviewRead:
    return ReviewRead.model_validate(review).model_copy(
        update={
            "actions": [ReviewActionRead.model_validate(a) for a in actions],
            "participants": [ReviewParticipantRead.model_validate(p) for p in participants],
            "previous_actions": [ReviewActionRead.model_validate(a) for a in previous_actions],
        }
    )


async def _actions_of(uow: UnitOfWork, review_ids: Sequence[uuid.UUID]) -> list[ReviewAction]:
    if not review_ids:
        return []
    rows = await uow.session.exec(
        select(ReviewAction)
        .where(col(ReviewAction.review_id).in_(list(review_ids)))
        .order_by(col(ReviewAction.id))
    )
    return list(rows.all())


async def _participants_of(
    uow: UnitOfWork, review_ids: Sequence[uuid.UUID]
) -> list[ReviewParticipant]:
    if not review_ids:
        return []
    rows = await uow.session.exec(
        select(ReviewParticipant)
        .where(col(ReviewParticipant.review_id).in_(list(review_ids)))
        .order_by(col(ReviewParticipant.id))
    )
    return list(rows.all())


async def full_reads(uow: UnitOfWork, reviews: Sequence[Review]) -> list[ReviewRead]:
    """Reviews with their actions, participants and the previous review's actions."""
    ids = [r.id for r in reviews]
    previous = [r.previous_review_id for r in reviews if r.previous_review_id is not None]
    actions = await _actions_of(uow, [*ids, *previous])
    participants = await _participants_of(uow, ids)
    out: list[ReviewRead] = []
    for r in reviews:
        out.append(
            to_read(
                r,
                [a for a in actions if a.review_id == r.id],
                [p for p in participants if p.review_id == r.id],
                [a for a in actions if a.review_id == r.previous_review_id]
                if r.previous_review_id is not None
                else [],
            )
        )
    return out


async def full_read(uow: UnitOfWork, review: Review) -> ReviewRead:
    return (await full_reads(uow, [review]))[0]


def _schedule(
    uow: UnitOfWork,
    placement: Placement,
    kind: str,
    due_on: date,
    *,
    extra: bool = False,
    reason: str | None = None,
    previous_id: uuid.UUID | None = None,
    sequence: int = 1,
) -> Review:
    review = Review(
        id=uuid7(),
        placement_id=placement.id,
        person_id=placement.person_id,
        team=placement.team,
        kind=kind,
        rule=KIND_RULES[kind],
        due_on=due_on,
        status="scheduled",
        extra=extra,
        reason=reason,
        previous_review_id=previous_id,
        sequence=sequence,
        created_by=uow.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.add(review)
    uow.open_work(
        kind=DUE_WORK,
        rule=review.rule,
        title=KIND_TITLES[kind] + (" (extra)" if extra else ""),
        subject_type=SUBJECT,
        subject_id=review.id,
        due_at=due_at_for_date(review.due_on),
        assignee_team=placement.team,
        scope_team=placement.team,
    )
    return review


def _recorded(uow: UnitOfWork, action: str, review: Review, *, before: str | None = None) -> None:
    read = to_read(review)
    uow.record(
        action,
        SUBJECT,
        review.id,
        before=None if before is None else {"status": before},
        after=read.model_dump(mode="json"),
        team=review.team,
    )


async def _carried_cla(
    uow: UnitOfWork, person_id: uuid.UUID, start: date
) -> tuple[Series, uuid.UUID | None] | None:
    """R12: the child's CLA series, when this placement is a move (the previous placement
    ended on this one's start or the day before): the next due date already set, its
    number, and the last review held."""
    rows = await uow.session.exec(
        select(Review)
        .where(col(Review.person_id) == person_id)
        .where(col(Review.kind) == "cla")
        .where(col(Review.extra).is_(False))
        .where(col(Review.status) == "cancelled")
        .where(col(Review.cancelled_reason) == "placement_ended")
        .order_by(col(Review.id).desc())
        .limit(1)
    )
    last = rows.first()
    if last is None:
        return None
    previous = await uow.get(Placement, last.placement_id)
    if previous is None or not series_continues(previous.end_date, start):
        return None
    return Series(due_on=last.due_on, sequence=last.sequence), last.previous_review_id


async def schedule_on_confirmation(
    uow: UnitOfWork, placement: Placement, facts: ConfirmedPlacement
) -> None:
    """ON_CONFIRMED hook: R12 CLA, R13 support plan, R14 adults' reviews, R17 QA visit."""
    carried: dict[str, Series] = {}
    last_held: uuid.UUID | None = None
    if facts.cohort == "child":
        found = await _carried_cla(uow, placement.person_id, facts.start_date)
        if found is not None:
            carried["cla"], last_held = found
    for item in on_confirmation(
        cohort=facts.cohort,
        service=facts.provider_service,
        external=facts.external,
        start=facts.start_date,
        policy=uow.policy,
        cal=uow.calendar,
        carried=carried,
    ):
        review = _schedule(
            uow,
            placement,
            item.kind,
            item.due_on,
            sequence=item.sequence,
            previous_id=last_held if item.carried else None,
        )
        await uow.flush()
        _recorded(uow, "scheduled", review)


async def _cancel_scheduled(
    uow: UnitOfWork, placement: Placement, reason: str, *, kind: str | None = None
) -> None:
    """Cancel a placement's scheduled reviews (of one kind's regular schedule, or all) and
    close their work items."""
    stmt = (
        select(Review)
        .where(col(Review.placement_id) == placement.id)
        .where(col(Review.status) == "scheduled")
    )
    if kind is not None:
        stmt = stmt.where(col(Review.kind) == kind).where(col(Review.extra).is_(False))
    rows = await uow.session.exec(stmt.with_for_update())
    for review in rows.all():
        before = review.status
        review.status = REVIEW.transition(review.status, "cancel")
        review.cancelled_at = uow.now
        review.cancelled_reason = reason
        uow.touch(review)
        await uow.close_work(SUBJECT, review.id, kinds=[DUE_WORK], reason=reason)
        await uow.flush()
        _recorded(uow, "cancelled", review, before=before)


async def cancel_on_end(uow: UnitOfWork, placement: Placement) -> None:
    """ON_ENDED hook: an ended placement's scheduled reviews are cancelled, their work
    items closed."""
    await _cancel_scheduled(uow, placement, "placement_ended")


async def get(ctx: Context, review_id: uuid.UUID) -> ReviewRead:
    async with ctx.uow() as uow:
        return await full_read(uow, await load_visible(uow, Review, review_id))


async def list_reviews(
    ctx: Context, flt: ReviewsFilter, page: PageParams
) -> tuple[list[ReviewRead], str | None]:
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow,
            Review,
            page,
            placement_id=flt.placement_id,
            kind=flt.kind,
            status=flt.status,
        )
        return await full_reads(uow, rows), next_cursor


async def record(
    ctx: Context, review_id: uuid.UUID, body: ReviewRecord, if_match: str | None
) -> ReviewRead:
    """R15: record a held review with the record of its kind; report on the previous
    review's actions; schedule the next of its kind (never later than the rule's date);
    make each new action a work item for its owner; send the record to every participant."""
    async with ctx.uow() as uow:
        review = await load_visible(uow, Review, review_id, for_update=True)
        ctx.principal.require("qa_visits.record" if review.kind == "qa_visit" else "reviews.record")
        check_if_match(if_match, review.version)
        before = review.status
        review.status = REVIEW.transition(before, "record")
        check_record_kind(review.kind, body.kind)
        placement = await uow.get(Placement, review.placement_id, for_update=True)
        assert placement is not None  # a foreign key keeps it
        today = local_date(uow.now)
        check_held_on(body.held_on, today, placement.start_date)
        owed = (
            await _actions_of(uow, [review.previous_review_id])
            if review.previous_review_id is not None
            else []
        )
        check_previous_actions(
            [str(u.action_id) for u in body.previous_actions], [str(a.id) for a in owed]
        )
        next_on = choose_next(
            review.kind,
            body.held_on,
            body.next_review_on,
            ctx.policy,
            ctx.calendar,
            sequence=review.sequence + 1,
        )
        by_id = {a.id: a for a in owed}
        for given in body.previous_actions:
            action = by_id[given.action_id]
            if given.done and not action.done:
                _complete(uow, action, given.note)
                await uow.close_work_item(action.work_item_id, reason="done_at_review")
        review.held_on = body.held_on
        review.record = body.model_dump(mode="json")
        review.recorded_at = uow.now
        review.recorded_by = ctx.principal.sub
        uow.touch(review)
        await uow.close_work(SUBJECT, review.id, kinds=[DUE_WORK], reason="held")
        if placement.status == "active":
            # The cycle runs from the date the last review was held (R12, R14): a review
            # held now, extra or not, supersedes the regular one still scheduled.
            await uow.flush()
            await _cancel_scheduled(uow, placement, "superseded", kind=review.kind)
            following = _schedule(
                uow,
                placement,
                review.kind,
                next_on,
                previous_id=review.id,
                sequence=review.sequence + 1,
            )
            review.next_review_id = following.id
            await uow.flush()
            _recorded(uow, "scheduled", following)
        _owe_actions(uow, review, body)
        _send_record(uow, review, body, today)
        await uow.flush()
        read = await full_read(uow, review)
        uow.record(
            "held",
            SUBJECT,
            review.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            data={
                "placement_id": str(review.placement_id),
                "kind": review.kind,
                "from": before,
                "to": review.status,
                "next_review_id": str(review.next_review_id) if review.next_review_id else None,
                "action_ids": [str(a.id) for a in read.actions],
                "participant_ids": [str(x.id) for x in read.participants],
            },
            team=review.team,
        )
        return read


def _complete(uow: UnitOfWork, action: ReviewAction, note: str | None) -> None:
    action.done = True
    action.completed_at = uow.now
    action.completed_by = uow.principal.sub
    action.note = note
    uow.add(action)


def _owe_actions(uow: UnitOfWork, review: Review, body: ReviewRecord) -> None:
    """R15, R18: each new action is a work item for its owner, due on its date."""
    for new in body.new_actions:
        action = ReviewAction(
            id=uuid7(),
            review_id=review.id,
            team=review.team,
            description=new.description,
            owner=new.owner,
            due_on=new.due_on,
            created_at=uow.now,
        )
        item = uow.open_work(
            kind=ACTION_WORK,
            rule="R15",
            title=f"Review action due {new.due_on.isoformat()}",
            subject_type=SUBJECT,
            subject_id=review.id,
            due_at=due_at_for_date(new.due_on),
            assignee_user=new.owner,
            scope_team=review.team,
        )
        action.work_item_id = item.id
        uow.add(action)


def _send_record(uow: UnitOfWork, review: Review, body: ReviewRecord, today: date) -> None:
    """R15, seed 004: the record reaches every participant, in an accessible format."""
    send_by = today + timedelta(days=uow.policy.review_record_send_days)
    for given in body.participant_list():
        row = ReviewParticipant(
            id=uuid7(), review_id=review.id, team=review.team, created_at=uow.now
        )
        if isinstance(given, PersonParticipant):
            row.name, row.role, row.format = given.name, given.role, given.format
            who = given.role or "a participant"
            item = uow.open_work(
                kind=SEND_WORK,
                rule="R15",
                title=f"Send the review record to {who} ({given.format.replace('_', ' ')})",
                subject_type=SUBJECT,
                subject_id=review.id,
                due_at=due_at_for_date(send_by),
                assignee_user=uow.principal.sub,
                scope_team=review.team,
            )
        else:
            row.user_id = given.user_id
            item = uow.open_work(
                kind=RECORD_WORK,
                rule="R15",
                title="Read and acknowledge a review record",
                subject_type=SUBJECT,
                subject_id=review.id,
                due_at=uow.now,
                assignee_user=given.user_id,
                scope_team=review.team,
            )
        row.work_item_id = item.id
        uow.add(row)


async def complete_action(
    ctx: Context,
    review_id: uuid.UUID,
    action_id: uuid.UUID,
    body: ActionComplete | None,
    if_match: str | None,
) -> ReviewActionRead:
    """R15: the action's owner (or a reviewer) completes it; its work item closes."""
    async with ctx.uow() as uow:
        review = await load_visible(uow, Review, review_id, for_update=True)
        action = await load_child(
            uow,
            ReviewAction,
            action_id,
            parent=("review_id", review.id),
            missing=f"No action {action_id} on review {review_id}.",
            for_update=True,
        )
        p = ctx.principal
        if p.sub != action.owner and "reviewer" not in p.roles:
            raise Forbidden("Only the action's owner or a reviewer may complete it.")
        check_if_match(if_match, review.version)
        if action.done:
            raise InvalidTransition("This review action is already done.", rule="R15")
        _complete(uow, action, body.note if body else None)
        await uow.close_work_item(action.work_item_id, reason="done")
        uow.touch(review)
        await uow.flush()
        read = ReviewActionRead.model_validate(action)
        uow.record(
            "action_completed",
            SUBJECT,
            review.id,
            after=read.model_dump(mode="json"),
            data={
                "action_id": str(action.id),
                "placement_id": str(review.placement_id),
                "person_id": str(review.person_id),
            },
            team=review.team,
        )
        return read


async def record_sent(
    ctx: Context,
    review_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: RecordSent,
    if_match: str | None,
) -> ReviewParticipantRead:
    """R15: the review's author (or a reviewer) records the record as sent to a participant
    without an account, in their format; the send item closes."""
    async with ctx.uow() as uow:
        review = await load_visible(uow, Review, review_id, for_update=True)
        row = await load_child(
            uow,
            ReviewParticipant,
            participant_id,
            parent=("review_id", review.id),
            missing=f"No participant {participant_id} on review {review_id}.",
            for_update=True,
        )
        p = ctx.principal
        if p.sub != review.recorded_by and "reviewer" not in p.roles:
            raise Forbidden("Only the review's author or a reviewer may record the record sent.")
        check_if_match(if_match, review.version)
        if row.user_id is not None:
            raise InvalidTransition(
                "This participant is a user: they acknowledge the record themselves.", rule="R15"
            )
        if row.sent_on is not None:
            raise InvalidTransition("The record was already sent to this participant.", rule="R15")
        assert review.held_on is not None  # participants exist only on held reviews
        check_sent_on(body.sent_on, review.held_on, local_date(uow.now))
        if body.format != row.format:
            raise InvalidInput(
                f"This participant has the record in {row.format} format, not {body.format}.",
                rule="R15",
                loc=("body", "format"),
            )
        row.sent_on = body.sent_on
        row.sent_format = body.format
        row.sent_by = p.sub
        uow.add(row)
        await uow.close_work_item(row.work_item_id, reason="sent")
        uow.touch(review)
        await uow.flush()
        read = ReviewParticipantRead.model_validate(row)
        uow.record(
            "record_sent",
            SUBJECT,
            review.id,
            after={"participant_id": str(row.id), "sent_on": body.sent_on.isoformat()},
            data={"participant_id": str(row.id), "format": body.format},
            team=review.team,
        )
        return read


async def _series_position(
    uow: UnitOfWork, placement: Placement, kind: str
) -> tuple[int, uuid.UUID | None]:
    """Where the placement's series of a kind stands: the regular review still scheduled
    (its number and the review before it), else the first."""
    rows = await uow.session.exec(
        select(Review)
        .where(col(Review.placement_id) == placement.id)
        .where(col(Review.kind) == kind)
        .where(col(Review.status) == "scheduled")
        .where(col(Review.extra).is_(False))
        .limit(1)
    )
    current = rows.first()
    if current is None:
        return 1, None
    return current.sequence, current.previous_review_id


async def request_extra(ctx: Context, placement_id: uuid.UUID, body: ExtraReview) -> ReviewRead:
    """R14 an extra review on a significant change; R17 an extra QA visit (placements
    manager only)."""
    async with ctx.uow() as uow:
        placement = await load_visible(uow, Placement, placement_id, for_update=True)
        ctx.principal.require(
            "qa_visits.manage" if body.kind == "qa_visit" else "reviews.request_extra"
        )
        if placement.status != "active":
            raise PlacementEnded(
                f"The placement is {placement.status}: no further reviews can be requested.",
                rule=KIND_RULES[body.kind],
            )
        person = await uow.get(Person, placement.person_id)
        provider = await uow.get(Provider, placement.provider_id)
        assert person is not None and provider is not None  # foreign keys keep them
        check_applicable(
            body.kind, cohort=person.cohort, service=provider.service, external=provider.external
        )
        if body.due_on < local_date(uow.now):
            raise InvalidInput(
                "An extra review cannot be due in the past.",
                rule=KIND_RULES[body.kind],
                loc=("body", "due_on"),
            )
        sequence, previous_id = await _series_position(uow, placement, body.kind)
        review = _schedule(
            uow,
            placement,
            body.kind,
            body.due_on,
            extra=True,
            reason=body.reason,
            sequence=sequence,
            previous_id=previous_id,
        )
        await uow.flush()
        _recorded(uow, "requested", review)
        return await full_read(uow, review)
