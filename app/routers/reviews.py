"""Reviews (R12-R15, R17): `/v1/reviews`, the `record` action and extra reviews."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.enums import ReviewKind
from app.schemas.review_records import (
    ActionComplete,
    RecordSent,
    ReviewActionRead,
    ReviewParticipantRead,
    ReviewRecord,
)
from app.schemas.reviews import ExtraReview, ReviewRead, ReviewStatus
from app.services import reviews as service

router = APIRouter(tags=["reviews"])


@router.get("/v1/reviews", responses=problem_responses(403))
async def list_reviews(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    placement_id: uuid.UUID | None = None,
    kind: ReviewKind | None = None,
    status: ReviewStatus | None = None,
) -> Page[ReviewRead]:
    """Reviews in your scope, by placement, kind or status: CLA reviews (R12), support plan
    reviews (R13), Shared Lives reviews (R14) and QA visits (R17)."""
    flt = service.ReviewsFilter(placement_id=placement_id, kind=kind, status=status)
    return page(request, response, await service.list_reviews(ctx, flt, paging))


@router.get("/v1/reviews/{review_id}", responses=problem_responses(404))
async def get_review(review_id: uuid.UUID, response: Response, ctx: Ctx) -> ReviewRead:
    """One review, with its ETag (and its R15 record once held)."""
    return with_etag(response, await service.get(ctx, review_id))


@router.post(
    "/v1/reviews/{review_id}/record", responses=problem_responses(403, 404, 409, 412, 413, 415)
)
async def record_review(
    review_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: ReviewRecord,
    if_match: IfMatch = None,
) -> ReviewRead:
    """R15 `scheduled -> held`: a `reviewer` records every kind but `qa_visit`, which a
    `placements_officer` or `placements_manager` records (R17). The body is the record of
    the review's kind (`kind` must match the review's: 422): every kind has `held_on`,
    `participants`, `previous_actions` (the status of the previous review's actions; `done`
    completes one), `new_actions` and `next_review_on`; `cla`, `support_plan`,
    `shared_lives`, `care_and_support` and `qa_visit` add their own sections (the Care Act
    s27 considerations only for the adults' reviews). The next review of the kind is
    scheduled at the policy stage after the date held (R12-R14, R17); an earlier
    `next_review_on` may be set, a later one is 422 `next_review_too_late`. Each new action
    is a `review_action` work item for its owner (R15); each participant who is a user gets
    a `review_record` work item to acknowledge; for each one without an account the author
    gets a `review_record_send` item until the record is recorded as sent in their
    format."""
    return with_etag(response, await service.record(ctx, review_id, body, if_match))


@router.post(
    "/v1/placements/{placement_id}/reviews",
    status_code=201,
    responses=problem_responses(403, 404, 409, 413, 415),
)
async def request_extra_review(
    placement_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ExtraReview,
) -> ReviewRead:
    """An extra review of an active placement, with a reason: R14 on a significant change
    in the person's or host's circumstances (reviewer, placements manager, practitioner),
    R17 an extra QA visit (placements manager only; 409 `qa_visit_not_applicable` for an
    in-house provider)."""
    review = await service.request_extra(ctx, placement_id, body)
    created(response, request, f"/v1/reviews/{review.id}")
    return with_etag(response, review)


@router.post(
    "/v1/reviews/{review_id}/actions/{action_id}/complete",
    responses=problem_responses(403, 404, 409, 412, 413, 415),
)
async def complete_review_action(
    review_id: uuid.UUID,
    action_id: uuid.UUID,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: ActionComplete | None = None,
) -> ReviewActionRead:
    """R15: the action's owner or a `reviewer` completes a review action (with an optional
    note); its `review_action` work item closes. 409 `invalid_transition` when done."""
    return await service.complete_action(ctx, review_id, action_id, body, if_match)


@router.post(
    "/v1/reviews/{review_id}/participants/{participant_id}/sent",
    responses=problem_responses(403, 404, 409, 412, 413, 415),
)
async def record_review_sent(
    review_id: uuid.UUID,
    participant_id: uuid.UUID,
    ctx: Ctx,
    body: RecordSent,
    if_match: IfMatch = None,
) -> ReviewParticipantRead:
    """R15 (seed 004): the review's author or a `reviewer` records the record sent to a
    participant without an account, on `sent_on` and in the participant's `format` (422
    otherwise); their `review_record_send` work item closes. A participant who is a user
    acknowledges the record through their work item instead (409)."""
    return await service.record_sent(ctx, review_id, participant_id, body, if_match)
