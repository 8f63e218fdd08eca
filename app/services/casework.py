"""Casework episodes and contacts (R9, seed 001): at most 10 contacts an episode, then the
checkpoint "is placement support still required?".

Never an 11th contact, even with several API processes on one PostgreSQL: adding a contact
locks the episode row (`SELECT ... FOR UPDATE`) and increments `contact_count` on it in
the same transaction as the insert; on SQLite, BEGIN IMMEDIATE serialises writers. A
unique (episode, number) constraint stands behind the lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from app import sql
from app.auth import Principal
from app.context import Context
from app.domain.calendar import local_date
from app.domain.casework import add_contact as decide_contact
from app.domain.casework import answer_checkpoint
from app.domain.errors import InvalidTransition
from app.domain.support import SUPPORT_REQUEST
from app.ids import uuid7
from app.models import CaseworkContact, CaseworkEpisode, SupportRequest
from app.pagination import PageParams
from app.problems import Forbidden, NotFound
from app.schemas.casework import CheckpointBody, ContactCreate, ContactRead, EpisodeRead
from app.services import supervision as supervisions
from app.services.common import (
    fetch_page,
    load_for_change,
    load_visible,
    lock_row_for_change,
    scoped_page,
)
from app.uow import UnitOfWork, snapshot

SUBJECT = "casework_episode"
CHECKPOINT_KIND = "casework_checkpoint"


@dataclass(frozen=True)
class EpisodesFilter:
    support_request_id: uuid.UUID | None = None
    status: str | None = None


def to_read(episode: CaseworkEpisode, limit: int) -> EpisodeRead:
    return EpisodeRead.model_validate({**episode.model_dump(), "contact_limit": limit})


def contact_read(contact: CaseworkContact) -> ContactRead:
    return ContactRead.model_validate(contact)


async def _open_casework(
    uow: UnitOfWork, episode_id: uuid.UUID, op: str, if_match: str | None
) -> CaseworkEpisode:
    """Open a change to an episode. R9: only the allocated support worker, or a practice
    supervisor, works the casework."""

    return await load_for_change(
        uow,
        CaseworkEpisode,
        episode_id,
        op,
        if_match,
        check=lambda episode: _worker_or_supervisor(uow.principal, episode),
    )


def open_episode(
    uow: UnitOfWork,
    request: SupportRequest,
    *,
    support_worker: str,
    sequence: int,
    previous: CaseworkEpisode | None = None,
) -> CaseworkEpisode:
    """A new open episode (R8 allocation opens 1; R9 "still required" opens the next)."""
    episode = CaseworkEpisode(
        id=uuid7(),
        support_request_id=request.id,
        team=request.team,
        support_worker=support_worker,
        sequence=sequence,
        contact_count=0,
        status="open",
        previous_episode_id=previous.id if previous else None,
        created_by=uow.principal.sub,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.add(episode)
    uow.record(
        "opened",
        SUBJECT,
        episode.id,
        after={
            "support_request_id": str(request.id),
            "sequence": sequence,
            "support_worker": support_worker,
            "status": "open",
            "previous_episode_id": str(previous.id) if previous else None,
        },
        team=request.team,
    )
    return episode


async def get(ctx: Context, episode_id: uuid.UUID) -> EpisodeRead:
    async with ctx.uow() as uow:
        return to_read(
            await load_visible(uow, CaseworkEpisode, episode_id),
            ctx.policy.casework_contacts_per_episode,
        )


async def list_episodes(
    ctx: Context, flt: EpisodesFilter, page: PageParams
) -> tuple[list[EpisodeRead], str | None]:
    limit = ctx.policy.casework_contacts_per_episode
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow, CaseworkEpisode, page, support_request_id=flt.support_request_id, status=flt.status
        )
        return [to_read(e, limit) for e in rows], next_cursor


async def list_contacts(
    ctx: Context, episode_id: uuid.UUID, page: PageParams
) -> tuple[list[ContactRead], str | None]:
    async with ctx.uow() as uow:
        await load_visible(uow, CaseworkEpisode, episode_id)
        stmt = select(CaseworkContact).where(col(CaseworkContact.episode_id) == episode_id)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(CaseworkContact.number), page)
        return [contact_read(c) for c in rows], next_cursor


async def get_contact(ctx: Context, episode_id: uuid.UUID, contact_id: uuid.UUID) -> ContactRead:
    async with ctx.uow() as uow:
        await load_visible(uow, CaseworkEpisode, episode_id)
        contact = await uow.get(CaseworkContact, contact_id)
        if contact is None or contact.episode_id != episode_id:
            raise NotFound(f"No contact {contact_id} in casework episode {episode_id}.")
        return contact_read(contact)


EPISODES: Any = CaseworkEpisode.__table__  # type: ignore[attr-defined]
CONTACTS: Any = CaseworkContact.__table__  # type: ignore[attr-defined]
_INSERT_CONTACT = sql.insert_of(CONTACTS, tuple(c.key for c in CONTACTS.columns))


def _worker_or_supervisor(principal: Principal, episode: Any) -> None:
    if "practice_supervisor" not in principal.roles and principal.sub != episode.support_worker:
        raise Forbidden(
            "Only the allocated support worker or a practice supervisor may do this casework."
        )


async def add_contact(
    ctx: Context, episode_id: uuid.UUID, body: ContactCreate, if_match: str | None
) -> ContactRead:
    """R9: add a contact under the episode's row lock; the 10th makes the checkpoint due
    (a work item for the support worker); an 11th is refused (casework_checkpoint_due).
    The hot write, in Core statements (docs/performance.md): the episode read as a row
    `FOR UPDATE`, its new count, status and version in one UPDATE, the contact one INSERT;
    audit and event rows with them at commit, as for every unit of work."""
    limit = ctx.policy.casework_contacts_per_episode
    async with ctx.uow() as uow:
        episode = await lock_row_for_change(
            uow,
            CaseworkEpisode,
            episode_id,
            "casework.contact",
            if_match,
            check=lambda row: _worker_or_supervisor(uow.principal, row),
        )
        decision = decide_contact(
            episode.status, episode.contact_count, limit, body.contact_on, local_date(uow.now)
        )
        contact = {
            "id": uuid7(),
            "episode_id": episode.id,
            "support_request_id": episode.support_request_id,
            "team": episode.team,
            "number": decision.number,
            "contact_on": body.contact_on,
            "method": body.method,
            "with_whom": body.with_whom,
            "summary": body.summary,
            "recorded_by": ctx.principal.sub,
            "recorded_at": uow.now,
        }
        changes: dict[str, Any] = {
            "contact_count": decision.contact_count,
            "status": decision.status,
            "updated_at": uow.now,
            "version": (episode.version or 0) + 1,  # as `uow.touch`: a new ETag
        }
        if decision.checkpoint_reached:
            changes["checkpoint_due_at"] = uow.now
        await uow.run(
            sql.update_by_id(EPISODES, tuple(changes)),
            {"row_id": episode.id, **{f"set_{k}": v for k, v in changes.items()}},
        )
        await uow.run(_INSERT_CONTACT, contact)
        uow.mark_changed()
        read = ContactRead.model_validate(contact)
        uow.record(
            "recorded",
            "casework_contact",
            contact["id"],
            after=read.model_dump(mode="json"),
            data={
                "episode_id": str(episode.id),
                "support_request_id": str(episode.support_request_id),
                "number": decision.number,
                "contact_on": body.contact_on.isoformat(),
                "method": body.method,
            },
            team=episode.team,
        )
        if decision.checkpoint_reached:
            uow.open_work(
                kind=CHECKPOINT_KIND,
                rule="R9",
                title=f"Casework checkpoint: is placement support still required? "
                f"(episode {episode.sequence}, {decision.contact_count} contacts)",
                subject_type=SUBJECT,
                subject_id=episode.id,
                due_at=uow.now,
                assignee_user=episode.support_worker,
                scope_team=episode.team,
            )
            uow.record(
                "checkpoint_due",
                SUBJECT,
                episode.id,
                before={"status": "open"},
                after={"status": decision.status, "contact_count": decision.contact_count},
                data={
                    "support_request_id": str(episode.support_request_id),
                    "sequence": episode.sequence,
                    "contact_count": decision.contact_count,
                    "support_worker": episode.support_worker,
                },
                team=episode.team,
            )
            await uow.flush()
        return read


async def checkpoint(
    ctx: Context, episode_id: uuid.UUID, body: CheckpointBody, if_match: str | None
) -> EpisodeRead:
    """R9: answer "is placement support still required?". Yes: this episode is continued and
    the next opens (sequence + 1, linked both ways). No: the episode is closed, the support
    request closed (no further action) and its scheduled supervisions cancelled."""
    limit = ctx.policy.casework_contacts_per_episode
    async with ctx.uow() as uow:
        episode = await _open_casework(uow, episode_id, "casework.checkpoint", if_match)
        decision = answer_checkpoint(episode.status, episode.sequence, body.still_required)
        request = await uow.get(SupportRequest, episode.support_request_id, for_update=True)
        assert request is not None
        before = snapshot(episode)
        episode.status = decision.status
        episode.still_required = body.still_required
        episode.completed_by = body.completed_by
        episode.answered_by = ctx.principal.sub
        episode.answered_at = uow.now
        await uow.close_work(SUBJECT, episode.id, kinds=[CHECKPOINT_KIND], reason="answered")
        data = {
            "support_request_id": str(request.id),
            "sequence": episode.sequence,
            "contact_count": episode.contact_count,
            "still_required": body.still_required,
        }
        if decision.open_next_episode and decision.next_sequence is not None:
            nxt = open_episode(
                uow,
                request,
                support_worker=episode.support_worker,
                sequence=decision.next_sequence,
                previous=episode,
            )
            episode.next_episode_id = nxt.id
            data["next_episode_id"] = str(nxt.id)
        uow.touch(episode)
        await uow.flush()
        read = to_read(episode, limit)
        uow.record(
            decision.status,
            SUBJECT,
            episode.id,
            before=before,
            after=read.model_dump(mode="json"),
            data=data,
            team=episode.team,
        )
        if decision.end_support:
            await end_support(uow, request, reason="support_no_longer_required")
        await uow.flush()
        return read


async def answer_no_at_supervision(
    uow: UnitOfWork, episode: CaseworkEpisode, request: SupportRequest, completed_by: str
) -> None:
    """R11, R9: "service ended" at supervision answers the open episode's checkpoint "no"
    in the supervision's transaction: the episode closes and the support ends. The caller
    holds the episode's and the request's row locks (in that order, as `checkpoint`)."""
    limit = uow.policy.casework_contacts_per_episode
    try:
        decision = answer_checkpoint(episode.status, episode.sequence, False)
    except InvalidTransition as refused:
        raise InvalidTransition(
            f"The casework episode is {episode.status}: the support cannot be ended at "
            "supervision.",
            rule="R11",
        ) from refused
    before = snapshot(episode)
    episode.status = decision.status
    episode.still_required = False
    episode.completed_by = completed_by
    episode.answered_by = uow.principal.sub
    episode.answered_at = uow.now
    await uow.close_work(SUBJECT, episode.id, kinds=[CHECKPOINT_KIND], reason="answered")
    uow.touch(episode)
    uow.add(episode)
    await uow.flush()
    uow.record(
        decision.status,
        SUBJECT,
        episode.id,
        before=before,
        after=to_read(episode, limit).model_dump(mode="json"),
        data={
            "support_request_id": str(request.id),
            "sequence": episode.sequence,
            "contact_count": episode.contact_count,
            "still_required": False,
            "completed_by": completed_by,
            "at_supervision": True,
        },
        team=episode.team,
    )
    await end_support(uow, request, reason="service_ended")


async def end_support(uow: UnitOfWork, request: SupportRequest, *, reason: str) -> None:
    """No further action: the support request is closed and its supervisions cancelled."""
    before = request.status
    request.status = SUPPORT_REQUEST.transition(request.status, "close")
    request.closed_at = uow.now
    request.closed_by = uow.principal.sub
    uow.touch(request)
    uow.record(
        "closed",
        "support_request",
        request.id,
        before={"status": before},
        after={"status": request.status, "reason": reason},
        data={"from": before, "to": request.status, "reason_code": reason},
        team=request.team,
    )
    await supervisions.cancel_scheduled(uow, request.id, reason="service_ended")
