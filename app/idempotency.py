"""Idempotency-Key for POST (decision 0005): what makes two requests the same, and the
store of `(caller sub, key)` claims and first responses in `idempotency_keys`.

The HTTP side (reading the header and the body, answering with problems, replaying the
stored response) is `app.middleware.IdempotencyMiddleware`; it only calls this module.

A key is claimed (`in_flight`) before the request runs, in its own transaction: the claim
is an INSERT on the primary key, so two concurrent first requests cannot both proceed.
The response is stored (`done`) once the request has answered below 500; a 5xx or a crash
releases the key. The session-level functions (`lookup`, `mark_done`, `delete_key`) take
an open session, so the response can later be stored in the change's own transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete
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
    """What claiming a key found: `new` (go ahead), `replay` (with the stored response),
    `reused` (another request had the key) or `in_use` (still in flight)."""

    outcome: Outcome
    response: StoredResponse | None = None


# --- on an open session -----------------------------------------------------------------


async def lookup(session: AsyncSession, sub: str, key: str) -> IdempotencyRecord | None:
    return (
        await session.exec(
            select(IdempotencyRecord)
            .where(col(IdempotencyRecord.principal_sub) == sub)
            .where(col(IdempotencyRecord.key) == key)
        )
    ).first()


async def mark_done(session: AsyncSession, sub: str, key: str, response: StoredResponse) -> None:
    """Store the first response with the claim: the key replays it from now on."""
    record = await session.get(IdempotencyRecord, (sub, key))
    if record is not None:
        record.state = "done"
        record.status_code = response.status
        record.headers = [list(h) for h in response.headers]
        record.body = response.body
        session.add(record)


async def delete_key(session: AsyncSession, sub: str, key: str) -> None:
    await session.execute(
        delete(IdempotencyRecord)
        .where(col(IdempotencyRecord.principal_sub) == sub)
        .where(col(IdempotencyRecord.key) == key)
    )


# --- each in its own transaction --------------------------------------------------------


class IdempotencyStore:
    """Claims, stores and releases keys, each step in a transaction of its own. Keys are
    per caller and expire `ttl` after they were claimed."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        ttl: timedelta,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.ttl = ttl
        self.clock = clock

    async def claim(self, sub: str, key: str, fingerprint: str) -> Claim:
        for _ in range(CLAIM_ATTEMPTS):
            try:
                async with self.sessionmaker() as session, session.begin():
                    existing = await lookup(session, sub, key)
                    if existing is not None and existing.created_at < self.clock() - self.ttl:
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
                                created_at=self.clock(),
                            )
                        )
                        await session.flush()
                        return Claim("new")
                    if existing.fingerprint != fingerprint:
                        return Claim("reused")
                    if existing.state != "done" or existing.status_code is None:
                        return Claim("in_use")
                    return Claim(
                        "replay", StoredResponse.from_record(existing, existing.status_code)
                    )
            except IntegrityError:
                continue  # another request claimed the key first: look again
        return Claim("in_use")

    async def complete(self, sub: str, key: str, response: StoredResponse) -> None:
        async with self.sessionmaker() as session, session.begin():
            await mark_done(session, sub, key, response)

    async def release(self, sub: str, key: str) -> None:
        """Free the key so a retry runs again (after a 5xx or a crash)."""
        async with self.sessionmaker() as session, session.begin():
            await delete_key(session, sub, key)
