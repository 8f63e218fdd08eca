"""Contact restrictions (R16, seed 002): restricting a child's contact is agreed with the
placing authority first (who agreed it is recorded); in an emergency it may be imposed
first, and the placing authority must then be notified within the policy's hours of when
it was imposed (`imposed_at`, given by the caller). An emergency restriction is a
`contact_restriction_notify` work item for the placement's team until `notify`. A
restriction is `active` until lifted, with the date and reason.
"""

from __future__ import annotations

import uuid

from app.context import Context
from app.domain.calendar import local_date
from app.domain.contact_restrictions import (
    check_imposed_at,
    check_lift,
    check_restriction,
    notify_by,
)
from app.domain.errors import DomainError, InvalidTransition
from app.ids import uuid7
from app.models import ContactRestriction, Person, Placement
from app.pagination import PageParams
from app.schemas.contact_restrictions import (
    ContactRestrictionCreate,
    ContactRestrictionLift,
    ContactRestrictionNotify,
    ContactRestrictionRead,
)
from app.services.common import load_for_change, load_visible, scoped_page

SUBJECT = "contact_restriction"
NOTIFY_WORK = "contact_restriction_notify"


def to_read(row: ContactRestriction) -> ContactRestrictionRead:
    return ContactRestrictionRead.model_validate(row)


async def create(
    ctx: Context, placement_id: uuid.UUID, body: ContactRestrictionCreate
) -> ContactRestrictionRead:
    """R16: agreed first, or imposed first in an emergency with a deadline to notify."""
    async with ctx.uow() as uow:
        placement = await load_visible(uow, Placement, placement_id)
        ctx.principal.require("contact_restrictions.write")
        if placement.status != "active":
            raise InvalidTransition(
                f"The placement is {placement.status}: its contact cannot be restricted.",
                rule="R16",
            )
        person = await uow.get(Person, placement.person_id)
        if person is None or person.cohort != "child":
            raise DomainError(
                "Contact restrictions are for a child's family contact (R16, seed 002).",
                rule="R16",
                code="contact_restriction_not_applicable",
            )
        check_restriction(body.emergency, body.agreed_with)
        imposed_at = body.imposed_at or uow.now
        check_imposed_at(imposed_at, uow.now, placement.start_date)
        agreed = body.agreed_with is not None
        row = ContactRestriction(
            id=uuid7(),
            placement_id=placement.id,
            person_id=placement.person_id,
            team=placement.team,
            description=body.text,
            emergency=body.emergency,
            agreed_with_placing_authority=agreed,
            agreed_with=body.agreed_with,
            status="active",
            imposed_at=imposed_at,
            imposed_by=ctx.principal.sub,
            notify_by=notify_by(imposed_at, body.emergency, agreed, ctx.policy),
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(row)
        if row.notify_by is not None:
            uow.open_work(
                kind=NOTIFY_WORK,
                rule="R16",
                title="Emergency contact restriction: notify the placing authority",
                subject_type=SUBJECT,
                subject_id=row.id,
                due_at=row.notify_by,
                assignee_team=placement.team,
                scope_team=placement.team,
            )
        await uow.flush()
        read = to_read(row)
        uow.record("imposed", SUBJECT, row.id, after=read.model_dump(mode="json"), team=row.team)
        return read


async def get(ctx: Context, restriction_id: uuid.UUID) -> ContactRestrictionRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, ContactRestriction, restriction_id))


async def list_for_placement(
    ctx: Context, placement_id: uuid.UUID, page: PageParams
) -> tuple[list[ContactRestrictionRead], str | None]:
    async with ctx.uow() as uow:
        placement = await load_visible(uow, Placement, placement_id)
        rows, next_cursor = await scoped_page(
            uow, ContactRestriction, page, placement_id=placement.id
        )
        return [to_read(r) for r in rows], next_cursor


async def notify(
    ctx: Context,
    restriction_id: uuid.UUID,
    body: ContactRestrictionNotify | None,
    if_match: str | None,
) -> ContactRestrictionRead:
    """R16: the placing authority has been told of an emergency restriction."""
    async with ctx.uow() as uow:
        row = await load_for_change(
            uow, ContactRestriction, restriction_id, "contact_restrictions.write", if_match
        )
        if row.notify_by is None:
            raise InvalidTransition(
                "This restriction was agreed with the placing authority: there is nothing "
                "to notify.",
                rule="R16",
            )
        if row.notified_at is not None:
            raise InvalidTransition(
                "The placing authority has already been notified of this restriction.",
                rule="R16",
            )
        row.notified_at = uow.now
        row.notified_by = ctx.principal.sub
        row.notification_notes = body.notes if body else None
        uow.touch(row)
        await uow.close_work(SUBJECT, row.id, kinds=[NOTIFY_WORK], reason="notified")
        await uow.flush()
        read = to_read(row)
        uow.record(
            "notified",
            SUBJECT,
            row.id,
            before={"notified_at": None},
            after=read.model_dump(mode="json"),
            team=row.team,
        )
        return read


async def lift(
    ctx: Context, restriction_id: uuid.UUID, body: ContactRestrictionLift, if_match: str | None
) -> ContactRestrictionRead:
    """R16: lift an active restriction, with the date and the reason."""
    async with ctx.uow() as uow:
        row = await load_for_change(
            uow, ContactRestriction, restriction_id, "contact_restrictions.write", if_match
        )
        check_lift(row.status, body.lifted_on, row.imposed_at, local_date(uow.now))
        row.status = "lifted"
        row.lifted_on = body.lifted_on
        row.lift_reason = body.reason
        row.lifted_by = ctx.principal.sub
        row.lifted_at = uow.now
        uow.touch(row)
        await uow.flush()
        read = to_read(row)
        uow.record(
            "lifted",
            SUBJECT,
            row.id,
            before={"status": "active"},
            after=read.model_dump(mode="json"),
            data={"placement_id": str(row.placement_id), "from": "active", "to": "lifted"},
            team=row.team,
        )
        return read
