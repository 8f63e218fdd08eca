"""Benchmark: people a second through the batch upsert, `POST /v1/people/external/{system}`.

Creates then updates `--people` people in batches of `--batch` (at most 500) through the
whole ASGI stack (auth, validation, one unit of work per batch with its audit and events),
and prints people a second for each phase. The aim on PostgreSQL is 1,000+ a second.

    python bench/batch_upsert.py [--people N] [--batch 500] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth import mint_token  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.run import PG, SECRET  # noqa: E402

PG_URL = PG.replace("postgresql://", "postgresql+asyncpg://") + "/test"


def _pg_schema() -> str:
    """A schema of its own in the test database, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    _sql(f'CREATE SCHEMA "{schema}"')
    return schema


def _drop(schema: str) -> None:
    _sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _sql(statement: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(PG + "/test")
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(go())


def _item(n: int, run: str, team: str, given: str) -> dict[str, Any]:
    return {
        "external_id": f"{run}-{n}",
        "given_name": given,
        "family_name": f"Bench{n}",
        "date_of_birth": "2012-05-01",
        "cohort": "child",
        "team": team,
        "nhs_number": "9434765919",
    }


async def bench(url: str, schema: str | None, people: int, batch: int, files: Path) -> None:
    app = create_app(
        Settings(
            database_url=url,
            jwt_secret=SECRET,
            files_dir=files,
            rate_limit_per_minute=0,
            log_level="warning",
        ),
        schema=schema,
    )
    tok = mint_token(SECRET, sub="bench", roles=["integration"], teams=[])
    headers = {"Authorization": f"Bearer {tok}"}
    run, team = uuid.uuid4().hex[:8], f"bench-{uuid.uuid4().hex[:6]}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for phase, given in [("create", "Alex"), ("update", "Sam"), ("unchanged", "Sam")]:
            start = time.perf_counter()
            for first in range(0, people, batch):
                items = [
                    _item(n, run, team, given) for n in range(first, min(first + batch, people))
                ]
                response = await http.post(
                    "/v1/people/external/mosaic",
                    json={"items": items},
                    headers=headers,
                    timeout=120,
                )
                assert response.status_code == 200, response.text
                statuses = {r["status"] for r in response.json()["items"]}
                expected = {"create": "created", "update": "updated"}.get(phase, "unchanged")
                assert statuses == {expected}, statuses
            seconds = time.perf_counter() - start
            print(f"| {phase} | {people} | {seconds:.2f} | {people / seconds:,.0f} |")
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="postgres")
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
            print(f"\n### {backend}: batches of {args.batch}\n")
            print("| phase | people | seconds | people/s |")
            print("|---|---:|---:|---:|")
            try:
                asyncio.run(bench(url, schema, args.people, args.batch, Path(tmp) / "files"))
            finally:
                if schema:
                    _drop(schema)


if __name__ == "__main__":
    main()
