"""Matching (R5, R2): propose a provider for a referral and move the match along.

Every change to a referral's matches takes the referral's row lock first, then the
vacancy's (always in that order), and the partial unique indexes on `matches` back the
locks up: at most one accepted match per referral and one holding each vacancy, even
with several API processes.

`PROPOSE_CHECKS` (set by `app.wiring`): areas that can hold a referral back from matching
(R4 panels: actions outstanding); each runs in the proposal's transaction, after the
referral is locked, and raises a `DomainError` to refuse. `ON_PROPOSED` (also set by
`app.wiring`): reactions to a match proposed, in its transaction (R4: the placements
team's "begin matching" item closes).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import DomainError
from app.domain.funding import add_working_days
from app.domain.matching import (
    MATCH,
    MatchAlreadyAccepted,
    VacancyUnavailable,
    check_emergency_eligible,
    check_no_other_accepted,
    check_release_allowed,
    check_vacancy_open,
    proposal_action,
)
from app.domain.placements import PersonAlreadyPlaced, check_provider_active
from app.domain.referrals import REFERRAL
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import Match, Provider, Referral, Vacancy
from app.pagination import PageParams
from app.problems import NotFound, ValidationFailed
from app.schemas.matching import MatchActionBody, MatchCreate, MatchRead
from app.services import funding
from app.services.common import check_if_match, fetch_page, load_visible
from app.services.referrals import move
from app.uow import UnitOfWork

SUBJECT = "match"
# R18 hand-off: a submitted planned referral for the placements team to triage.
TRIAGE_WORK = "triage"

ProposeCheck = Callable[[UnitOfWork, Referral], Awaitable[None]]
# Set by app.wiring: checks run before a match is proposed (R4 panel actions outstanding).
PROPOSE_CHECKS: tuple[ProposeCheck, ...] = ()
# Set by app.wiring: reactions to a match proposed (R4 begin-matching hand-off closes).
ON_PROPOSED: tuple[ProposeCheck, ...] = ()

# A unique index's name (PostgreSQL) or its columns (SQLite) -> the refusal it means.
_UNIQUE_VIOLATIONS: tuple[tuple[tuple[str, ...], type[DomainError], str], ...] = (
    (
        ("uq_matches_accepted_referral", "matches.referral_id"),
        MatchAlreadyAccepted,
        "This referral already has an accepted match.",
    ),
    (
        ("uq_matches_holding_vacancy", "matches.vacancy_id"),
        VacancyUnavailable,
        "The vacancy is held by another accepted match.",
    ),
    (
        ("uq_placements_active_person", "placements.person_id"),
        PersonAlreadyPlaced,
        "This person already has an active placement.",
    ),
)


async def flush_or_conflict(uow: UnitOfWork) -> None:
    """Flush; a broken R5/R7 unique index becomes its 409 problem, never a 500."""
    try:
        await uow.flush()
    except IntegrityError as error:
        message = str(error.orig)
        for needles, refusal, detail in _UNIQUE_VIOLATIONS:
            if any(needle in message for needle in needles):
                raise refusal(detail) from None
        raise


def to_read(match: Match) -> MatchRead:
    return MatchRead.model_validate(match)


async def load_vacancy_locked(
    uow: UnitOfWork, vacancy_id: uuid.UUID, provider: Provider
) -> Vacancy:
    vacancy = await uow.get(Vacancy, vacancy_id, for_update=True)
    if vacancy is None:
        raise NotFound(f"No vacancy {vacancy_id}.")
    if vacancy.provider_id != provider.id:
        raise ValidationFailed(
            "The vacancy belongs to another provider.",
            errors=[{"loc": ["body", "vacancy_id"], "msg": "not a vacancy of this provider"}],
        )
    return vacancy


def set_vacancy_status(uow: UnitOfWork, vacancy: Vacancy, status: str, **data: object) -> None:
    """Another area's action moves a vacancy (open, held, filled): its audit entry
    `vacancy.<status>` and one `vacancy.status_changed` event.

    A vacancy is not a person's record, so its event is in every team's feed: it carries the
    vacancy, provider and status only. The match or placement that moved it (another team's
    child) is in the audit entry, never the event."""
    before = vacancy.status
    vacancy.status = status
    uow.touch(vacancy)
    uow.audit(
        f"vacancy.{status}",
        "vacancy",
        vacancy.id,
        before={"status": before},
        after={"status": status, **{k: str(v) for k, v in data.items()}},
    )
    uow.emit(
        "vacancy.status_changed",
        "vacancy",
        vacancy.id,
        {"from": before, "to": status, "provider_id": str(vacancy.provider_id)},
    )


async def propose(ctx: Context, referral_id: uuid.UUID, body: MatchCreate) -> MatchRead:
    """R5 propose; R1 the first match moves a referral needing no panel to `matching`;
    R2 emergency eligibility; R4 via `PROPOSE_CHECKS`."""
    async with ctx.uow() as uow:
        referral = await load_visible(uow, Referral, referral_id, for_update=True)
        ctx.principal.require("matches.write")
        for check in PROPOSE_CHECKS:
            await check(uow, referral)
        action = proposal_action(referral.status, referral.service)
        if action is not None:
            REFERRAL.transition(referral.status, action)  # refuse early with R1
        provider = await load_visible(uow, Provider, body.provider_id)
        check_provider_active(provider.active)
        vacancy = None
        if body.vacancy_id is not None:
            vacancy = await load_vacancy_locked(uow, body.vacancy_id, provider)
        check_vacancy_open(vacancy.status if vacancy else None)
        check_emergency_eligible(
            urgency=referral.urgency,
            provider_service=provider.service,
            on_emergency_rota=provider.on_emergency_rota,
            vacancy_status=vacancy.status if vacancy else None,
        )
        match = Match(
            id=uuid7(),
            referral_id=referral.id,
            provider_id=provider.id,
            vacancy_id=vacancy.id if vacancy else None,
            person_id=referral.person_id,
            team=referral.team,
            status="proposed",
            notes=body.notes,
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(match)
        if action is not None:
            await move(uow, referral, action, match_id=match.id)
        # R18: the first match proposed is the triage hand-off done.
        await uow.close_work("referral", referral.id, kinds=[TRIAGE_WORK], reason="match_proposed")
        await flush_or_conflict(uow)
        for react in ON_PROPOSED:
            await react(uow, referral)
        read = to_read(match)
        uow.record(
            "proposed", SUBJECT, match.id, after=read.model_dump(mode="json"), team=match.team
        )
        return read


async def get(ctx: Context, match_id: uuid.UUID) -> MatchRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, Match, match_id))


async def list_for_referral(
    ctx: Context, referral_id: uuid.UUID, status: str | None, page: PageParams
) -> tuple[list[MatchRead], str | None]:
    async with ctx.uow() as uow:
        await load_visible(uow, Referral, referral_id)
        stmt = select(Match).where(col(Match.referral_id) == referral_id)
        if status:
            stmt = stmt.where(col(Match.status) == status)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Match.id), page)
        return [to_read(m) for m in rows], next_cursor


async def _other_accepted(uow: UnitOfWork, match: Match) -> bool:
    stmt = (
        select(Match.id)
        .where(col(Match.referral_id) == match.referral_id)
        .where(col(Match.status) == "accepted")
        .where(col(Match.id) != match.id)
    )
    return (await uow.session.exec(stmt)).first() is not None


async def _accept(uow: UnitOfWork, referral: Referral, match: Match) -> None:
    """R5: one accepted match per referral; accepting holds the vacancy; R1 `matched`."""
    check_no_other_accepted(await _other_accepted(uow, match))
    REFERRAL.transition(referral.status, "match_accepted")  # refuse early with R1
    if match.vacancy_id is not None:
        vacancy = await uow.get(Vacancy, match.vacancy_id, for_update=True)
        if vacancy is None:  # pragma: no cover - a foreign key keeps it
            raise NotFound(f"No vacancy {match.vacancy_id}.")
        check_vacancy_open(vacancy.status)
        set_vacancy_status(uow, vacancy, "held", match_id=match.id)
    match.accepted_at = uow.now
    match.accepted_by = uow.principal.sub
    await move(uow, referral, "match_accepted", match_id=match.id)
    if referral.urgency == "planned":
        # R18/R6: an accepted match hands over to its costings (closed by the funding
        # request submitted for it).
        uow.open_work(
            kind=funding.COSTINGS_WORK,
            rule="R6",
            title="Complete the costings for an accepted match",
            subject_type=SUBJECT,
            subject_id=match.id,
            due_at=due_at_for_date(
                add_working_days(
                    local_date(uow.now), uow.calendar, uow.policy.costings_working_days
                )
            ),
            assignee_team=uow.policy.placements_team,
            scope_team=referral.team,
        )


async def _release(uow: UnitOfWork, referral: Referral, match: Match) -> None:
    """Declining or withdrawing an accepted match frees its vacancy and returns a matched
    referral to `matching` (R5, R1)."""
    check_release_allowed(match.placed_at is not None)
    await funding.supersede_for_match(uow, match)
    if match.vacancy_id is not None:
        vacancy = await uow.get(Vacancy, match.vacancy_id, for_update=True)
        if vacancy is not None and vacancy.status == "held":
            set_vacancy_status(uow, vacancy, "open", match_id=match.id)
    if referral.status == "matched":
        await move(uow, referral, "match_released", match_id=match.id)


async def act(
    ctx: Context,
    match_id: uuid.UUID,
    action: str,
    body: MatchActionBody,
    if_match: str | None,
) -> MatchRead:
    """One R5 move: contact, assess, accept, decline or withdraw."""
    async with ctx.uow() as uow:
        match = await load_visible(uow, Match, match_id)
        ctx.principal.require("matches.write")
        # Lock order: the referral, then the match, then the vacancy.
        referral = await uow.get(Referral, match.referral_id, for_update=True)
        if referral is None:  # pragma: no cover - a foreign key keeps it
            raise NotFound(f"No match {match_id}.")
        await uow.session.refresh(match, with_for_update=True)
        check_if_match(if_match, match.version)
        before = match.status
        after = MATCH.transition(before, action)
        if action == "accept":
            await _accept(uow, referral, match)
        elif before == "accepted":
            await _release(uow, referral, match)
        if action in ("decline", "withdraw"):
            match.reason = body.reason
        elif body.reason:
            match.notes = body.reason
        match.status = after
        uow.touch(match)
        await flush_or_conflict(uow)
        read = to_read(match)
        uow.record(
            after,
            SUBJECT,
            match.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            team=match.team,
        )
        return read


async def withdraw_open_matches(uow: UnitOfWork, referral: Referral) -> None:
    """A withdrawn referral withdraws its open matches and frees any vacancy it held (R5);
    their funding requests are superseded (R6)."""
    await withdraw_matches(uow, referral, reason="The referral was withdrawn.")


async def withdraw_matches(
    uow: UnitOfWork, referral: Referral, *, reason: str, keep: uuid.UUID | None = None
) -> None:
    """Withdraw the referral's open matches (but `keep`): R5, and R7 on confirmation."""
    stmt = (
        select(Match)
        .where(col(Match.referral_id) == referral.id)
        .where(col(Match.status).in_(["proposed", "contacted", "assessing", "accepted"]))
        .order_by(col(Match.id))
        .with_for_update()
    )
    if keep is not None:
        stmt = stmt.where(col(Match.id) != keep)
    rows = await uow.session.exec(stmt)
    for match in rows.all():
        before = match.status
        if match.placed_at is None:
            await funding.supersede_for_match(uow, match)
        if before == "accepted" and match.placed_at is None and match.vacancy_id is not None:
            vacancy = await uow.get(Vacancy, match.vacancy_id, for_update=True)
            if vacancy is not None and vacancy.status == "held":
                set_vacancy_status(uow, vacancy, "open", match_id=match.id)
        match.status = MATCH.transition(before, "withdraw")
        match.reason = reason
        uow.touch(match)
        uow.record(
            match.status,
            SUBJECT,
            match.id,
            before={"status": before},
            after={"status": match.status, "reason": match.reason},
            data={
                "referral_id": match.referral_id,
                "person_id": match.person_id,
                "provider_id": match.provider_id,
                "vacancy_id": match.vacancy_id,
            },
            team=match.team,
        )
    await flush_or_conflict(uow)
