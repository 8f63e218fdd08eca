"""The floor: the least an ASGI app can do to answer the benchmark's requests the same way.

Starlette + asyncpg, no ORM, no validation layer, no middleware. Per request it does the
work the product must do: the HS256 JWT check (signature, alg, iss, aud, exp, nbf, iat,
sub, roles, teams), the team scope, the SQL the product sends for its answer (the main
statements, in the product's transaction where it has one), the audit row of an audited
read (a GET, a list page, a feed page: the rows the product audits, R19), the audit, event
and counter rows of a write, and the same JSON body and headers
(ETag, Link, X-Request-ID, Cache-Control).

    PLACEMENTS_DATABASE_URL=postgresql://... PLACEMENTS_JWT_SECRET=... \
        uvicorn --app-dir bench floor:app --loop uvloop --http httptools

Only the routes `bench/run.py` calls exist.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.domain.work import subject_href, work_state

SECRET = os.environ.get("PLACEMENTS_JWT_SECRET", "").encode()
ISSUER = os.environ.get("PLACEMENTS_JWT_ISSUER", "placements-local")
AUDIENCE = os.environ.get("PLACEMENTS_JWT_AUDIENCE", "placements-api")
PLACEMENTS_TEAM = "placements"
LEEWAY = 30
CROSS_TEAM = {
    "placements_officer",
    "placements_manager",
    "panel_member",
    "team_manager",
    "reviewer",
    "integration",
    "admin",
}
pool: asyncpg.Pool | None = None


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        self.status = status
        self.code = code


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def principal(request: Request) -> dict[str, Any]:
    """The same checks as app.auth, done directly: HS256 only."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token or len(auth) > 8199:
        raise Refused(401, "unauthenticated")
    try:
        head, body, sig = token.strip().split(".")
        header = json.loads(_b64(head))
        claims = json.loads(_b64(body))
        signature = _b64(sig)
    except (ValueError, binascii.Error):
        raise Refused(401, "unauthenticated") from None
    if header.get("alg") != "HS256":
        raise Refused(401, "unauthenticated")
    expected = hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise Refused(401, "unauthenticated")
    now = time.time()
    aud = claims.get("aud")
    if (
        claims.get("iss") != ISSUER
        or (aud != AUDIENCE and not (isinstance(aud, list) and AUDIENCE in aud))
        or not isinstance(claims.get("exp"), int | float)
        or claims["exp"] < now - LEEWAY
        or claims.get("nbf", 0) > now + LEEWAY
        or claims.get("iat", 0) > now + LEEWAY
    ):
        raise Refused(401, "unauthenticated")
    sub, roles, teams = claims.get("sub"), claims.get("roles", []), claims.get("teams", [])
    if not isinstance(sub, str) or not sub or not isinstance(roles, list) or not roles:
        raise Refused(401, "unauthenticated")
    if not isinstance(teams, list):
        raise Refused(401, "unauthenticated")
    return {
        "sub": sub,
        "name": claims.get("name"),
        "roles": set(roles),
        "teams": sorted(teams),
        "across": bool(set(roles) & CROSS_TEAM),
    }


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, date | uuid.UUID):
        return str(value)
    raise TypeError(type(value))


def answer(
    body: Any, status: int = 200, headers: dict[str, str] | None = None, path: str = ""
) -> Response:
    content = json.dumps(body, default=_default, separators=(",", ":"), ensure_ascii=False)
    out = {
        "x-request-id": uuid.uuid4().hex,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        **(headers or {}),
    }
    return Response(content.encode(), status, out, media_type="application/json")


def problem(refused: Refused) -> Response:
    return Response(
        json.dumps({"status": refused.status, "code": refused.code}).encode(),
        refused.status,
        media_type="application/problem+json",
    )


def cursor_of(key: Any) -> str:
    value = key.hex if isinstance(key, uuid.UUID) else key
    raw = json.dumps({"k": value}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Any:
    value = json.loads(_b64(cursor))["k"]
    return uuid.UUID(hex=value) if isinstance(value, str) else int(value)


def uuid7() -> uuid.UUID:
    ms = time.time_ns() // 1_000_000
    value = (ms << 80) | (0x7 << 76) | (int.from_bytes(os.urandom(10), "big") & ((1 << 76) - 1))
    value = (value & ~(0b11 << 62)) | (0b10 << 62)
    return uuid.UUID(int=value)


# What is about a person (app/read_audit.py PERSON_SCOPED): reads of these are audited.
PERSON_SCOPED_SUBJECTS = {
    "person",
    "referral",
    "panel_booking",
    "match",
    "funding_request",
    "placement",
    "document",
    "case_note",
    "casework_episode",
    "casework_contact",
    "supervision",
    "review",
    "contact_restriction",
    "support_request",
    "legal_status",
}


async def audit_reads(
    conn: Any, p: dict[str, Any], reads: list[tuple[str, uuid.UUID, str]]
) -> None:
    """The read audit (R19) as the product writes it: one row per record read (subject
    type, id, action), one statement: one row as an INSERT, several as INSERT ... SELECT
    FROM unnest (no transaction around a read, as the product's reads)."""
    if not reads:
        return
    now = datetime.now(UTC)
    if len(reads) == 1:
        subject_type, subject_id, action = reads[0]
        await conn.execute(
            "INSERT INTO audit_entries (id, occurred_at, actor_sub, actor_name, action,"
            " subject_type, subject_id, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            uuid7(),
            now,
            p["sub"],
            p["name"],
            action,
            subject_type,
            subject_id,
            None,
        )
        return
    n = len(reads)
    await conn.execute(
        "INSERT INTO audit_entries (id, occurred_at, actor_sub, actor_name, action,"
        " subject_type, subject_id, request_id) SELECT * FROM unnest($1::uuid[],"
        " $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],"
        " $8::text[])",
        [uuid7() for _ in range(n)],
        [now] * n,
        [p["sub"]] * n,
        [p["name"]] * n,
        [r[2] for r in reads],
        [r[0] for r in reads],
        [r[1] for r in reads],
        [None] * n,
    )


REFERRAL_COLUMNS = (
    "id, person_id, urgency, service, needs, requested_start, status, team, submitted_at,"
    " submitted_by, closed_at, withdrawn_reason, close_note, created_by, created_at,"
    " updated_at, version"
)


def visible(p: dict[str, Any], team: str | None) -> bool:
    return p["across"] or team in p["teams"]


async def get_referral(request: Request) -> Response:
    try:
        p = principal(request)
        assert pool is not None
        row = await pool.fetchrow(
            f"SELECT {REFERRAL_COLUMNS} FROM referrals WHERE id = $1",
            uuid.UUID(request.path_params["id"]),
        )
        if row is None or not visible(p, row["team"]):
            raise Refused(404, "not_found")
        await audit_reads(pool, p, [("referral", row["id"], "referral.read")])
        return answer(referral_body(row), headers={"etag": f'"{row["version"]}"'})
    except Refused as refused:
        return problem(refused)


def referral_body(row: Any) -> dict[str, Any]:
    body = dict(row)
    tail = {k: body.pop(k) for k in ("created_by", "created_at", "updated_at", "version")}
    body["previous_referral_id"] = None  # set on a transferred referral's read only
    body.update(tail)
    return body


PERSON_COLUMNS = (
    "id, given_name, family_name, preferred_name, date_of_birth, cohort, team, gender,"
    " ethnicity, nhs_number, sex, upn, category_of_need, mother, mother_child_dob,"
    " created_at, updated_at, version"
)


async def get_person(request: Request) -> Response:
    try:
        p = principal(request)
        assert pool is not None
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"SELECT {PERSON_COLUMNS} FROM people WHERE id = $1",
                uuid.UUID(request.path_params["id"]),
            )
            if row is None or not visible(p, row["team"]):
                raise Refused(404, "not_found")
            ext = await conn.fetch(
                "SELECT system, external_id FROM external_ids WHERE person_id = ANY($1)"
                " ORDER BY system",
                [row["id"]],
            )
            await conn.execute(
                "INSERT INTO audit_entries (id, occurred_at, actor_sub, actor_name, action,"
                " subject_type, subject_id, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                uuid7(),
                datetime.now(UTC),
                p["sub"],
                p["name"],
                "person.read",
                "person",
                row["id"],
                None,
            )
        body = dict(row)
        version = body.pop("version")
        created, updated = body.pop("created_at"), body.pop("updated_at")
        body["external_ids"] = {r["system"]: r["external_id"] for r in ext}
        body.update(created_at=created, updated_at=updated, version=version)
        return answer(body, headers={"etag": f'"{version}"'})
    except Refused as refused:
        return problem(refused)


def page_of(
    request: Request,
    items: list[Any],
    limit: int,
    key: Any,
    param: str,
    encode: Any = cursor_of,
    extra: dict[str, Any] | None = None,
) -> Response:
    headers = {}
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode(key(items[-1]))
        query = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "after")
        ]
        query.append((param, next_cursor))
        url = request.url.replace(query="&".join(f"{k}={v}" for k, v in query))
        headers["link"] = f'<{url}>; rel="next"'
    return answer({"items": items, "next_cursor": next_cursor, **(extra or {})}, headers=headers)


async def list_referrals(request: Request) -> Response:
    try:
        p = principal(request)
        limit = int(request.query_params.get("limit", 50))
        cursor = request.query_params.get("cursor")
        args: list[Any] = []
        where = []
        if not p["across"]:
            args.append(p["teams"])
            where.append(f"team = ANY(${len(args)})")
        if cursor:
            args.append(decode(cursor))
            where.append(f"id > ${len(args)}")
        args.append(limit + 1)
        sql = f"SELECT {REFERRAL_COLUMNS} FROM referrals"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY id LIMIT ${len(args)}"
        assert pool is not None
        rows = [referral_body(r) for r in await pool.fetch(sql, *args)]
        shown = [("referral", r["id"], "referral.list_read") for r in rows[:limit]]
        await audit_reads(pool, p, shown)
        return page_of(request, rows, limit, lambda r: r["id"], "cursor")
    except Refused as refused:
        return problem(refused)


async def list_work(request: Request) -> Response:
    try:
        p = principal(request)
        limit = int(request.query_params.get("limit", 50))
        user = p["sub"] if request.query_params.get("assignee") == "me" else None
        args: list[Any] = [PLACEMENTS_TEAM]
        # The product's query: open items with the id of their subject's parent (outer
        # joins on primary keys, for the subject's href), in (due_at, id) order.
        sql = (
            "SELECT w.id, w.kind, w.rule, w.title, w.subject_type, w.subject_id,"
            " w.assignee_user, w.assignee_team, w.due_at, w.created_at, w.closed_at,"
            " w.updated_at, w.version, coalesce(pa.booking_id, cn.person_id) AS parent_id"
            " FROM work_items w"
            " LEFT OUTER JOIN panel_actions pa"
            " ON w.subject_type = 'panel_action' AND pa.id = w.subject_id"
            " LEFT OUTER JOIN case_notes cn"
            " ON w.subject_type = 'case_note' AND cn.id = w.subject_id"
            " WHERE w.closed_at IS NULL"
        )
        if not p["across"]:
            args += [p["sub"], p["teams"]]
            sql += (
                " AND (w.assignee_user = $2 OR w.assignee_team = ANY($3) OR w.scope_team = ANY($3))"
            )
        sql += " AND (w.assignee_team IS NULL OR w.assignee_team != $1)"
        if user:
            args.append(user)
            sql += f" AND w.assignee_user = ${len(args)}"
        args.append(limit + 1)
        sql += f" ORDER BY w.due_at, w.id LIMIT ${len(args)}"
        assert pool is not None
        rows = await pool.fetch(sql, *args)
        now = datetime.now(UTC)
        items = [
            {
                "id": r["id"],
                "kind": r["kind"],
                "rule": r["rule"],
                "title": r["title"],
                "subject": {
                    "type": r["subject_type"],
                    "id": r["subject_id"],
                    "href": subject_href(r["subject_type"], r["subject_id"], r["parent_id"]),
                },
                "assignee": (
                    {"user": r["assignee_user"]}
                    if r["assignee_user"] is not None
                    else {"team": r["assignee_team"]}
                ),
                "due_at": r["due_at"],
                "state": work_state(r["due_at"], now),
                "created_at": r["created_at"],
                "closed_at": r["closed_at"],
                "updated_at": r["updated_at"],
                "version": r["version"],
            }
            for r in rows
        ]
        # The product's work page has `counts` too (null without ?count=true).
        extra = {"counts": None}
        return page_of(request, items, limit, lambda r: r, "cursor", work_cursor, extra)
    except Refused as refused:
        return problem(refused)


def work_cursor(item: dict[str, Any]) -> str:
    """The work queue's cursor: (due_at, id), as the product encodes it."""
    raw = json.dumps(
        {"d": item["due_at"].astimezone(UTC).isoformat(), "k": item["id"].hex},
        separators=(",", ":"),
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def list_events(request: Request) -> Response:
    try:
        p = principal(request)
        limit = int(request.query_params.get("limit", 50))
        position = request.query_params.get("cursor") or request.query_params.get("after")
        args: list[Any] = []
        where = []
        if not p["across"]:
            args.append(p["teams"])
            where.append(f"(team IS NULL OR team = ANY(${len(args)}))")
        if position:
            args.append(decode(position))
            where.append(f"seq > ${len(args)}")
        args.append(limit + 1)
        sql = "SELECT seq, type, occurred_at, subject_type, subject_id, actor_sub, data FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY seq LIMIT ${len(args)}"
        assert pool is not None
        rows = await pool.fetch(sql, *args)
        subjects: dict[tuple[str, uuid.UUID], None] = {}
        for r in rows[:limit]:
            if r["subject_type"] in PERSON_SCOPED_SUBJECTS:
                subjects[(r["subject_type"], r["subject_id"])] = None
        await audit_reads(pool, p, [(t, i, f"{t}.feed_read") for t, i in subjects])
        items = [
            {
                "id": cursor_of(r["seq"]),
                "type": r["type"],
                "occurred_at": r["occurred_at"],
                "subject": {"type": r["subject_type"], "id": r["subject_id"]},
                "actor": r["actor_sub"],
                "data": json.loads(r["data"]),
                "_seq": r["seq"],
            }
            for r in rows
        ]
        response_items = items
        for item in response_items:
            item.pop("_seq")
        return page_of(request, response_items, limit, lambda r: decode(r["id"]), "after")
    except Refused as refused:
        return problem(refused)


CONTACT_LIMIT = 10


async def add_contact(request: Request) -> Response:
    """R9 as the product does it: the episode locked, the contact, the episode's count, the
    audit entry and the event with its seq from the counter, in one transaction."""
    try:
        p = principal(request)
        if "support_worker" not in p["roles"] and "practice_supervisor" not in p["roles"]:
            raise Refused(403, "forbidden")
        body = json.loads(await request.body())
        contact_on = date.fromisoformat(body["contact_on"])
        episode_id = uuid.UUID(request.path_params["id"])
        now = datetime.now(UTC)
        assert pool is not None
        async with pool.acquire() as conn, conn.transaction():
            ep = await conn.fetchrow(
                "SELECT id, support_request_id, team, support_worker, contact_count, status,"
                " version FROM casework_episodes WHERE id = $1 FOR UPDATE",
                episode_id,
            )
            if ep is None or not visible(p, ep["team"]):
                raise Refused(404, "not_found")
            if "practice_supervisor" not in p["roles"] and p["sub"] != ep["support_worker"]:
                raise Refused(403, "forbidden")
            if ep["status"] != "open" or ep["contact_count"] >= CONTACT_LIMIT:
                raise Refused(409, "casework_checkpoint_due")
            number = ep["contact_count"] + 1
            status = "checkpoint_due" if number == CONTACT_LIMIT else "open"
            contact = {
                "id": uuid7(),
                "episode_id": ep["id"],
                "support_request_id": ep["support_request_id"],
                "number": number,
                "contact_on": contact_on,
                "method": body["method"],
                "with_whom": body["with_whom"].strip(),
                "summary": body["summary"].strip(),
                "recorded_by": p["sub"],
                "recorded_at": now,
            }
            await conn.execute(
                "INSERT INTO casework_contacts (id, episode_id, support_request_id, team, number,"
                " contact_on, method, with_whom, summary, recorded_by, recorded_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                contact["id"],
                ep["id"],
                ep["support_request_id"],
                ep["team"],
                number,
                contact_on,
                contact["method"],
                contact["with_whom"],
                contact["summary"],
                p["sub"],
                now,
            )
            await conn.execute(
                "UPDATE casework_episodes SET contact_count = $1, status = $2, updated_at = $3,"
                " version = $4, checkpoint_due_at = $5 WHERE id = $6",
                number,
                status,
                now,
                ep["version"] + 1,
                now if status == "checkpoint_due" else None,
                ep["id"],
            )
            after = json.dumps(contact, default=_default)
            events = [
                (
                    "casework_contact.recorded",
                    "casework_contact",
                    contact["id"],
                    json.dumps(
                        {
                            "episode_id": str(ep["id"]),
                            "support_request_id": str(ep["support_request_id"]),
                            "number": number,
                            "contact_on": contact_on.isoformat(),
                            "method": contact["method"],
                        }
                    ),
                    after,
                )
            ]
            if status == "checkpoint_due":
                await conn.execute(
                    "INSERT INTO work_items (id, kind, rule, title, subject_type, subject_id,"
                    " assignee_user, scope_team, due_at, created_at, updated_at)"
                    " VALUES ($1, 'casework_checkpoint', 'R9', 'Casework checkpoint',"
                    " 'casework_episode', $2, $3, $4, $5, $5, $5)",
                    uuid7(),
                    ep["id"],
                    ep["support_worker"],
                    ep["team"],
                    now,
                )
                data = json.dumps({"contact_count": number})
                events.append(
                    ("casework_episode.checkpoint_due", "casework_episode", ep["id"], data, data)
                )
            await conn.executemany(
                "INSERT INTO audit_entries (id, occurred_at, actor_sub, actor_name, action,"
                " subject_type, subject_id, after, request_id) VALUES ($1, $2, $3, $4, $5, $6,"
                " $7, $8::jsonb, NULL)",
                [(uuid7(), now, p["sub"], p["name"], e[0], e[1], e[2], e[4]) for e in events],
            )
            last = await conn.fetchval(
                "UPDATE event_counter SET value = value + $1 WHERE id = 1 RETURNING value",
                len(events),
            )
            await conn.executemany(
                "INSERT INTO events (seq, id, type, occurred_at, subject_type, subject_id,"
                " actor_sub, team, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)",
                [
                    (last - len(events) + 1 + n, uuid7(), e[0], now, e[1], e[2], p["sub"])
                    + (ep["team"], e[3])
                    for n, e in enumerate(events)
                ],
            )
        location = f"{request.base_url}".rstrip("/") + f"{request.url.path}/{contact['id']}"
        return answer(contact, 201, headers={"location": location})
    except Refused as refused:
        return problem(refused)


@contextlib.asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global pool
    dsn = os.environ["PLACEMENTS_DATABASE_URL"].replace("+asyncpg", "")
    pool = await asyncpg.create_pool(dsn, min_size=4, max_size=20)
    yield
    await pool.close()


app = Starlette(
    routes=[
        Route("/v1/referrals", list_referrals),
        Route("/v1/referrals/{id}", get_referral),
        Route("/v1/people/{id}", get_person),
        Route("/v1/work", list_work),
        Route("/v1/events", list_events),
        Route("/v1/casework-episodes/{id}/contacts", add_contact, methods=["POST"]),
    ],
    lifespan=lifespan,
)
