"""Benchmarks: request cost of the main operations as ratios to a baseline in the same run.

The baseline is `GET /healthz` through the same ASGI stack (middleware, logging, metrics),
so a ratio says what auth, the unit of work, the audit and event rows add, independent
of how fast this machine is. Memory is the peak traced allocation for one 200-row page.

    python bench/inprocess.py [--requests N] [--backend sqlite|postgres|both]

Prints a Markdown table; docs/benchmarks.md keeps the figures with the command.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth import mint_token  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.settings import Settings  # noqa: E402

SECRET = "bench-secret-0123456789abcdef"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def timed(n: int, call: Callable[[int], Awaitable[httpx.Response]]) -> float:
    """Median of 5 rounds of seconds per request."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(n):
            response = await call(i)
            assert response.status_code < 400, response.text
        rounds.append((time.perf_counter() - start) / n)
    return statistics.median(rounds)


async def bench(
    url: str, schema: str | None, n: int, files: Path
) -> list[tuple[str, float, float]]:
    app = create_app(
        Settings(database_url=url, jwt_secret=SECRET, files_dir=files, rate_limit_per_minute=0),
        schema=schema,
    )
    logging.getLogger().setLevel(logging.WARNING)
    team = f"bench-{uuid.uuid4().hex[:6]}"
    tok = mint_token(SECRET, sub="bench", roles=["practitioner"], teams=[team])
    headers = {"Authorization": f"Bearer {tok}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

        def person(i: int) -> dict[str, object]:
            return {
                "given_name": f"P{i}",
                "family_name": "Bench",
                "date_of_birth": "2010-01-01",
                "cohort": "child",
                "team": team,
            }

        first = (await http.post("/v1/people", json=person(0), headers=headers)).json()
        for i in range(250):
            await http.post("/v1/people", json=person(i), headers=headers)
        baseline = await timed(n, lambda i: http.get("/healthz"))
        results = [("GET /healthz (baseline)", baseline, 1.0)]
        cases: list[tuple[str, Callable[[int], Awaitable[httpx.Response]]]] = [
            ("GET /v1/policy (auth only)", lambda i: http.get("/v1/policy", headers=headers)),
            (
                "GET /v1/people/{id} (audited read)",
                lambda i: http.get(f"/v1/people/{first['id']}", headers=headers),
            ),
            (
                "POST /v1/people (change+audit+event)",
                lambda i: http.post("/v1/people", json=person(i), headers=headers),
            ),
            (
                "POST /v1/people with Idempotency-Key",
                lambda i: http.post(
                    "/v1/people",
                    json=person(i),
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                ),
            ),
            (
                "GET /v1/people?limit=50 (audited page)",
                lambda i: http.get(
                    "/v1/people", params={"team": team, "limit": 50}, headers=headers
                ),
            ),
        ]
        for name, call in cases:
            seconds = await timed(n, call)
            results.append((name, seconds, seconds / baseline))
        tracemalloc.start()
        await http.get("/v1/people", params={"team": team, "limit": 200}, headers=headers)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append((f"peak memory, one 200-row page: {peak / 1024:.0f} KiB", 0.0, 0.0))
    await app.state.engine.dispose()
    return results


def _pg_schema() -> str:
    import asyncpg

    schema = f"bench_{uuid.uuid4().hex[:8]}"

    async def go() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.close()

    asyncio.run(go())
    return schema


def _drop(schema: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()

    asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            schema = None
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{tmp}/bench.db"
                upgrade(url)
            else:
                url = PG_URL
                schema = _pg_schema()
                upgrade(url, schema=schema)
            try:
                results = asyncio.run(bench(url, schema, args.requests, Path(tmp) / "files"))
            finally:
                if schema:
                    _drop(schema)
            print(f"\n### {backend} ({args.requests} requests x 5 rounds, median)\n")
            print("| operation | ms/request | x baseline |")
            print("|---|---:|---:|")
            for name, seconds, ratio in results:
                if seconds:
                    print(f"| {name} | {seconds * 1000:.2f} | {ratio:.1f} |")
                else:
                    print(f"| {name} | | |")


if __name__ == "__main__":
    main()
