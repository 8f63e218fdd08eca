"""Casework episodes and their contacts, and the checkpoint (R9, seed 001)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch, Paging
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import IMMUTABLE_ETAG, as_json, created, page, with_etag
from app.schemas.casework import CheckpointBody, ContactCreate, ContactRead, EpisodeRead
from app.schemas.enums import EpisodeStatus
from app.services import casework as service

router = APIRouter(prefix="/v1/casework-episodes", tags=["casework"])


@router.get("", responses=problem_responses(403))
async def list_casework_episodes(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    support_request_id: uuid.UUID | None = None,
    status: EpisodeStatus | None = None,
) -> Page[EpisodeRead]:
    """Casework episodes in your scope, by support request or status (R9). Each holds at
    most 10 contacts (policy) before the checkpoint."""
    flt = service.EpisodesFilter(support_request_id=support_request_id, status=status)
    return page(request, response, await service.list_episodes(ctx, flt, paging))


@router.get("/{episode_id}", responses=problem_responses(404))
async def get_casework_episode(episode_id: uuid.UUID, response: Response, ctx: Ctx) -> EpisodeRead:
    """One casework episode with its contact count, status and links to the previous and
    next episodes (R9), with its ETag."""
    return with_etag(response, await service.get(ctx, episode_id))


@router.get("/{episode_id}/contacts", responses=problem_responses(404))
async def list_casework_contacts(
    episode_id: uuid.UUID, request: Request, response: Response, ctx: Ctx, paging: Paging
) -> Page[ContactRead]:
    """The episode's contacts in order (1-10, R9)."""
    return page(request, response, await service.list_contacts(ctx, episode_id, paging))


@router.post(
    "/{episode_id}/contacts",
    status_code=201,
    response_model=ContactRead,
    responses=problem_responses(403, 404, 409, 412, 413, 415),
)
async def add_casework_contact(
    episode_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ContactCreate,
    if_match: IfMatch = None,
) -> Response:
    """Record a contact with the foster carers or the family (R9): the allocated support
    worker or a practice supervisor. The 10th contact makes the episode `checkpoint_due`
    (a work item for the support worker); a further one is 409 `casework_checkpoint_due`
    (R9) until the checkpoint is answered, even under concurrent requests. Direct work with
    the child alone is not a contact: write a case note of type `psw_direct_work_with_child`
    on the child's record (R10)."""
    contact = await service.add_contact(ctx, episode_id, body, if_match)
    created(response, request, f"/v1/casework-episodes/{episode_id}/contacts/{contact.id}")
    return as_json(ContactRead, contact, response, status_code=201)


@router.get("/{episode_id}/contacts/{contact_id}", responses=problem_responses(404))
async def get_casework_contact(
    episode_id: uuid.UUID, contact_id: uuid.UUID, response: Response, ctx: Ctx
) -> ContactRead:
    """One contact of a casework episode (R9)."""
    response.headers["ETag"] = IMMUTABLE_ETAG  # contacts never change (R19)
    return await service.get_contact(ctx, episode_id, contact_id)


@router.post("/{episode_id}/checkpoint", responses=problem_responses(403, 404, 409, 412))
async def answer_casework_checkpoint(
    episode_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: CheckpointBody,
    if_match: IfMatch = None,
) -> EpisodeRead:
    """R9 "is placement support still required?", with who completed it: the support worker,
    or a practice supervisor at supervision; at 10 contacts or earlier. `still_required:
    true` continues into the next episode (sequence + 1, linked both ways); `false` closes
    the episode and the support request (no further action) and cancels its scheduled
    supervisions."""
    return with_etag(response, await service.checkpoint(ctx, episode_id, body, if_match))
