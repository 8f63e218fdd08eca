"""The path guard in front of included routers (app/route_guard.py): same answers as
FastAPI's own matching, far fewer route checks, and every router of the API guarded."""

from __future__ import annotations

import uuid

import httpx
from fastapi import APIRouter, FastAPI, WebSocket
from starlette.routing import Match

from app.main import create_app
from app.route_guard import guard_included_routers
from app.settings import Settings


def _app(*, guarded: bool) -> FastAPI:
    app = FastAPI()
    people = APIRouter(prefix="/v1/people")

    @people.get("/{person_id}")
    async def get_person(person_id: uuid.UUID) -> dict[str, str]:
        return {"person": str(person_id)}

    @people.get("/{person_id}/notes/{note_id:int}")
    async def get_note(person_id: uuid.UUID, note_id: int) -> dict[str, str]:
        return {"person": str(person_id), "note": str(note_id)}

    referrals = APIRouter()

    @referrals.post("/v1/referrals")
    async def create() -> dict[str, str]:
        return {"made": "yes"}

    @referrals.get("/v1/referrals/search")
    async def search() -> dict[str, str]:
        return {"found": "none"}

    sockets = APIRouter()

    @sockets.websocket("/v1/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.close()

    for router in (people, referrals, sockets):
        app.include_router(router)
    if guarded:
        assert guard_included_routers(app) == 2  # the websocket's router is left alone
    return app


PERSON = uuid.uuid4()


async def _answers(app: FastAPI) -> list[tuple[int, str]]:
    person = PERSON
    requests = [
        ("GET", f"/v1/people/{person}"),
        ("GET", f"/v1/people/{person}/notes/7"),
        ("GET", f"/v1/people/{person}/notes/x"),  # the int convertor's path does not match
        ("DELETE", f"/v1/people/{person}"),  # a partial match: 405
        ("GET", "/v1/referrals"),  # 405 with the POST's Allow
        ("POST", "/v1/referrals"),
        ("GET", "/v1/referrals/search"),
        ("GET", "/v1/referrals/search/"),  # redirected to the path without the slash
        ("GET", "/v1/nowhere"),
    ]
    transport = httpx.ASGITransport(app=app)
    out = []
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for method, path in requests:
            response = await http.request(method, path)
            out.append((response.status_code, response.headers.get("allow", "") + response.text))
    return out


async def test_guarded_routers_answer_as_fastapi_does() -> None:
    plain, guarded = await _answers(_app(guarded=False)), await _answers(_app(guarded=True))
    assert guarded == plain
    assert [status for status, _ in guarded] == [200, 200, 404, 405, 405, 200, 200, 307, 404]


def test_every_router_of_the_api_is_guarded_and_skipped_by_other_paths() -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", jwt_secret="x" * 32))
    included = [r for r in app.router.routes if type(r).__name__ == "_IncludedRouter"]
    assert included and all("matches" in vars(r) for r in included)
    scope = {
        "type": "http",
        "method": "POST",
        "path": f"/v1/casework-episodes/{uuid.uuid4()}/contacts",
        "root_path": "",
        "headers": [],
    }
    full = [r for r in included if r.matches(dict(scope))[0] == Match.FULL]
    assert len(full) == 1
    # The other routers refuse the path by their one expression.
    assert sum(r.matches(dict(scope))[0] == Match.NONE for r in included) == len(included) - 1
