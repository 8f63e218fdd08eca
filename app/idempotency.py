"""Idempotency-Key for POST (decision 0005): what makes two requests the same, and the
store of `(caller sub, key)` claims and first responses in `idempotency_keys`.

The HTTP side (reading the header and the body, answering with problems, replaying the
stored response) is `app.middleware.IdempotencyMiddleware`; it only calls this module.

A key is claimed (`in_flight`, with an `owner` and a lease `locked_until`) before the
request runs, in its own transaction: the claim is an INSERT on the primary key, so two
concurrent first requests cannot both proceed. The response is stored (`done`) before it
is sent, in the change's own transaction when the request changed something
(`mark_done` on the unit of work's session), so a retry made after the response arrives
always replays it. A 5xx releases the key; a process killed mid-request leaves a claim a
retry takes over once its lease has run out. Decision 0005.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import IdempotencyRecord
from app.models.base import utcnow

# The response headers kept with the stored response (and so replayed).
STORED_HEADERS = frozenset({"content-type", "location", "etag", "link"})
MAX_KEY_LENGTH = 255
# How often a claim looks again after losing an INSERT race before answering "in use".
CLAIM_ATTEMPTS = 3

Outcome = Literal["new", "reused", "in_use", "replay"]


def valid_key(key: str) -> bool:
    """An Idempotency-Key is 1-255 printable characters."""
    return 1 <= len(key) <= MAX_KEY_LENGTH and key.isprintable()


def request_fingerprint(
    method: str, path: str, query_string: bytes, content_type: str | None, body: bytes
) -> str:
    """What makes two POSTs "the same request": method, path, query and body. A multipart
    body's boundary is random per send, so it is taken out before hashing."""
    digest = hashlib.sha256()
    digest.update(method.encode() + b" " + path.encode() + b"?")
    digest.update(query_string + b"\n")
    content_type = content_type or ""
    if content_type.lower().startswith("multipart/"):
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "boundary" and value:
                body = body.replace(value.strip('"').encode("latin-1"), b"<boundary>")
    digest.update(body)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a key: its status, the kept headers and the body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @classmethod
    def of(cls, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> StoredResponse:
        """Keep only the headers a replay needs (`STORED_HEADERS`)."""
        kept = [(k, v) for k, v in headers if k.lower() in STORED_HEADERS]
        return cls(status=status, headers=kept, body=body)

    @classmethod
    def from_record(cls, record: IdempotencyRecord, status: int) -> StoredResponse:
        headers = [(str(k), str(v)) for k, v in (record.headers or [])]
        return cls(status=status, headers=headers, body=record.body or b"")

    def replay_headers(self) -> list[tuple[str, str]]:
        """The stored headers, marked `Idempotent-Replayed: true`, with the body's length."""
        return [
            *self.headers,
            ("idempotent-replayed", "true"),
            ("content-length", str(len(self.body))),
        ]


@dataclass(frozen=True)
class Claim:
    """What claiming a key found: `new` (go ahead, holding the claim `owner`), `replay`
    (with the stored response), `reused` (another request had the key) or `in_use`
    (another claim holds it and its lease has not run out)."""

    outcome: Outcome
    response: StoredResponse | None = None
    owner: str | None = None


# --- on an open session -----------------------------------------------------------------


async def lookup(session: AsyncSession, sub: str, key: str) -> IdempotencyRecord | None:
    return (
        await session.exec(
            select(IdempotencyRecord)
            .where(col(IdempotencyRecord.principal_sub) == sub)
            .where(col(IdempotencyRecord.key) == key)
        )
    ).first()


def _held_by(sub: str, key: str, owner: str) -> Any:
    return (
        update(IdempotencyRecord)
        .where(col(IdempotencyRecord.principal_sub) == sub)
        .where(col(IdempotencyRecord.key) == key)
        .where(col(IdempotencyRecord.owner) == owner)
        .where(col(IdempotencyRecord.state) == "in_flight")
    )


def _unowned(sub: str, key: str) -> Any:
    return (
        update(IdempotencyRecord)
        .where(col(IdempotencyRecord.principal_sub) == sub)
        .where(col(IdempotencyRecord.key) == key)
        .where(col(IdempotencyRecord.owner).is_(None))
        .where(col(IdempotencyRecord.state) == "in_flight")
    )


async def mark_done(
    session: AsyncSession, sub: str, key: str, owner: str, response: StoredResponse
) -> bool:
    """Store the first response with the claim, if `owner` still holds it: the key
    replays it from now on. False when the claim was taken over (its lease ran out)."""
    result = await session.execute(
        _held_by(sub, key, owner).values(
            state="done",
            status_code=response.status,
            headers=[list(h) for h in response.headers],
            body=response.body,
            locked_until=None,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def delete_key(session: AsyncSession, sub: str, key: str, owner: str) -> None:
    """Free a key `owner` holds (never one another claim took over)."""
    await session.execute(
        delete(IdempotencyRecord)
        .where(col(IdempotencyRecord.principal_sub) == sub)
        .where(col(IdempotencyRecord.key) == key)
        .where(col(IdempotencyRecord.owner) == owner)
        .where(col(IdempotencyRecord.state) == "in_flight")
    )


# --- each in its own transaction --------------------------------------------------------


class IdempotencyStore:
    """Claims, stores and releases keys, each step in a transaction of its own (the
    response of a request that changed something is stored in the change's own
    transaction instead: `app.middleware.IdempotencyMiddleware`). Keys are per caller and
    expire `ttl` after they were claimed; an in-flight claim holds its key for `lease`,
    after which a retry may take it over."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        ttl: timedelta,
        *,
        lease: timedelta = timedelta(seconds=30),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.ttl = ttl
        self.lease = lease
        self.clock = clock

    async def claim(self, sub: str, key: str, fingerprint: str) -> Claim:
        for _ in range(CLAIM_ATTEMPTS):
            owner = secrets.token_hex(16)
            try:
                async with self.sessionmaker() as session, session.begin():
                    now = self.clock()
                    existing = await lookup(session, sub, key)
                    if existing is not None and existing.created_at < now - self.ttl:
                        await session.delete(existing)
                        await session.flush()
                        existing = None
                    if existing is None:
                        session.add(
                            IdempotencyRecord(
                                principal_sub=sub,
                                key=key,
                                fingerprint=fingerprint,
                                state="in_flight",
                                owner=owner,
                                locked_until=now + self.lease,
                                created_at=now,
                            )
                        )
                        await session.flush()
                        return Claim("new", owner=owner)
                    if existing.fingerprint != fingerprint:
                        return Claim("reused")
                    if existing.state == "done" and existing.status_code is not None:
                        return Claim(
                            "replay", StoredResponse.from_record(existing, existing.status_code)
                        )
                    if existing.locked_until is not None and existing.locked_until > now:
                        return Claim("in_use")
                    # The lease ran out (its process died, or it is very slow): take the
                    # key over. Its change, if it ever commits, checks it still holds the
                    # claim (mark_done), so only one of the two takes effect.
                    held = (
                        _held_by(sub, key, existing.owner)
                        if existing.owner is not None
                        else _unowned(sub, key)  # claimed before keys had leases
                    )
                    taken = await session.execute(
                        held.values(owner=owner, locked_until=now + self.lease)
                    )
                    if int(getattr(taken, "rowcount", 0) or 0) == 1:
                        return Claim("new", owner=owner)
                    continue  # another retry took it over first: look again
            except IntegrityError:
                continue  # another request claimed the key first: look again
        return Claim("in_use")

    async def complete(self, sub: str, key: str, owner: str, response: StoredResponse) -> None:
        """Store the response of a request that changed nothing in a transaction of its own."""
        async with self.sessionmaker() as session, session.begin():
            await mark_done(session, sub, key, owner, response)

    async def release(self, sub: str, key: str, owner: str) -> None:
        """Free the key so a retry runs again (after a 5xx or an error in this process)."""
        async with self.sessionmaker() as session, session.begin():
            await delete_key(session, sub, key, owner)
