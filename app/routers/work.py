"""The work queue (R18): `/v1/work` and the `acknowledge` action."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import Ctx, IfMatch, Paging
from app.domain.work import WORK_STATES
from app.pagination import Page
from app.problems import ValidationFailed, problem_responses
from app.routers.http import page, with_etag
from app.schemas.work import WorkItemRead
from app.services import work as service

router = APIRouter(tags=["work"])


def _states(raw: str | None) -> list[str]:
    if not raw:
        return []
    states = [s.strip() for s in raw.split(",") if s.strip()]
    bad = [s for s in states if s not in WORK_STATES]
    if bad:
        raise ValidationFailed(
            f"Unknown state {bad[0]!r}: use upcoming, due or overdue.",
            errors=[{"loc": ["query", "state"], "msg": "expected upcoming, due or overdue"}],
        )
    return states


@router.get("/v1/work", responses=problem_responses(403))
async def list_work(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: Paging,
    assignee: Annotated[str | None, Query(max_length=200, description="`me`, or a user id")] = None,
    team: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[
        str | None, Query(description="Comma-separated: upcoming, due, overdue")
    ] = None,
    rule: Annotated[str | None, Query(pattern=r"^R[0-9]{1,2}$")] = None,
    kind: Annotated[str | None, Query(max_length=60)] = None,
    subject_id: uuid.UUID | None = None,
) -> Page[WorkItemRead]:
    """Open work items: what is owed, by whom, by when. `state` is computed at read time
    against today in Europe/London: `upcoming`, `due` (today) or `overdue`."""
    flt = service.WorkFilter(
        assignee=assignee,
        team=team,
        states=_states(state),
        rule=rule,
        kind=kind,
        subject_id=subject_id,
    )
    return page(request, response, await service.list_work(ctx, flt, paging))


@router.post("/v1/work/{item_id}/acknowledge", responses=problem_responses(403, 404, 409, 412))
async def acknowledge_work_item(
    item_id: uuid.UUID, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> WorkItemRead:
    """Close an item that only needs reading (an alert on a case note, a review record).
    Only its assignee may."""
    return with_etag(response, await service.acknowledge(ctx, item_id, if_match))
