"""Benchmark data: N people with their referrals, matches, placements, work items, events,
and the casework the contact POST scenario writes to, loaded with COPY (asyncpg).

    placements seed-bench --people 10000 [--database-url URL] [--reset]

The data is built for `bench/run.py` and described in `bench/fixture.json`, which this
writes next to itself: the ids, cursors and users each scenario asks for.

Shape (fixed, so 10,000 and 200,000 people compare):

- 20 teams `bench-t00`..`bench-t19`; people round-robin over them.
- every person: one referral (team-scoped), an external id for half of them, a match for
  every second referral, a placement for every third, two work items (one open, one
  closed) for other users, three events.
- the user `bench-user` (practitioner, team `bench-t00`) owes 1,000 open work items and
  200 closed ones, spread over the whole id range.
- 5,000 open casework episodes in `bench-t00` for `bench-worker` (support worker).
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TEAMS = [f"bench-t{i:02d}" for i in range(20)]
USER = "bench-user"
WORKER = "bench-worker"
USER_OPEN_ITEMS = 1_000
USER_CLOSED_ITEMS = 200
EPISODES = 5_000
PROVIDERS = 50
FIXTURE = Path(__file__).with_name("fixture.json")
CHUNK = 20_000

# Every table the loader fills, children first (for --reset).
TABLES = [
    "casework_contacts",
    "casework_episodes",
    "support_requests",
    "placements",
    "matches",
    "work_items",
    "events",
    "audit_entries",
    "idempotency_keys",
    "external_ids",
    "referrals",
    "vacancies",
    "providers",
    "people",
]


class Ids:
    """UUIDv7-shaped ids in time order, made fast: a base millisecond moved on per id."""

    def __init__(self, start: datetime) -> None:
        self.ms = int(start.timestamp() * 1000)
        self.rand = random.Random(14)

    def next(self) -> uuid.UUID:
        self.ms += 1
        value = (self.ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= self.rand.getrandbits(12) << 64
        value |= 0b10 << 62
        value |= self.rand.getrandbits(62)
        return uuid.UUID(int=value)


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


async def _copy(
    conn: Any, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    count = 0
    for batch in _chunks(rows):
        await conn.copy_records_to_table(table, records=batch, columns=list(columns))
        count += len(batch)
    return count


def _versioned(at: datetime) -> tuple[Any, ...]:
    return (at, at, "seed", 1)


VERSIONED = ["created_at", "updated_at", "created_by", "version"]


async def seed(
    dsn: str, people: int, *, reset: bool = False, quiet: bool = False
) -> dict[str, Any]:
    import asyncpg

    started = time.perf_counter()
    # Rows are dated over the last two years so ids and times agree.
    now = datetime.now(UTC).replace(microsecond=0)
    origin = now - timedelta(days=730)
    ids = Ids(origin)
    step = timedelta(days=700) / max(people, 1)
    conn = await asyncpg.connect(dsn)

    def say(what: str) -> None:
        if not quiet:
            print(f"  {what} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    try:
        if reset:
            await conn.execute("TRUNCATE " + ", ".join(TABLES) + " CASCADE")
            await conn.execute("UPDATE event_counter SET value = 0 WHERE id = 1")
        else:
            existing = await conn.fetchval("SELECT count(*) FROM people")
            if existing:
                raise SystemExit("the database has people already: pass --reset to replace them")

        provider_ids = [ids.next() for _ in range(PROVIDERS)]
        await _copy(
            conn,
            "providers",
            VERSIONED
            + ["id", "name", "service", "on_emergency_rota", "external", "team", "active"]
            + ["search_name"],
            (
                (
                    *_versioned(origin),
                    pid,
                    f"Provider {i}",
                    "foster_care",
                    False,
                    False,
                    "placements",
                )
                + (True, f"provider {i}")
                for i, pid in enumerate(provider_ids)
            ),
        )

        person_ids: list[uuid.UUID] = []
        person_rows = []
        for i in range(people):
            at = origin + step * i
            pid = ids.next()
            person_ids.append(pid)
            given, family = f"Given{i}", f"Family{i % 997}"
            person_rows.append(
                (
                    *_versioned(at),
                    pid,
                    given,
                    family,
                    None,
                    date(2010, 1, 1) + timedelta(days=i % 3000),
                )
                + ("child", TEAMS[i % len(TEAMS)], None, None, None, f"{given} {family}".lower())
            )
        await _copy(
            conn,
            "people",
            VERSIONED
            + ["id", "given_name", "family_name", "preferred_name", "date_of_birth", "cohort"]
            + ["team", "gender", "ethnicity", "nhs_number", "search_name"],
            person_rows,
        )
        del person_rows
        say(f"{people} people")

        await _copy(
            conn,
            "external_ids",
            VERSIONED + ["id", "person_id", "system", "external_id"],
            (
                (*_versioned(origin + step * i), ids.next(), person_ids[i], "mosaic", f"M{i:08d}")
                for i in range(0, people, 2)
            ),
        )

        referral_ids: list[uuid.UUID] = []
        referral_rows = []
        for i, pid in enumerate(person_ids):
            rid = ids.next()
            referral_ids.append(rid)
            at = origin + step * i
            status = ("submitted", "matching", "placed", "draft")[i % 4]
            referral_rows.append(
                (*_versioned(at), rid, pid, TEAMS[i % len(TEAMS)], "planned", "foster_care")
                + (f"Needs of person {i}: a stable foster home near school.", at.date())
                + (status, at if status != "draft" else None, "seed" if status != "draft" else None)
                + (None, None, None)
            )
        await _copy(
            conn,
            "referrals",
            VERSIONED
            + ["id", "person_id", "team", "urgency", "service", "needs", "requested_start"]
            + ["status", "submitted_at", "submitted_by", "closed_at", "withdrawn_reason"]
            + ["close_note"],
            referral_rows,
        )
        del referral_rows
        say(f"{people} referrals")

        match_ids: dict[int, uuid.UUID] = {}

        def matches() -> Iterator[tuple[Any, ...]]:
            for i in range(0, people, 2):
                mid = ids.next()
                match_ids[i] = mid
                at = origin + step * i
                status = "accepted" if i % 6 == 0 else "proposed"
                yield (*_versioned(at), mid, referral_ids[i], provider_ids[i % PROVIDERS], None) + (
                    person_ids[i],
                    TEAMS[i % len(TEAMS)],
                    status,
                    None,
                    None,
                    at if status == "accepted" else None,
                    "seed" if status == "accepted" else None,
                    at if status == "accepted" else None,
                )

        await _copy(
            conn,
            "matches",
            VERSIONED
            + ["id", "referral_id", "provider_id", "vacancy_id", "person_id", "team", "status"]
            + ["notes", "reason", "accepted_at", "accepted_by", "placed_at"],
            matches(),
        )
        await _copy(
            conn,
            "placements",
            VERSIONED
            + ["id", "person_id", "provider_id", "vacancy_id", "referral_id", "match_id", "team"]
            + ["start_date", "status", "emergency"],
            (
                (*_versioned(origin + step * i), ids.next(), person_ids[i], provider_ids[i % 50])
                + (None, referral_ids[i], match_ids.get(i), TEAMS[i % len(TEAMS)])
                + ((origin + step * i).date(), "active", False)
                for i in range(0, people, 3)
            ),
        )
        say("matches and placements")

        # Work items: two per person for other users, and bench-user's spread evenly over
        # the id range (so the queue's rows are not all at one end of the primary key).
        total_items = 2 * people + USER_OPEN_ITEMS + USER_CLOSED_ITEMS
        user_every = max(total_items // (USER_OPEN_ITEMS + USER_CLOSED_ITEMS), 1)

        def work() -> Iterator[tuple[Any, ...]]:
            mine = 0
            for n in range(total_items):
                at = origin + timedelta(days=700) * n / total_items
                i = (n // 2) % max(people, 1)
                if n % user_every == 0 and mine < USER_OPEN_ITEMS + USER_CLOSED_ITEMS:
                    closed = mine >= USER_OPEN_ITEMS
                    mine += 1
                    user, team = USER, None
                else:
                    closed = n % 2 == 1
                    user, team = f"user-{n % 500}", None
                due = at + timedelta(days=10)
                yield (
                    ids.next(),
                    "referral_review",
                    "R1",
                    f"Review referral {i}",
                    "referral",
                    referral_ids[i] if people else ids.next(),
                    user,
                    team,
                    TEAMS[i % len(TEAMS)],
                    due,
                    at,
                    due if closed else None,
                    user if closed else None,
                    "done" if closed else None,
                    2 if closed else 1,  # the ETag: one more at closing
                    due if closed else at,  # updated_at: its last change
                )

        await _copy(
            conn,
            "work_items",
            ["id", "kind", "rule", "title", "subject_type", "subject_id", "assignee_user"]
            + ["assignee_team", "scope_team", "due_at", "created_at", "closed_at", "closed_by"]
            + ["closed_reason", "version", "updated_at"],
            work(),
        )
        say(f"{total_items} work items")

        # Casework for the contact POST: allocated support requests, one open episode each.
        request_ids = [ids.next() for _ in range(EPISODES)]
        await _copy(
            conn,
            "support_requests",
            VERSIONED
            + ["id", "provider_id", "team", "reason", "status", "submitted_at", "submitted_by"]
            + ["allocated", "allocated_on", "support_worker"],
            (
                (*_versioned(origin), rid, provider_ids[n % PROVIDERS], TEAMS[0])
                + ("Carers asked for support.", "allocated", origin, "seed", True)
                + (origin.date(), WORKER)
                for n, rid in enumerate(request_ids)
            ),
        )
        episode_ids = [ids.next() for _ in range(EPISODES)]
        await _copy(
            conn,
            "casework_episodes",
            VERSIONED
            + ["id", "support_request_id", "team", "support_worker", "sequence"]
            + ["contact_count", "status"],
            (
                (*_versioned(origin), eid, request_ids[n], TEAMS[0], WORKER, 1, 0, "open")
                for n, eid in enumerate(episode_ids)
            ),
        )
        say(f"{EPISODES} casework episodes")

        # Events: three per person, in seq order, then the counter after them.
        kinds = ("person.created", "referral.created", "referral.submitted")
        total_events = 3 * people

        def events() -> Iterator[tuple[Any, ...]]:
            for n in range(total_events):
                i = n // 3
                kind = kinds[n % 3]
                subject = person_ids[i] if n % 3 == 0 else referral_ids[i]
                yield (
                    n + 1,
                    ids.next(),
                    kind,
                    origin + step * i,
                    kind.split(".")[0],
                    subject,
                    "seed",
                    TEAMS[i % len(TEAMS)],
                    json.dumps({"person_id": str(person_ids[i]), "status": "draft"}),
                )

        await _copy(
            conn,
            "events",
            ["seq", "id", "type", "occurred_at", "subject_type", "subject_id", "actor_sub"]
            + ["team", "data"],
            events(),
        )
        await conn.execute("UPDATE event_counter SET value = $1 WHERE id = 1", total_events)
        say(f"{total_events} events")
        await conn.execute("ANALYZE")

        # What the scenarios ask for.
        team0 = [referral_ids[i] for i in range(0, people, len(TEAMS))]
        fixture = {
            "people": people,
            "teams": TEAMS,
            "team": TEAMS[0],
            "user": USER,
            "worker": WORKER,
            "referral_ids": [str(r) for r in team0[:: max(len(team0) // 500, 1)][:500]],
            "person_ids": [str(person_ids[i]) for i in range(0, people, len(TEAMS))][:500],
            # The id before the middle of team 0's referrals: the deep page starts there.
            "deep_after": str(team0[len(team0) // 2]) if team0 else None,
            "episode_ids": [str(e) for e in episode_ids],
            "events": total_events,
            "seconds": round(time.perf_counter() - started, 1),
        }
        FIXTURE.write_text(json.dumps(fixture, indent=1) + "\n")
        say("done")
        return fixture
    finally:
        await conn.close()


async def reset_casework(dsn: str) -> None:
    """Empty the benchmark's episodes again (the contact POST fills them: 10 at most)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "DELETE FROM work_items WHERE subject_type = 'casework_episode';"
            "DELETE FROM casework_contacts;"
            "UPDATE casework_episodes SET contact_count = 0, status = 'open', version = 1,"
            " checkpoint_due_at = NULL WHERE contact_count > 0"
        )
    finally:
        await conn.close()


def main(dsn: str, people: int, reset: bool) -> dict[str, Any]:
    return asyncio.run(seed(dsn, people, reset=reset))
