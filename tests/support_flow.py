"""Factories for placement support tests (R8-R11): a foster carer, a support request with
its risk assessment, an allocation with its first casework episode and supervision."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.support import Api, Caller, make_provider


async def make_foster_carer(api: Api, team: str, **overrides: Any) -> dict[str, Any]:
    return await make_provider(api, service="foster_care", team=team, **overrides)


async def upload(
    caller: Caller,
    request_id: str,
    kind: str = "risk_assessment",
    content: bytes = b"%PDF-1.4 RA v1",
) -> Any:
    return await caller.post(
        f"/v1/support-requests/{request_id}/documents",
        files={"file": (f"{kind}.pdf", content, "application/pdf")},
        data={"kind": kind},
    )


@dataclass
class Support:
    """One allocated support request and the people who work it."""

    team: str
    ssw: Caller
    supervisor: Caller
    worker: Caller
    request: dict[str, Any]
    episode: dict[str, Any]
    supervision: dict[str, Any]


async def make_request(api: Api, team: str, *, reason: str = "Carers need help") -> dict[str, Any]:
    carer = await make_foster_carer(api, team)
    ssw = api.as_("supervising_social_worker", teams=[team])
    response = await ssw.post(
        "/v1/support-requests", json={"provider_id": carer["id"], "reason": reason}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_submitted(api: Api, team: str) -> dict[str, Any]:
    request = await make_request(api, team)
    ssw = api.as_("supervising_social_worker", teams=[team])
    assert (await upload(ssw, request["id"])).status_code == 201
    response = await ssw.post(f"/v1/support-requests/{request['id']}/submit")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def make_allocated(
    api: Api, team: str, *, allocated_on: str = "2026-01-05", worker_sub: str | None = None
) -> Support:
    ssw = api.as_("supervising_social_worker", teams=[team])
    supervisor = api.as_("practice_supervisor", teams=[team])
    worker = api.as_(
        "support_worker", teams=[team], sub=worker_sub or f"psw-{uuid.uuid4().hex[:8]}"
    )
    request = await make_submitted(api, team)
    decided = await supervisor.post(
        f"/v1/support-requests/{request['id']}/decision",
        json={"allocated": True, "allocated_on": allocated_on, "support_worker": worker.sub},
    )
    assert decided.status_code == 200, decided.text
    episodes = await supervisor.get(
        "/v1/casework-episodes", params={"support_request_id": request["id"]}
    )
    supervisions = await supervisor.get(
        "/v1/supervisions", params={"support_request_id": request["id"]}
    )
    (episode,) = episodes.json()["items"]
    (supervision,) = supervisions.json()["items"]
    return Support(team, ssw, supervisor, worker, decided.json(), episode, supervision)


def contact_body(n: int = 1, contact_on: str = "2026-01-10") -> dict[str, Any]:
    return {
        "contact_on": contact_on,
        "method": "visit",
        "with_whom": "Both foster carers",
        "summary": f"Contact {n}: talked through the week.",
    }


async def add_contacts(caller: Caller, episode_id: str, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        response = await caller.post(
            f"/v1/casework-episodes/{episode_id}/contacts", json=contact_body(n)
        )
        assert response.status_code == 201, response.text
