"""The duty tracker (R2, seed 000): open emergency referrals and their follow-ups, until
all are done: placement confirmed, the TAC duty worker alerted, the child's social worker
informed, the funding request submitted (and still submitted or approved), the courtesy
call, the sustainability review and, for a residential home, the admission documents
(R21). It also stops an emergency referral closing before then (a close check of the referrals
service, wired in `app.wiring`), and records the follow-ups the placements team does by hand
(`POST /v1/referrals/{id}/follow-ups`); a `plan_move` review opens a linked draft planned
referral for the person.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, not_, or_, true
from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidTransition
from app.domain.placements import (
    check_follow_up,
    check_follow_ups_done,
    follow_ups,
    missing_documents,
)
from app.domain.policy import Policy
from app.domain.referrals import check_service_for_person
from app.ids import uuid7
from app.models import (
    Document,
    FundingRequest,
    Person,
    Placement,
    Provider,
    Referral,
    ReferralFollowUp,
)
from app.pagination import PageParams
from app.problems import NotFound, ValidationFailed
from app.schemas.placements import DutyTrackerItem, FollowUp, FollowUpBody, FollowUpRead
from app.services.common import fetch_page, load_visible, team_filter
from app.services.referrals import to_read as referral_read
from app.uow import UnitOfWork

# Emergency referrals in these states can still be on the tracker.
TRACKED_STATES = ("submitted", "matching", "matched", "placed")
FUNDED_STATES = ("submitted", "approved")
RESIDENTIAL = "residential"


def _recorded(kind: str) -> ColumnElement[bool]:
    return exists().where(
        and_(
            col(ReferralFollowUp.referral_id) == col(Referral.id),
            col(ReferralFollowUp.kind) == kind,
        )
    )


def _all_done(policy: Policy) -> ColumnElement[bool]:
    """SQL: every follow-up of the referral is done (R2)."""
    placed = exists().where(col(Placement.referral_id) == col(Referral.id))
    funded = exists().where(
        and_(
            col(FundingRequest.referral_id) == col(Referral.id),
            col(FundingRequest.status).in_(FUNDED_STATES),
        )
    )
    called = exists().where(
        and_(
            col(Placement.referral_id) == col(Referral.id),
            col(Placement.courtesy_call_on).is_not(None),
        )
    )
    in_a_home = exists().where(
        and_(
            col(Placement.referral_id) == col(Referral.id),
            col(Placement.provider_id) == col(Provider.id),
            col(Provider.service) == RESIDENTIAL,
        )
    )
    documents = [
        exists().where(
            and_(
                col(Document.owner_type) == "referral",
                col(Document.owner_id) == col(Referral.id),
                col(Document.kind) == kind,
            )
        )
        for kind in policy.admission_documents(RESIDENTIAL)
    ]
    admitted = or_(not_(in_a_home), and_(true(), *documents))
    return and_(
        placed,
        _recorded("tac_duty_alerted"),
        _recorded("csw_informed"),
        funded,
        called,
        _recorded("sustainability_reviewed"),
        admitted,
    )


def _changed_since(since: datetime) -> ColumnElement[bool]:
    """SQL: the tracker item changed at or after `since`: its referral, or a record its
    follow-ups are read from (a follow-up recorded, its placement, funding request or
    admission documents)."""
    return or_(
        col(Referral.updated_at) >= since,
        exists().where(
            and_(
                col(ReferralFollowUp.referral_id) == col(Referral.id),
                col(ReferralFollowUp.recorded_at) >= since,
            )
        ),
        exists().where(
            and_(
                col(Placement.referral_id) == col(Referral.id),
                col(Placement.updated_at) >= since,
            )
        ),
        exists().where(
            and_(
                col(FundingRequest.referral_id) == col(Referral.id),
                col(FundingRequest.updated_at) >= since,
            )
        ),
        exists().where(
            and_(
                col(Document.owner_type) == "referral",
                col(Document.owner_id) == col(Referral.id),
                col(Document.updated_at) >= since,
            )
        ),
    )


async def _follow_ups_for(
    uow: UnitOfWork, referrals: Sequence[Referral]
) -> dict[uuid.UUID, tuple[uuid.UUID | None, list[tuple[str, bool]]]]:
    ids = [r.id for r in referrals]
    placements: dict[uuid.UUID, Placement] = {}
    services: dict[uuid.UUID, str] = {}
    recorded: dict[uuid.UUID, set[str]] = {i: set() for i in ids}
    kinds: dict[uuid.UUID, set[str]] = {i: set() for i in ids}
    submitted: set[uuid.UUID] = set()
    if ids:
        rows = await uow.session.exec(
            select(Placement, Provider.service)
            .join(Provider, col(Provider.id) == col(Placement.provider_id))
            .where(col(Placement.referral_id).in_(ids))
            .order_by(col(Placement.id))
        )
        for row, service in rows.all():
            placements[row.referral_id] = row  # the latest wins
            services[row.referral_id] = service
        funded = await uow.session.exec(
            select(FundingRequest.referral_id)
            .where(col(FundingRequest.referral_id).in_(ids))
            .where(col(FundingRequest.status).in_(FUNDED_STATES))
        )
        submitted = set(funded.all())
        for referral_id, kind in (
            await uow.session.exec(
                select(ReferralFollowUp.referral_id, ReferralFollowUp.kind).where(
                    col(ReferralFollowUp.referral_id).in_(ids)
                )
            )
        ).all():
            recorded[referral_id].add(kind)
        for owner_id, kind in (
            await uow.session.exec(
                select(Document.owner_id, Document.kind)
                .where(col(Document.owner_type) == "referral")
                .where(col(Document.owner_id).in_(ids))
            )
        ).all():
            kinds[owner_id].add(kind)
    required = uow.policy.admission_documents(RESIDENTIAL)
    out = {}
    for referral in referrals:
        placement = placements.get(referral.id)
        service = services.get(referral.id, referral.service)
        done = {
            "placement_confirmed": placement is not None,
            "funding_request_submitted": referral.id in submitted,
            "courtesy_call": placement is not None and placement.courtesy_call_on is not None,
            "admission_documents": not missing_documents(required, kinds[referral.id]),
            **{kind: True for kind in recorded[referral.id]},
        }
        out[referral.id] = (placement.id if placement else None, follow_ups(service, done))
    return out


async def duty_tracker(ctx: Context, page: PageParams) -> tuple[list[DutyTrackerItem], str | None]:
    """Open emergency referrals in the caller's scope whose follow-ups are not all done;
    with `page.updated_since`, those whose item changed at or after it."""
    async with ctx.uow() as uow:
        stmt = (
            select(Referral)
            .where(col(Referral.urgency) == "emergency")
            .where(col(Referral.status).in_(TRACKED_STATES))
            .where(not_(_all_done(ctx.policy)))
        )
        scope = team_filter(ctx.principal, Referral.team)
        if scope is not None:
            stmt = stmt.where(scope)
        if page.updated_since is not None:
            stmt = stmt.where(_changed_since(page.updated_since))
            page = dataclasses.replace(page, updated_since=None)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Referral.id), page)
        facts = await _follow_ups_for(uow, rows)
        items = [
            DutyTrackerItem(
                referral_id=r.id,
                person_id=r.person_id,
                team=r.team,
                referral_status=r.status,
                opened_at=r.submitted_at,
                placement_id=facts[r.id][0],
                follow_ups=[
                    FollowUp.model_validate({"kind": k, "done": d}) for k, d in facts[r.id][1]
                ],
            )
            for r in rows
        ]
        return items, next_cursor


async def check_emergency_follow_ups(uow: UnitOfWork, referral: Referral) -> None:
    """R1/R2: an emergency referral closes only once its follow-ups are done."""
    if referral.urgency != "emergency":
        return
    _, items = (await _follow_ups_for(uow, [referral]))[referral.id]
    check_follow_ups_done(items)


def _follow_up_read(row: ReferralFollowUp) -> FollowUpRead:
    return FollowUpRead.model_validate(row)


async def record_follow_up(
    ctx: Context, referral_id: uuid.UUID, body: FollowUpBody
) -> FollowUpRead:
    """R2: record a follow-up of an emergency referral (closes its work item); a
    `plan_move` sustainability review opens a draft planned referral for the person,
    linked to this one (`previous_referral_id`)."""
    async with ctx.uow() as uow:
        referral = await load_visible(uow, Referral, referral_id, for_update=True)
        ctx.principal.require("placements.write")
        if referral.urgency != "emergency":
            raise InvalidTransition(
                "Follow-ups are for emergency referrals (the duty tracker).", rule="R2"
            )
        if referral.status not in TRACKED_STATES:
            raise InvalidTransition(
                f"A {referral.status} referral's follow-ups can't be recorded.", rule="R2"
            )
        existing = (
            await uow.session.exec(
                select(ReferralFollowUp.id)
                .where(col(ReferralFollowUp.referral_id) == referral.id)
                .where(col(ReferralFollowUp.kind) == body.kind)
            )
        ).first()
        check_follow_up(body.kind, body.outcome, existing is not None)
        today = local_date(uow.now)
        done_on = body.done_on or today
        if done_on > today:
            raise ValidationFailed(
                "done_on cannot be in the future.",
                rule="R2",
                errors=[{"loc": ["body", "done_on"], "msg": "in the future"}],
            )
        planned_id: uuid.UUID | None = None
        if body.outcome == "plan_move":
            planned_id = await _open_planned_referral(ctx, uow, referral, today)
        row = ReferralFollowUp(
            id=uuid7(),
            referral_id=referral.id,
            team=referral.team,
            kind=body.kind,
            done_on=done_on,
            note=body.note,
            outcome=body.outcome,
            planned_referral_id=planned_id,
            recorded_by=ctx.principal.sub,
            recorded_at=uow.now,
        )
        uow.add(row)
        await uow.close_work("referral", referral.id, kinds=[body.kind], reason=body.kind)
        await uow.flush()
        read = _follow_up_read(row)
        uow.record(
            "follow_up_recorded",
            "referral",
            referral.id,
            after=read.model_dump(mode="json"),
            data={
                "follow_up_id": str(row.id),
                "kind": body.kind,
                "outcome": body.outcome,
                "planned_referral_id": str(planned_id) if planned_id else None,
            },
            team=referral.team,
        )
        return read


async def _open_planned_referral(
    ctx: Context, uow: UnitOfWork, referral: Referral, today: date
) -> uuid.UUID:
    """R2: "start the planned placement process if the emergency placement cannot
    sustain": a draft planned referral for the same person and service."""
    person = await uow.get(Person, referral.person_id)
    if person is None:  # pragma: no cover - a foreign key keeps it
        raise NotFound(f"No person {referral.person_id}.")
    check_service_for_person(
        service=referral.service,
        cohort=person.cohort,
        date_of_birth=person.date_of_birth,
        on=today,
        min_age_supported=ctx.policy.supported_living_min_age,
    )
    planned = Referral(
        id=uuid7(),
        person_id=person.id,
        team=referral.team,
        urgency="planned",
        service=referral.service,
        needs=referral.needs,
        requested_start=max(referral.requested_start, today),
        status="draft",
        previous_referral_id=referral.id,
        created_by=ctx.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.add(planned)
    await uow.flush()
    read = referral_read(planned)
    uow.record(
        "created",
        "referral",
        planned.id,
        after=read.model_dump(mode="json"),
        data={"previous_referral_id": str(referral.id), "urgency": "planned"},
        team=planned.team,
    )
    return planned.id
