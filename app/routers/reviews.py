"""Reviews (R12-R15, R17): `/v1/reviews`, the `record` action and extra reviews."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import Ctx, IfMatch, Paging
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.reviews import ExtraReview, ReviewKind, ReviewRead, ReviewRecord, ReviewStatus
from app.services import reviews as service

router = APIRouter(tags=["reviews"])


@router.get("/v1/reviews", responses=problem_responses(403))
async def list_reviews(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: Paging,
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
    """R15 `scheduled -> held`, by a reviewer: the record (date held, participants, how far
    the placement agreement and care and support plan were met, the Care Act s27
    considerations, emergencies, actions). The next review of the same kind is scheduled
    the interval after the date held, months clamped to month end (R12-R14, R17); an
    earlier `next_review_on` may be set, a later one needs `next_review_reason` (422, R15).
    Each participant given as a user id gets a `review_record` work item until they
    acknowledge it."""
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
    R17 an extra QA visit (placements manager only)."""
    review = await service.request_extra(ctx, placement_id, body)
    created(response, request, f"/v1/reviews/{review.id}")
    return with_etag(response, review)
