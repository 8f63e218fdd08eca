"""Placements (R7, R6, R2, R21, R22): confirm, patch, end, courtesy call, arranging
support.

Confirming takes the referral's row lock, then the person's (R7: one active placement,
also held by a partial unique index), then the vacancy's; it fills the vacancy, sets the
referral to `placed` and emits `placement.confirmed`.

`ON_CONFIRMED` (set by `app.wiring`): hooks taking the unit of work, the placement and
its `ConfirmedPlacement` facts; they run inside the confirmation's transaction, so the
reviews they schedule (R12-R14, R17) commit with the placement or not at all. The same
facts are the `placement.confirmed` event's data for consumers of the change feed.
`ON_ENDED` hooks run inside an ending's transaction (reviews cancels the placement's
scheduled reviews).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidTransition
from app.domain.funding import add_working_days, check_funding_for_placement
from app.domain.matching import check_emergency_eligible, check_vacancy_open
from app.domain.placements import (
    PLACEMENT,
    ConfirmedPlacement,
    check_admission_documents,
    check_arranging_support_allowed,
    check_arranging_support_done,
    check_courtesy_call,
    check_emergency_start,
    check_end_date,
    check_person_free,
    check_planned_end,
    check_provider_active,
    follow_up_due,
    follow_ups_for,
    needs_arranging_support,
    place_action,
)
from app.domain.referrals import REFERRAL
from app.domain.ssda903 import derive_place, derive_place_provider
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import (
    Document,
    Match,
    Person,
    Placement,
    Provider,
    Referral,
    ReferralFollowUp,
    Vacancy,
)
from app.pagination import PageParams
from app.problems import NotFound, ValidationFailed
from app.schemas.placements import (
    ArrangingSupportBody,
    ArrangingSupportRead,
    CourtesyCall,
    PlacementCreate,
    PlacementEnd,
    PlacementRead,
    PlacementUpdate,
)
from app.services import external_ids, funding
from app.services.common import load_for_change, load_visible, scoped_page
from app.services.matching import (
    flush_or_conflict,
    load_vacancy_locked,
    set_vacancy_status,
    withdraw_matches,
)
from app.services.referrals import move
from app.uow import UnitOfWork

SUBJECT = "placement"

OnConfirmed = Callable[[UnitOfWork, Placement, ConfirmedPlacement], Awaitable[None]]
# Set by app.wiring: run when a placement is confirmed, in its transaction.
ON_CONFIRMED: tuple[OnConfirmed, ...] = ()
OnEnded = Callable[[UnitOfWork, Placement], Awaitable[None]]
# Set by app.wiring: run when a placement ends, in its transaction.
ON_ENDED: tuple[OnEnded, ...] = ()

_FOLLOW_UP_TITLES = {
    "tac_duty_alerted": "Emergency placement: alert the team around the child duty worker",
    "csw_informed": "Emergency placement: share the carer's details with the social worker",
    "funding_request_submitted": "Emergency placement: submit its funding request for sign-off",
    "courtesy_call": "Emergency placement: arrange the carer's courtesy call",
    "sustainability_reviewed": "Emergency placement: review whether it can sustain",
    "admission_documents": "Emergency residential placement: get the admission documents",
}
# R22: the hand-off of a confirmed supported living placement to arranging support.
ARRANGING_SUPPORT_WORK = "arranging_support"


@dataclass(frozen=True)
class PlacementsFilter:
    person_id: uuid.UUID | None = None
    status: str | None = None
    external_id: str | None = None


async def read(uow: UnitOfWork, placement: Placement) -> PlacementRead:
    """The placement as answered: with its external ids."""
    (out,) = await external_ids.attach(uow, SUBJECT, [to_read(placement)])
    return out


def to_read(placement: Placement) -> PlacementRead:
    data = placement.model_dump()
    arranging = None
    if placement.arranging_support_sent_on is not None:
        arranging = ArrangingSupportRead(
            sent_on=placement.arranging_support_sent_on,
            provider_copied=bool(placement.arranging_support_provider_copied),
            re_ratio_required=bool(placement.arranging_support_re_ratio_required),
            night_provision_changed=bool(placement.arranging_support_night_provision_changed),
            purchase_order_ref=placement.arranging_support_purchase_order_ref,
            recorded_by=placement.arranging_support_recorded_by or "",
            recorded_at=placement.arranging_support_recorded_at or placement.updated_at,
        )
    data["arranging_support"] = arranging
    return PlacementRead.model_validate(data)


async def referral_document_kinds(uow: UnitOfWork, referral_id: uuid.UUID) -> set[str]:
    """The kinds of the documents on a referral (R21)."""
    stmt = (
        select(Document.kind)
        .where(col(Document.owner_type) == "referral")
        .where(col(Document.owner_id) == referral_id)
    )
    return set((await uow.session.exec(stmt)).all())


def _invalid(field: str, detail: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[{"loc": ["body", field], "msg": detail}])


async def _has_active_placement(uow: UnitOfWork, person_id: uuid.UUID) -> bool:
    stmt = (
        select(Placement.id)
        .where(col(Placement.person_id) == person_id)
        .where(col(Placement.status) == "active")
    )
    return (await uow.session.exec(stmt)).first() is not None


async def _the_match(
    uow: UnitOfWork, referral_id: uuid.UUID, body: PlacementCreate
) -> Match | None:
    """The accepted match the placement comes from: the one named, or the referral's."""
    if body.match_id is None:
        stmt = (
            select(Match)
            .where(col(Match.referral_id) == referral_id)
            .where(col(Match.status) == "accepted")
        )
        return (await uow.session.exec(stmt)).first()
    match = await uow.get(Match, body.match_id)
    if match is None or match.referral_id != referral_id:
        raise _invalid("match_id", "match_id is not a match of this referral.")
    if match.status != "accepted":
        raise InvalidTransition(
            f"Only an accepted match can become a placement; this one is {match.status}.",
            rule="R5",
        )
    return match


async def confirm(ctx: Context, body: PlacementCreate) -> PlacementRead:
    """R7 confirm: fills the vacancy, sets the referral `placed`, one active placement per
    person; R6 a planned placement needs approved funding; R2 an emergency one may be
    confirmed straight from matching and opens its follow-ups."""
    async with ctx.uow() as uow:
        # Lock order: the referral, the person, then the vacancy.
        referral = await load_visible(uow, Referral, body.referral_id, for_update=True)
        ctx.principal.require("placements.write")
        if body.external_ids:
            external_ids.require_role(ctx)
        person = await uow.get(Person, referral.person_id, for_update=True)
        if person is None:  # pragma: no cover - a foreign key keeps it
            raise NotFound(f"No person {referral.person_id}.")
        check_person_free(await _has_active_placement(uow, person.id))
        action = place_action(referral.urgency, referral.status)
        REFERRAL.transition(referral.status, action)  # refuse early with R1
        match = await _the_match(uow, referral.id, body)
        if match is not None and match.provider_id != body.provider_id:
            raise _invalid("provider_id", "provider_id is not the accepted match's provider.")
        if match is not None and body.vacancy_id not in (None, match.vacancy_id):
            raise _invalid("vacancy_id", "vacancy_id is not the accepted match's vacancy.")
        today = local_date(uow.now)
        if referral.urgency == "emergency":
            check_emergency_start(body.start_date, today, ctx.policy.emergency_backdate_days)
        check_funding_for_placement(
            referral.urgency,
            match.id if match else None,
            await funding.approved_match_ids(uow, referral.id),
        )
        provider = await load_visible(uow, Provider, body.provider_id)
        check_provider_active(provider.active)
        check_admission_documents(
            referral.urgency,
            ctx.policy.admission_documents(provider.service),
            await referral_document_kinds(uow, referral.id),
        )
        vacancy_id = body.vacancy_id or (match.vacancy_id if match else None)
        vacancy: Vacancy | None = None
        if vacancy_id is not None:
            vacancy = await load_vacancy_locked(uow, vacancy_id, provider)
            held_by_match = (
                match is not None and match.vacancy_id == vacancy.id and vacancy.status == "held"
            )
            if not held_by_match:
                check_vacancy_open(vacancy.status)
        if match is None:
            check_emergency_eligible(
                urgency=referral.urgency,
                provider_service=provider.service,
                on_emergency_rota=provider.on_emergency_rota,
                vacancy_status=vacancy.status if vacancy else None,
            )
        emergency = referral.urgency == "emergency"
        placement = Placement(
            id=uuid7(),
            person_id=person.id,
            provider_id=provider.id,
            vacancy_id=vacancy.id if vacancy else None,
            referral_id=referral.id,
            match_id=match.id if match else None,
            team=referral.team,
            start_date=body.start_date,
            status="active",
            emergency=emergency,
            placement_type=body.placement_type or derive_place(provider.service),
            placement_provider=body.placement_provider
            or (derive_place_provider(provider.external) if person.cohort == "child" else None),
            reason_new_episode=body.reason_new_episode,
            home_postcode=body.home_postcode,
            placement_postcode=body.placement_postcode,
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(placement)
        await flush_or_conflict(uow)
        external_ids.remember(uow, SUBJECT, placement.id, {})
        await external_ids.claim(uow, SUBJECT, placement.id, body.external_ids)
        if vacancy is not None:
            set_vacancy_status(uow, vacancy, "filled", placement_id=placement.id)
        if match is not None:
            match.placed_at = uow.now
            uow.touch(match)
        await funding.link_to_placement(uow, referral.id, placement.id)
        # R7: the referral's other open matches are withdrawn.
        await withdraw_matches(
            uow,
            referral,
            reason="Another match of the referral was placed.",
            keep=match.id if match else None,
        )
        await move(uow, referral, action, placement_id=placement.id)
        if emergency:
            await _open_follow_ups(ctx, uow, referral.id, referral.team, placement, provider)
        if needs_arranging_support(provider.service):
            uow.open_work(
                kind=ARRANGING_SUPPORT_WORK,
                rule="R22",
                title="Send the placement confirmation to the Arranging Support team",
                subject_type=SUBJECT,
                subject_id=placement.id,
                due_at=due_at_for_date(
                    add_working_days(today, ctx.calendar, ctx.policy.arranging_support_working_days)
                ),
                assignee_team=ctx.policy.placements_team,
                scope_team=referral.team,
            )
        facts = ConfirmedPlacement(
            placement_id=str(placement.id),
            person_id=str(person.id),
            cohort=person.cohort,
            provider_id=str(provider.id),
            provider_service=provider.service,
            external=provider.external,
            emergency=emergency,
            start_date=placement.start_date,
        )
        await flush_or_conflict(uow)
        out = await read(uow, placement)
        uow.record(
            "confirmed",
            SUBJECT,
            placement.id,
            after=out.model_dump(mode="json"),
            data={
                **{k: v for k, v in asdict(facts).items() if k != "start_date"},
                "start_date": placement.start_date.isoformat(),
                "referral_id": str(referral.id),
                "vacancy_id": str(vacancy.id) if vacancy else None,
                "match_id": str(match.id) if match else None,
            },
            team=placement.team,
        )
        for hook in ON_CONFIRMED:
            await hook(uow, placement, facts)
        return out


async def _open_follow_ups(
    ctx: Context,
    uow: UnitOfWork,
    referral_id: uuid.UUID,
    team: str,
    placement: Placement,
    provider: Provider,
) -> None:
    """R2: the placement is confirmed (the referral's `emergency_referral` item closes); its
    other follow-ups are now work items for the placements team."""
    await uow.close_work(
        "referral", referral_id, kinds=["emergency_referral"], reason="placement_confirmed"
    )
    already_submitted = referral_id in await funding.submitted_referrals(uow, [referral_id])
    today = local_date(uow.now)
    days = {
        "tac_duty_alerted": ctx.policy.tac_duty_alert_days,
        "csw_informed": ctx.policy.csw_inform_days,
        "funding_request_submitted": ctx.policy.emergency_funding_submit_days,
        "courtesy_call": ctx.policy.courtesy_call_days,
        "sustainability_reviewed": ctx.policy.sustainability_review_days,
        "admission_documents": 0,
    }
    recorded = await recorded_follow_ups(uow, referral_id)
    have_documents = not [
        kind
        for kind in ctx.policy.admission_documents(provider.service)
        if kind not in await referral_document_kinds(uow, referral_id)
    ]
    for kind in follow_ups_for(provider.service):
        if kind == "placement_confirmed" or kind in recorded:
            continue
        if kind == "funding_request_submitted" and already_submitted:
            continue
        if kind == "admission_documents" and have_documents:
            continue
        uow.open_work(
            kind=kind,
            rule="R2",
            title=_FOLLOW_UP_TITLES[kind],
            subject_type="referral",
            subject_id=referral_id,
            due_at=due_at_for_date(follow_up_due(today, days[kind])),
            assignee_team=ctx.policy.placements_team,
            scope_team=team,
        )


async def get(ctx: Context, placement_id: uuid.UUID) -> PlacementRead:
    async with ctx.uow() as uow:
        return await read(uow, await load_visible(uow, Placement, placement_id))


async def list_placements(
    ctx: Context, flt: PlacementsFilter, page: PageParams
) -> tuple[list[PlacementRead], str | None]:
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow,
            Placement,
            page,
            where=external_ids.filter_clauses(SUBJECT, Placement.id, flt.external_id),
            person_id=flt.person_id,
            status=flt.status,
        )
        reads = [to_read(p) for p in rows]
        return list(await external_ids.attach(uow, SUBJECT, reads)), next_cursor


async def recorded_follow_ups(uow: UnitOfWork, referral_id: uuid.UUID) -> set[str]:
    stmt = select(ReferralFollowUp.kind).where(col(ReferralFollowUp.referral_id) == referral_id)
    return set((await uow.session.exec(stmt)).all())


async def update(
    ctx: Context, placement_id: uuid.UUID, body: PlacementUpdate, if_match: str | None
) -> PlacementRead:
    """R7: set an active placement's planned move-out date; link external ids
    (integration and admin)."""
    ops = ["placements.write"]
    if "external_ids" in body.model_fields_set:
        ops.append(external_ids.PERMISSION)
    async with ctx.uow() as uow:
        placement = await load_for_change(uow, Placement, placement_id, ops, if_match)
        if placement.status != "active":
            raise InvalidTransition("An ended placement cannot be changed.", rule="R7")
        changes = body.model_dump(exclude_unset=True, exclude={"external_ids"})
        if "planned_end_on" in changes:
            check_planned_end(placement.start_date, changes["planned_end_on"])
        before: dict[str, object] = {
            k: v.isoformat() if v else None
            for k, v in ((k, getattr(placement, k)) for k in changes)
        }
        after: dict[str, object] = {k: v.isoformat() if v else None for k, v in changes.items()}
        for name, value in changes.items():
            setattr(placement, name, value)
        sent = body.external_ids or {}
        if await external_ids.claim(uow, SUBJECT, placement.id, sent):
            after["external_ids"] = sent
        uow.touch(placement)
        await uow.flush()
        uow.record(
            "updated",
            SUBJECT,
            placement.id,
            before=before,
            after=after,
            data={"changed": sorted(after)},
            team=placement.team,
        )
        return await read(uow, placement)


async def arranging_support(
    ctx: Context, placement_id: uuid.UUID, body: ArrangingSupportBody, if_match: str | None
) -> PlacementRead:
    """R22 (seed 003 step 12): record the placement confirmation sent to the Arranging
    Support team; closes its work item."""
    async with ctx.uow() as uow:
        placement = await load_for_change(
            uow, Placement, placement_id, "placements.write", if_match
        )
        provider = await load_visible(uow, Provider, placement.provider_id)
        check_arranging_support_allowed(
            provider.service, placement.arranging_support_sent_on is not None
        )
        if body.sent_on > local_date(uow.now):
            raise _invalid("sent_on", "sent_on cannot be in the future.")
        placement.arranging_support_sent_on = body.sent_on
        placement.arranging_support_provider_copied = body.provider_copied
        placement.arranging_support_re_ratio_required = body.re_ratio_required
        placement.arranging_support_night_provision_changed = body.night_provision_changed
        placement.arranging_support_purchase_order_ref = body.purchase_order_ref
        placement.arranging_support_recorded_by = ctx.principal.sub
        placement.arranging_support_recorded_at = uow.now
        uow.touch(placement)
        await uow.close_work(
            SUBJECT, placement.id, kinds=[ARRANGING_SUPPORT_WORK], reason="arranging_support_sent"
        )
        await uow.flush()
        out = await read(uow, placement)
        uow.record(
            "arranging_support_recorded",
            SUBJECT,
            placement.id,
            after=out.model_dump(mode="json"),
            data={
                "placement_id": str(placement.id),
                "changed": ["arranging_support"],
            },
            team=placement.team,
        )
        return out


async def end(
    ctx: Context, placement_id: uuid.UUID, body: PlacementEnd, if_match: str | None
) -> PlacementRead:
    """R7 `active -> ended` with an end date and reason; frees the vacancy (filled -> open)."""
    async with ctx.uow() as uow:
        placement = await load_for_change(
            uow, Placement, placement_id, "placements.write", if_match
        )
        before = placement.status
        placement.status = PLACEMENT.transition(before, "end")
        check_end_date(placement.start_date, body.end_date, local_date(uow.now))
        placement.end_date = body.end_date
        placement.end_reason = body.reason
        placement.reason_episode_ceased = body.reason_episode_ceased
        placement.reason_place_change = body.reason_place_change
        placement.ended_at = uow.now
        placement.ended_by = ctx.principal.sub
        uow.touch(placement)
        if placement.vacancy_id is not None:
            vacancy = await uow.get(Vacancy, placement.vacancy_id, for_update=True)
            if vacancy is not None and vacancy.status == "filled":
                set_vacancy_status(uow, vacancy, "open", placement_id=placement.id)
        await uow.flush()
        out = await read(uow, placement)
        uow.record(
            "ended",
            SUBJECT,
            placement.id,
            before={"status": before},
            after=out.model_dump(mode="json"),
            team=placement.team,
        )
        for hook in ON_ENDED:
            await hook(uow, placement)
        return out


async def courtesy_call(
    ctx: Context, placement_id: uuid.UUID, body: CourtesyCall, if_match: str | None
) -> PlacementRead:
    """R2 follow-up: the courtesy call to the carer after an emergency placement."""
    async with ctx.uow() as uow:
        placement = await load_for_change(
            uow, Placement, placement_id, "placements.write", if_match
        )
        check_courtesy_call(placement.courtesy_call_on)
        placement.courtesy_call_on = body.called_on or local_date(uow.now)
        placement.courtesy_call_by = ctx.principal.sub
        placement.courtesy_call_notes = body.notes
        uow.touch(placement)
        await uow.close_work(
            "referral", placement.referral_id, kinds=["courtesy_call"], reason="courtesy_call_made"
        )
        await uow.flush()
        out = await read(uow, placement)
        uow.record(
            "courtesy_call_made",
            SUBJECT,
            placement.id,
            after=out.model_dump(mode="json"),
            team=placement.team,
        )
        return out


async def check_arranging_support_recorded(uow: UnitOfWork, referral: Referral) -> None:
    """R22: a supported living referral closes only once its placement's arranging support
    is recorded."""
    stmt = (
        select(Placement)
        .where(col(Placement.referral_id) == referral.id)
        .order_by(col(Placement.id).desc())
    )
    placement = (await uow.session.exec(stmt)).first()
    if placement is None:
        return
    check_arranging_support_done(referral.service, placement.arranging_support_sent_on is not None)
