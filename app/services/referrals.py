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
    submit_action,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import Person, Referral
from app.pagination import PageParams
from app.schemas.referrals import (
    CloseBody,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    WithdrawBody,
)
from app.services.common import load_for_change, load_visible, read_visible, scoped_page
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


def to_read(referral: Any) -> ReferralRead:
    """A referral (an ORM instance or a Core row of its table) as its read model."""
    return ReferralRead.model_validate(referral, from_attributes=True)


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
        person = await load_visible(uow, Person, body.person_id)
        ctx.principal.require("referrals.create")
        check_new_referral(body.urgency, body.service)
        check_service_for_person(
            service=body.service,
            cohort=person.cohort,
            date_of_birth=person.date_of_birth,
            on=local_date(uow.now),
            min_age_supported=ctx.policy.supported_living_min_age,
        )
        referral = Referral(
            **body.model_dump(),
            id=uuid7(),
            team=person.team,
            status="draft",
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(referral)
        await uow.flush()
        read = to_read(referral)
        uow.record(
            "created", SUBJECT, referral.id, after=read.model_dump(mode="json"), team=referral.team
        )
        return read


async def get(ctx: Context, referral_id: uuid.UUID) -> ReferralRead:
    async with ctx.read() as uow:
        return to_read(await read_visible(uow, Referral, referral_id))


async def list_referrals(
    ctx: Context, flt: ReferralsFilter, page: PageParams
) -> tuple[list[ReferralRead], str | None]:
    async with ctx.read() as uow:
        rows, next_cursor = await scoped_page(
            uow,
            Referral,
            page,
            rows=True,
            person_id=flt.person_id,
            status=flt.status,
            urgency=flt.urgency,
            service=flt.service,
        )
        return [to_read(r) for r in rows], next_cursor


async def update(
    ctx: Context, referral_id: uuid.UUID, body: ReferralUpdate, if_match: str | None
) -> ReferralRead:
    async with ctx.uow() as uow:
        referral = await load_for_change(uow, Referral, referral_id, "referrals.update", if_match)
        if referral.status not in OPEN_STATES:
            raise InvalidTransition(f"A {referral.status} referral cannot be changed.", rule="R1")
        changes = body.changes()
        before = snapshot(referral)
        for name, value in changes.items():
            setattr(referral, name, value)
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
        return to_read(referral)


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
        return to_read(referral)


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
        return to_read(referral)


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
        return to_read(referral)
