"""Panels (`/v1/panels`) and panel bookings (`/v1/panel-bookings`): R3 document deadline,
R4 decisions and actions (seed 003)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.common import BoundedDate
from app.schemas.enums import PanelKind
from app.schemas.panels import (
    AttachDocumentBody,
    BookingStatus,
    DecisionBody,
    PanelBookingCreate,
    PanelBookingRead,
    PanelCreate,
    PanelRead,
)
from app.services import panel_bookings, panel_decisions, panel_documents, panels

router = APIRouter(tags=["panels"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412, 413, 415)


@router.get("/v1/panels", responses=problem_responses())
async def list_panels(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    kind: PanelKind | None = None,
    from_: Annotated[
        BoundedDate | None, Query(alias="from", description="Panels on or after this date.")
    ] = None,
    to: Annotated[BoundedDate | None, Query(description="Panels on or before this date.")] = None,
) -> Page[PanelRead]:
    """Practice assurance and funding panels (R3, R4), by kind and date range. Panels are
    not person records: every role sees them."""
    flt = panels.PanelsFilter(kind=kind, from_date=from_, to_date=to)
    return page(request, response, await panels.list_panels(ctx, flt, paging))


@router.post("/v1/panels", status_code=201, responses=problem_responses(403, 413, 415))
async def create_panel(
    request: Request, response: Response, ctx: Ctx, body: PanelCreate
) -> PanelRead:
    """One panel meeting on a date (panels meet weekly, seed 003). Its date sets the R3
    document deadline of every practice assurance booking into it."""
    panel = await panels.create_panel(ctx, body)
    created(response, request, f"/v1/panels/{panel.id}")
    return with_etag(response, panel)


@router.get("/v1/panels/{panel_id}", responses=problem_responses(404))
async def get_panel(panel_id: uuid.UUID, response: Response, ctx: Ctx) -> PanelRead:
    """One panel, with its ETag (R3: its date sets the bookings' document deadline)."""
    return with_etag(response, await panels.get_panel(ctx, panel_id))


@router.get("/v1/panel-bookings", responses=problem_responses())
async def list_panel_bookings(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    referral_id: uuid.UUID | None = None,
    panel_id: uuid.UUID | None = None,
    status: BookingStatus | None = None,
) -> Page[PanelBookingRead]:
    """Panel bookings of referrals in your scope, by referral, panel or status, with their
    R3 deadline, missing documents and R4 decision and actions."""
    flt = panel_bookings.BookingsFilter(referral_id=referral_id, panel_id=panel_id, status=status)
    return page(request, response, await panel_bookings.list_bookings(ctx, flt, paging))


@router.post(
    "/v1/panel-bookings", status_code=201, responses=problem_responses(403, 404, 409, 413, 415)
)
async def create_panel_booking(
    request: Request, response: Response, ctx: Ctx, body: PanelBookingCreate
) -> PanelBookingRead:
    """Book a referral into a panel dated today or later (a past panel is 409
    `panel_date_passed`, R3). Practice assurance takes supported living referrals only
    (else 409 `panel_not_applicable`, R3): the referral moves `submitted -> panel` (R1; any
    other state is 409 `invalid_transition`), its documents are due 3 working days before
    the panel, 23:59:59 Europe/London (R3), and the booker gets a work item to attend, due
    at the end of the panel day (R3, R18); it closes the referral's "rebook" item after a
    deferral (R4). Funding: no deadline, no status change. A booking may be made after the
    document deadline."""
    booking = await panel_bookings.create_booking(ctx, body)
    created(response, request, f"/v1/panel-bookings/{booking.id}")
    return with_etag(response, booking)


@router.get("/v1/panel-bookings/{booking_id}", responses=problem_responses(404))
async def get_panel_booking(
    booking_id: uuid.UUID, response: Response, ctx: Ctx
) -> PanelBookingRead:
    """One booking with its ETag: R3 deadline and missing documents, R4 decision and
    actions."""
    return with_etag(response, await panel_bookings.get_booking(ctx, booking_id))


@router.post("/v1/panel-bookings/{booking_id}/documents", responses=ACTION_ERRORS)
async def attach_panel_booking_document(
    booking_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: AttachDocumentBody,
    if_match: IfMatch = None,
) -> PanelBookingRead:
    """R3: attach a document already uploaded to the booking's referral; it counts toward
    `missing_documents` once a team manager has assured it (POST
    /v1/documents/{id}/assure). After
    `documents_due_at` it is 409 `panel_document_deadline_passed` unless a `panel_member`
    sends `accept_late: true` (recorded: who and when); `accept_late` by any other role is
    403."""
    return with_etag(
        response, await panel_documents.attach_document(ctx, booking_id, body, if_match)
    )


@router.post("/v1/panel-bookings/{booking_id}/decision", responses=ACTION_ERRORS)
async def decide_panel_booking(
    booking_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: DecisionBody,
    if_match: IfMatch = None,
) -> PanelBookingRead:
    """R4, `panel_member` only, on or after the panel date (before it: 409
    `panel_not_yet_held`, R3): approved moves the referral to `matching`;
    approved_with_actions keeps it at `panel` until every action is done; both need every
    required document attached and quality-assured (409 `panel_documents_missing`, R3);
    deferred or declined returns it to `submitted` for a new booking. Deciding twice is
    409. The decision closes the booker's "attend" item; a deferral opens a "rebook" item
    for the booker; an approval with nothing outstanding opens a "begin matching" item for
    the placements team (R4, R18)."""
    return with_etag(response, await panel_decisions.decide(ctx, booking_id, body, if_match))


@router.post(
    "/v1/panel-bookings/{booking_id}/actions/{action_id}/complete", responses=ACTION_ERRORS
)
async def complete_panel_action(
    booking_id: uuid.UUID,
    action_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
) -> PanelBookingRead:
    """R4: mark one panel action done (`practitioner`, `panel_member`, placements roles);
    completing the last one moves the referral `panel -> matching` and opens the placements
    team's "begin matching" item (R4, R18)."""
    return with_etag(
        response, await panel_decisions.complete_action(ctx, booking_id, action_id, if_match)
    )
