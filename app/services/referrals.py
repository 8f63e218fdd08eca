"""Referrals (R1, R2): create, read, list, patch, submit, withdraw, close.

Other areas move a referral through `move()` (panel, matching, placements), so every
transition is checked against the one table in `app.domain.referrals` and recorded. The
referral's own actions emit `referral.submitted`, `referral.withdrawn`, `referral.closed`;
a move by another area emits `referral.status_changed` (docs/decisions/0011-event-names.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.context import Context
from app.domain.calendar import end_of_day, local_date
from app.domain.errors import InvalidTransition
from app.domain.funding import add_working_days
from app.domain.referrals import (
    OPEN_STATES,
    REFERRAL,
    check_new_referral,
    check_service_for_person,
    check_upsert_change,
    submit_action,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import Person, Referral
from app.pagination import PageParams
from app.problems import ValidationFailed
from app.schemas.referrals import (
    CloseBody,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    ReferralUpsert,
    WithdrawBody,
)
from app.services import external_ids
from app.services.common import (
    load_for_change,
    load_visible,
    read_visible_with_ids,
    scoped_page,
)
from app.uow import UnitOfWork, snapshot

SUBJECT = "referral"

# Set by app.wiring. Checks run before `close` (R1: once the placement's follow-ups are
# done); each raises to refuse.
CloseCheck = Callable[[UnitOfWork, Referral], Awaitable[None]]
CLOSE_CHECKS: tuple[CloseCheck, ...] = ()
# Set by app.wiring. Hooks run in the withdrawal's transaction: areas wind down what the
# referral held.
WithdrawHook = Callable[[UnitOfWork, Referral], Awaitable[None]]
ON_WITHDRAWN: tuple[WithdrawHook, ...] = ()


@dataclass(frozen=True)
class ReferralsFilter:
    person_id: uuid.UUID | None = None
    status: str | None = None
    urgency: str | None = None
    service: str | None = None
    external_id: str | None = None


def to_read(referral: Any) -> ReferralRead:
    """A referral (an ORM instance or a Core row of its table) as its read model, without
    its external ids (for an audit snapshot); answers use `read`."""
    return ReferralRead.model_validate(referral, from_attributes=True)


async def read(uow: UnitOfWork, referral: Referral) -> ReferralRead:
    (out,) = await external_ids.attach(uow, SUBJECT, [to_read(referral)])
    return out


def _transition(uow: UnitOfWork, referral: Referral, action: str, **data: object) -> dict[str, Any]:
    """Apply one R1 transition with its audit entry; returns the event data it makes."""
    before = referral.status
    referral.status = REFERRAL.transition(referral.status, action)
    uow.touch(referral)
    uow.audit(
        f"referral.{action}",
        SUBJECT,
        referral.id,
        before={"status": before},
        after={"status": referral.status, **_jsonable(data)},
    )
    return {
        "from": before,
        "to": referral.status,
        "action": action,
        "person_id": str(referral.person_id),
        **_jsonable(data),
    }


async def move(uow: UnitOfWork, referral: Referral, action: str, **data: object) -> str:
    """Another area's action moves the referral (R1): its audit entry and one
    `referral.status_changed` event (`from`, `to`, `action` and what caused it)."""
    event = _transition(uow, referral, action, **data)
    uow.emit("referral.status_changed", SUBJECT, referral.id, event, team=referral.team)
    return referral.status


def _jsonable(data: dict[str, object]) -> dict[str, object]:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in data.items()}


async def create(ctx: Context, body: ReferralCreate) -> ReferralRead:
    async with ctx.uow() as uow:
        return await _create(ctx, uow, body)


def _check_rules(ctx: Context, uow: UnitOfWork, person: Person, body: ReferralCreate) -> None:
    check_new_referral(body.urgency, body.service)
    check_service_for_person(
        service=body.service,
        cohort=person.cohort,
        date_of_birth=person.date_of_birth,
        on=local_date(uow.now),
        min_age_supported=ctx.policy.supported_living_min_age,
    )


async def _create(
    ctx: Context, uow: UnitOfWork, body: ReferralCreate, system: str | None = None
) -> ReferralRead:
    """A draft referral; `system` names the upsert that makes it (its role is checked)."""
    person = await load_visible(uow, Person, body.person_id)
    if system is None:
        ctx.principal.require("referrals.create")
        if body.external_ids:
            external_ids.require_role(ctx)
    _check_rules(ctx, uow, person, body)
    referral = Referral(
        **body.model_dump(exclude={"external_ids"}),
        id=uuid7(),
        team=person.team,
        status="draft",
        created_by=ctx.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.add(referral)
    await uow.flush()
    external_ids.remember(uow, SUBJECT, referral.id, {})
    await external_ids.claim(uow, SUBJECT, referral.id, body.external_ids)
    out = await read(uow, referral)
    uow.record(
        "created",
        SUBJECT,
        referral.id,
        after=out.model_dump(mode="json"),
        data={"system": system} if system else None,
        team=referral.team,
    )
    return out


async def get(ctx: Context, referral_id: uuid.UUID) -> ReferralRead:
    async with ctx.read() as uow:
        row, ids = await read_visible_with_ids(uow, Referral, SUBJECT, referral_id)
        out = to_read(row)
        out.external_ids = ids
        return out


async def list_referrals(
    ctx: Context, flt: ReferralsFilter, page: PageParams
) -> tuple[list[dict[str, Any]], str | None]:
    async with ctx.read() as uow:
        rows, next_cursor = await scoped_page(
            uow,
            Referral,
            page,
            where=external_ids.filter_clauses(SUBJECT, Referral.id, flt.external_id),
            rows=True,
            person_id=flt.person_id,
            status=flt.status,
            urgency=flt.urgency,
            service=flt.service,
        )
        # Dicts of the rows with their external ids, validated once with the page by the
        # router (`page_json`): no model per row here.
        items = [dict(r._mapping) for r in rows]
        known = await external_ids.ids_of(uow, SUBJECT, [item["id"] for item in items])
        for item in items:
            item["external_ids"] = known[item["id"]]
        return items, next_cursor


async def update(
    ctx: Context, referral_id: uuid.UUID, body: ReferralUpdate, if_match: str | None
) -> ReferralRead:
    ops = ["referrals.update"]
    if "external_ids" in body.model_fields_set:
        ops.append(external_ids.PERMISSION)
    async with ctx.uow() as uow:
        referral = await load_for_change(uow, Referral, referral_id, ops, if_match)
        if referral.status not in OPEN_STATES:
            raise InvalidTransition(f"A {referral.status} referral cannot be changed.", rule="R1")
        changes = body.changes()
        sent = changes.pop("external_ids", None) or {}
        before = snapshot(referral)
        await external_ids.apply(uow, SUBJECT, referral, changes, sent)
        uow.touch(referral)
        await uow.flush()
        uow.record(
            "updated",
            SUBJECT,
            referral.id,
            before=before,
            after=snapshot(referral),
            data={"changed": sorted(changes)},
            team=referral.team,
        )
        return await read(uow, referral)


async def upsert_external(
    ctx: Context, system: str, external_id: str, body: ReferralUpsert
) -> tuple[ReferralRead, bool]:
    """PUT by external id (integration, admin): creates a draft (True) or updates the
    referral (False); the same PUT again changes nothing. Once the referral is no longer
    a draft only the fields PATCH allows may change (R1, `referral_not_draft`)."""
    ctx.principal.require("referrals.upsert_external")
    wanted = external_ids.wanted(system, external_id, body.external_ids)
    body = body.model_copy(update={"external_ids": wanted})
    return await external_ids.retry_race(lambda: _upsert_once(ctx, system, external_id, body))


async def _upsert_once(
    ctx: Context, system: str, external_id: str, body: ReferralUpsert
) -> tuple[ReferralRead, bool]:
    async with ctx.uow() as uow:
        found = await external_ids.find(uow, SUBJECT, system, external_id)
        if found is None:
            return await _create(ctx, uow, body, system), True
        referral = await load_visible(uow, Referral, found, for_update=True)
        changed = external_ids.differing(referral, body.model_dump(exclude={"external_ids"}))
        if "person_id" in changed:
            raise ValidationFailed(
                "A referral's person never changes: this external id is another person's referral.",
                errors=[{"loc": ["body", "person_id"], "msg": "differs from the referral's"}],
            )
        check_upsert_change(referral.status, changed)
        if changed.keys() & {"urgency", "service"}:  # a draft's: check them as on create
            person = await load_visible(uow, Person, referral.person_id)
            _check_rules(ctx, uow, person, body)
        before = snapshot(referral)
        await external_ids.apply(uow, SUBJECT, referral, changed, body.external_ids)
        if changed:
            uow.touch(referral)
            await uow.flush()
            uow.record(
                "updated",
                SUBJECT,
                referral.id,
                before=before,
                after=snapshot(referral),
                data={"changed": sorted(changed), "system": system},
                team=referral.team,
            )
        return await read(uow, referral), False


async def submit(ctx: Context, referral_id: uuid.UUID, if_match: str | None) -> ReferralRead:
    """R1 submit; R2: an emergency referral goes straight to matching and raises a
    same-day work item for the placements team's duty officer."""
    async with ctx.uow() as uow:
        referral = await load_for_change(uow, Referral, referral_id, "referrals.submit", if_match)
        action = submit_action(referral.urgency, referral.service)
        referral.submitted_at = uow.now
        referral.submitted_by = ctx.principal.sub
        event = _transition(uow, referral, action)
        uow.emit(
            "referral.submitted",
            SUBJECT,
            referral.id,
            {
                **event,
                "urgency": referral.urgency,
                "service": referral.service,
                "status": referral.status,
            },
            team=referral.team,
        )
        if referral.urgency == "emergency":
            uow.open_work(
                kind="emergency_referral",
                rule="R2",
                title="Emergency referral: find a same-day placement",
                subject_type=SUBJECT,
                subject_id=referral.id,
                due_at=end_of_day(local_date(uow.now)),
                assignee_team=ctx.policy.placements_team,
                scope_team=referral.team,
            )
        else:
            # R18: a submitted planned referral for the placements team to triage (closed
            # by the first match proposed).
            days = ctx.policy.triage_working_days
            uow.open_work(
                kind="triage",
                rule="R18",
                title="Triage a planned referral",
                subject_type=SUBJECT,
                subject_id=referral.id,
                due_at=due_at_for_date(add_working_days(local_date(uow.now), ctx.calendar, days)),
                assignee_team=ctx.policy.placements_team,
                scope_team=referral.team,
            )
        await uow.flush()
        return await read(uow, referral)


async def withdraw(
    ctx: Context, referral_id: uuid.UUID, body: WithdrawBody, if_match: str | None
) -> ReferralRead:
    async with ctx.uow() as uow:
        referral = await load_for_change(uow, Referral, referral_id, "referrals.withdraw", if_match)
        referral.withdrawn_reason = body.reason
        referral.closed_at = uow.now
        event = _transition(uow, referral, "withdraw", reason=body.reason)
        event.pop("reason")  # typed text: on the record and its audit entry, not the feed
        uow.emit("referral.withdrawn", SUBJECT, referral.id, event, team=referral.team)
        await uow.close_work(SUBJECT, referral.id, reason="referral_withdrawn")
        for hook in ON_WITHDRAWN:
            await hook(uow, referral)
        await uow.flush()
        return await read(uow, referral)


async def close(
    ctx: Context, referral_id: uuid.UUID, body: CloseBody, if_match: str | None
) -> ReferralRead:
    async with ctx.uow() as uow:
        referral = await load_for_change(uow, Referral, referral_id, "referrals.close", if_match)
        REFERRAL.transition(referral.status, "close")  # refuse early with R1
        for check in CLOSE_CHECKS:
            await check(uow, referral)
        referral.close_note = body.note
        referral.closed_at = uow.now
        event = _transition(uow, referral, "close")
        uow.emit("referral.closed", SUBJECT, referral.id, event, team=referral.team)
        await uow.close_work(SUBJECT, referral.id, reason="referral_closed")
        await uow.flush()
        return await read(uow, referral)
