"""The work queue (R18): `/v1/work` and the `acknowledge` action."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from app.deps import Ctx, IfMatch
from app.domain.work import WORK_STATES
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_next, parse_rfc3339
from app.problems import ValidationFailed, problem_responses
from app.routers.http import as_json, with_etag
from app.schemas.work import WorkAssign, WorkItemRead, WorkPage, WorkSummary
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


@router.get("/v1/work", response_model=WorkPage, responses=problem_responses(403))
async def list_work(
    request: Request,
    response: Response,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1-200.")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
    assignee: Annotated[str | None, Query(max_length=200, description="`me`, or a user id")] = None,
    team: Annotated[str | None, Query(max_length=100, description="Items the team owes")] = None,
    state: Annotated[
        str | None, Query(description="Comma-separated: upcoming, due, overdue")
    ] = None,
    rule: Annotated[str | None, Query(pattern=r"^R[0-9]{1,2}$")] = None,
    kind: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,59}$")] = None,
    subject_type: Annotated[str | None, Query(pattern=r"^[a-z][a-z_]{0,49}$")] = None,
    subject_id: uuid.UUID | None = None,
    due_before: Annotated[
        AwareDatetime | None, Query(description="RFC 3339 instant: due strictly before it.")
    ] = None,
    due_after: Annotated[
        AwareDatetime | None, Query(description="RFC 3339 instant: due strictly after it.")
    ] = None,
    count: Annotated[
        bool, Query(description="Add `counts` by state over the whole filter.")
    ] = False,
    updated_since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="RFC 3339 date-time with offset: only items opened, reassigned "
            "or closed at or after it; closed ones (`closed_at` set) are listed too, so a "
            "mirror learns of every change.",
            examples=["2026-01-31T09:00:00Z"],
        ),
    ] = None,
) -> Response:
    """Open work items: what is owed, by whom, by when, in `due_at` order. `state` is
    computed at read time against today in Europe/London: `upcoming`, `due` (today) or
    `overdue`. With `updated_since`, the items changed at or after it, closed ones
    included (`closed_at` set)."""
    flt = service.WorkFilter(
        assignee=assignee,
        team=team,
        states=_states(state),
        rule=rule,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        due_before=due_before,
        due_after=due_after,
        updated_since=parse_rfc3339(updated_since) if updated_since else None,
    )
    items, next_cursor, counts = await service.list_work(
        ctx, flt, service.WorkPageParams(limit=limit, cursor=cursor), count=count
    )
    link_next(request, response, next_cursor)
    body = {"items": items, "next_cursor": next_cursor, "counts": counts}
    return as_json(WorkPage, body, response)


@router.get("/v1/work/summary", responses=problem_responses(403))
async def work_summary(
    ctx: Ctx,
    team: Annotated[
        str | None,
        Query(
            max_length=100,
            description="The team's queue: what the team owes, and what anyone owes on "
            "the team's cases.",
        ),
    ] = None,
) -> WorkSummary:
    """A manager's view: open items per assignee (user or team) and state, over what the
    caller may see."""
    return await service.summary(ctx, team)


@router.post("/v1/work/{item_id}/assign", responses=problem_responses(403, 404, 409, 412))
async def assign_work_item(
    item_id: uuid.UUID, body: WorkAssign, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> WorkItemRead:
    """Move an open item to another worker (`{"user"}`) or team (`{"team"}`): a worker
    left, a case moved. Team managers, practice supervisors and placements managers."""
    return with_etag(response, await service.assign(ctx, item_id, body, if_match))


@router.post("/v1/work/{item_id}/acknowledge", responses=problem_responses(403, 404, 409, 412))
async def acknowledge_work_item(
    item_id: uuid.UUID, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> WorkItemRead:
    """Close an item that only needs reading (an alert on a case note, a review record).
    Only its assignee may."""
    return with_etag(response, await service.acknowledge(ctx, item_id, if_match))
