"""Reviews (R12-R15, R17): scheduled on confirmation, recorded, requested as extras.

Reacts to placements (wired in `app.wiring`): a confirmation schedules the reviews that
apply (in the confirmation's transaction) and an ending cancels the scheduled reviews
of the ended placement. Each scheduled review is a work item for the placement's team,
due at the end of its due date, with the rule of its kind. Recording a review schedules
the next one of its kind and sends the record to every participant who is a user: a
`review_record` work item each, until acknowledged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidInput
from app.domain.placements import ConfirmedPlacement
from app.domain.reviews import (
    KIND_RULES,
    KIND_TITLES,
    REVIEW,
    PlacementEnded,
    check_applicable,
    check_held_on,
    choose_next,
    on_confirmation,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import Person, Placement, Provider, Review
from app.pagination import PageParams
from app.schemas.reviews import ExtraReview, ReviewRead, ReviewRecord
from app.services.common import load_for_change, load_visible, scoped_page
from app.uow import UnitOfWork

SUBJECT = "review"
DUE_WORK = "review_due"
RECORD_WORK = "review_record"


@dataclass(frozen=True)
class ReviewsFilter:
    placement_id: uuid.UUID | None = None
    kind: str | None = None
    status: str | None = None


def to_read(review: Review) -> ReviewRead:
    return ReviewRead.model_validate(review)


def _schedule(
    uow: UnitOfWork,
    placement: Placement,
    kind: str,
    due_on: date,
    *,
    extra: bool = False,
    reason: str | None = None,
    previous: Review | None = None,
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
        previous_review_id=previous.id if previous else None,
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


def _recorded(uow: UnitOfWork, action: str, review: Review) -> None:
    read = to_read(review)
    uow.record(action, SUBJECT, review.id, after=read.model_dump(mode="json"), team=review.team)


async def schedule_on_confirmation(
    uow: UnitOfWork, placement: Placement, facts: ConfirmedPlacement
) -> None:
    """ON_CONFIRMED hook: R12 CLA, R13 support plan, R14 Shared Lives, R17 QA visit."""
    for item in on_confirmation(
        cohort=facts.cohort,
        service=facts.provider_service,
        external=facts.external,
        start=facts.start_date,
        policy=uow.policy,
    ):
        review = _schedule(uow, placement, item.kind, item.due_on)
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
        review.status = REVIEW.transition(review.status, "cancel")
        review.cancelled_at = uow.now
        review.cancelled_reason = reason
        uow.touch(review)
        await uow.close_work(SUBJECT, review.id, kinds=[DUE_WORK], reason=reason)
        await uow.flush()
        _recorded(uow, "cancelled", review)


async def cancel_on_end(uow: UnitOfWork, placement: Placement) -> None:
    """ON_ENDED hook: an ended placement's scheduled reviews are cancelled, their work
    items closed."""
    await _cancel_scheduled(uow, placement, "placement_ended")


async def get(ctx: Context, review_id: uuid.UUID) -> ReviewRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, Review, review_id))


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
        return [to_read(r) for r in rows], next_cursor


async def record(
    ctx: Context, review_id: uuid.UUID, body: ReviewRecord, if_match: str | None
) -> ReviewRead:
    """R15: record a held review; schedule the next of its kind; send the record to each
    participant who is a user (a `review_record` work item until acknowledged)."""
    async with ctx.uow() as uow:
        review = await load_for_change(uow, Review, review_id, "reviews.record", if_match)
        before = review.status
        review.status = REVIEW.transition(before, "record")
        placement = await uow.get(Placement, review.placement_id, for_update=True)
        assert placement is not None  # a foreign key keeps it
        check_held_on(body.held_on, local_date(uow.now), placement.start_date)
        next_on = choose_next(
            review.kind, body.held_on, body.next_review_on, body.next_review_reason, ctx.policy
        )
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
            following = _schedule(uow, placement, review.kind, next_on, previous=review)
            review.next_review_id = following.id
            await uow.flush()
            _recorded(uow, "scheduled", following)
        for participant in body.participant_user_ids():
            uow.open_work(
                kind=RECORD_WORK,
                rule="R15",
                title="Read and acknowledge a review record",
                subject_type=SUBJECT,
                subject_id=review.id,
                due_at=uow.now,
                assignee_user=participant,
                scope_team=review.team,
            )
        await uow.flush()
        read = to_read(review)
        uow.record(
            "held",
            SUBJECT,
            review.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            team=review.team,
        )
        return read


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
        check_applicable(body.kind, cohort=person.cohort, service=provider.service)
        if body.due_on < local_date(uow.now):
            raise InvalidInput(
                "An extra review cannot be due in the past.",
                rule=KIND_RULES[body.kind],
                loc=("body", "due_on"),
            )
        review = _schedule(uow, placement, body.kind, body.due_on, extra=True, reason=body.reason)
        await uow.flush()
        _recorded(uow, "requested", review)
        return to_read(review)
