"""The server benchmark: the product against the floor (bench/floor.py), side by side.

    python bench/run.py [--people 10000] [--rounds 3] [--duration 15] [--scale 200000]

1. Migrates and seeds a database of its own (`bench_placements` on 127.0.0.1:5432;
   `placements seed-bench`), unless it already holds the same number of people.
2. Captures the SQL the product sends for one request of each scenario (a
   `before_cursor_execute` listener, in process) and writes it as a pgbench script.
3. Starts the product (`uvicorn app.main:app`) and the floor, one uvicorn worker each with
   uvloop and httptools, and runs wrk against them in turn: product, floor, product,
   floor... (`--rounds` of `--duration` seconds each), so both see the same machine load.
4. Runs pgbench on each scenario's captured SQL, and EXPLAIN ANALYZE of its reads.
5. With `--scale N`, seeds a second database of N people and times the lists and the work
   queue there against the first (the product only).
6. Writes bench/results/<date>.json and the tables of docs/performance.md.

wrk must be on the PATH (`make bench` installs Debian's when missing); pgbench too.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-0123456789abcdef-0123456789"
PG = "postgresql://postgres@127.0.0.1:5432"
DOC = ROOT / "docs" / "performance.md"

SCENARIOS = [
    # name, label, token, method, kind
    ("referral", "GET one referral", "practitioner", "GET", "get"),
    ("person", "GET one person (audited read)", "practitioner", "GET", "get"),
    ("referrals_first", "referrals, first 50-row page", "practitioner", "GET", "list"),
    ("referrals_deep", "referrals, a page deep in the list", "practitioner", "GET", "list"),
    ("work_queue", "work queue, user with 1,000 items", "practitioner", "GET", "list"),
    ("contact", "casework contact POST (row + audit + event)", "worker", "POST", "write"),
    ("feed", "change feed, 200-event pages", "integration", "GET", "feed"),
]
TARGETS = {"get": 0.6, "list": 0.6, "write": 0.5, "feed": 0.5}


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


def psql(dsn: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "-X", "-q", "-At", dsn, "-c", sql], check=True, capture_output=True, text=True
    ).stdout


def ensure_database(name: str) -> str:
    exists = psql(f"{PG}/postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if not exists.strip():
        psql(f"{PG}/postgres", f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def seeded(dsn: str, people: int) -> dict[str, Any] | None:
    """The fixture of this database if it holds `people` people already."""
    fixture_file = BENCH / "results" / f".fixture-{dsn.rsplit('/', 1)[-1]}.json"
    try:
        count = int(psql(dsn, "SELECT count(*) FROM people").strip() or 0)
    except subprocess.CalledProcessError:
        return None
    if count == people and fixture_file.is_file():
        fixture: dict[str, Any] = json.loads(fixture_file.read_text())
        if fixture.get("people") == people:
            return fixture
    return None


def seed(dsn: str, people: int) -> dict[str, Any]:
    found = seeded(dsn, people)
    if found is not None:
        log(f"reusing {dsn} ({people} people)")
        return found
    log(f"seeding {dsn} with {people} people")
    started = time.perf_counter()
    subprocess.run(
        [
            str(VENV_BIN / "placements"),
            "seed-bench",
            "--people",
            str(people),
            "--database-url",
            dsn.replace("postgresql://", "postgresql+asyncpg://"),
            "--reset",
        ],
        check=True,
        cwd=ROOT,
    )
    fixture: dict[str, Any] = json.loads((BENCH / "fixture.json").read_text())
    fixture["seed_seconds"] = round(time.perf_counter() - started, 1)
    out = BENCH / "results" / f".fixture-{dsn.rsplit('/', 1)[-1]}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(fixture))
    return fixture


def tokens() -> dict[str, str]:
    from app.auth import mint_token

    day = 24 * 3600
    return {
        "practitioner": mint_token(
            SECRET, sub="bench-user", roles=["practitioner"], teams=["bench-t00"], ttl_seconds=day
        ),
        "worker": mint_token(
            SECRET,
            sub="bench-worker",
            roles=["support_worker"],
            teams=["bench-t00"],
            ttl_seconds=day,
        ),
        "integration": mint_token(
            SECRET, sub="bench-integration", roles=["integration"], teams=[], ttl_seconds=day
        ),
    }


def cursor(key: Any) -> str:
    from app.pagination import encode_cursor

    return encode_cursor(key)


def scenario_paths(name: str, fixture: dict[str, Any]) -> list[str]:
    if name == "referral":
        return [f"/v1/referrals/{r}" for r in fixture["referral_ids"]]
    if name == "person":
        return [f"/v1/people/{p}" for p in fixture["person_ids"]]
    if name == "referrals_first":
        return ["/v1/referrals?limit=50"]
    if name == "referrals_deep":
        return [f"/v1/referrals?limit=50&cursor={cursor(uuid.UUID(fixture['deep_after']))}"]
    if name == "work_queue":
        return ["/v1/work?assignee=me&limit=50"]
    if name == "contact":
        return [f"/v1/casework-episodes/{e}/contacts" for e in fixture["episode_ids"]]
    if name == "feed":
        # Pages all over the feed: after 0, 200, ... (what a consumer catching up reads).
        total = fixture["events"]
        return [f"/v1/events?limit=200&after={cursor(n)}" for n in range(0, total - 200, 997)]
    raise KeyError(name)


CONTACT_BODY = {
    "contact_on": dt.date.today().isoformat(),
    "method": "visit",
    "with_whom": "Foster carers",
    "summary": "Visited the carers at home; the placement is settled.",
}


# --- the product's SQL --------------------------------------------------------------------


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | uuid.UUID):
        return f"'{value.isoformat() if not isinstance(value, uuid.UUID) else value}'"
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        value = json.dumps(value)
    return "'" + str(value).replace("'", "''") + "'"


def inline(statement: str, params: Any) -> str:
    if isinstance(params, dict):
        return statement % {k: literal(v) for k, v in params.items()}
    values = list(params or ())
    return re.sub(r"\$(\d+)", lambda m: literal(values[int(m.group(1)) - 1]), statement)


async def capture(dsn: str, fixture: dict[str, Any], toks: dict[str, str]) -> dict[str, Any]:
    """One request of each scenario in process, with every statement it sends."""
    import httpx
    from sqlalchemy import event

    from app.main import create_app
    from app.settings import Settings

    app = create_app(
        Settings(
            database_url=dsn.replace("postgresql://", "postgresql+asyncpg://"),
            jwt_secret=SECRET,
            log_level="warning",
            rate_limit_per_minute=0,  # one caller sends every request of a scenario
        )
    )
    seen: list[tuple[str, Any]] = []

    @event.listens_for(app.state.engine.sync_engine, "before_cursor_execute")
    def _record(
        _conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        if many:  # an executemany: one statement per row of parameters
            seen.extend((statement, p) for p in params)
        else:
            seen.append((statement, params))

    out: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for name, _label, token, method, _kind in SCENARIOS:
            path = scenario_paths(name, fixture)[-1]
            headers = {"Authorization": f"Bearer {toks[token]}"}
            seen.clear()
            if method == "POST":
                response = await http.post(path, json=CONTACT_BODY, headers=headers)
            else:
                response = await http.get(path, headers=headers)
            assert response.status_code < 300, (name, response.status_code, response.text)
            out[name] = {
                "statements": [inline(s, p) for s, p in seen],
                "response_bytes": len(response.content),
            }
    await app.state.engine.dispose()
    return out


UUID_LITERAL = re.compile(r"'([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12})'")


def fresh_ids(statement: str, since_ms: int) -> str:
    """Ids the request made (UUIDv7 from now, not the seed's) become gen_random_uuid() in
    an INSERT, so the script's rows do not collide with each other or the captured ones."""
    if not re.match(r"\s*INSERT", statement, re.I):
        return statement

    def swap(m: re.Match[str]) -> str:
        made = uuid.UUID(m.group(1)).int >> 80
        return "gen_random_uuid()" if made >= since_ms else m.group(0)

    return UUID_LITERAL.sub(swap, statement)


COUNTER_TAKE = re.compile(r"^\s*UPDATE event_counter .*RETURNING event_counter\.value\s*$", re.S)
EVENT_SEQ = re.compile(r"^(\s*INSERT INTO events \(seq,.*?VALUES \()(\d+)(::BIGINT)", re.S)


def fresh_seqs(statements: list[str]) -> list[str]:
    """The event counter's value is taken into a pgbench variable (`\\gset`) and the
    events' seq written from it, so each transaction numbers its events afresh: the
    captured literal seq is taken by the wrk runs' events by the time pgbench runs (the
    collision docs/performance.md noted)."""
    out = []
    for statement in statements:
        if COUNTER_TAKE.match(statement):
            out.append(statement.rstrip() + " AS last_seq \\gset")
            continue
        out.append(EVENT_SEQ.sub(lambda m: f"{m.group(1)}:last_seq{m.group(3)}", statement))
    return out


def pgbench_script(statements: list[str], since_ms: int = 0) -> str:
    writes = any(re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I) for s in statements)
    lines = [" ".join(fresh_ids(s, since_ms).split()) for s in fresh_seqs(statements)]
    body = "\n".join(x if x.endswith("\\gset") else x + ";" for x in lines)
    # A write ends in ROLLBACK so the same script can run again (its ids are literals).
    return f"BEGIN;\n{body}\n{'ROLLBACK' if writes else 'COMMIT'};\n"


def pgbench(dsn: str, script: str, seconds: int, clients: int) -> float | None:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        run = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", "-f", f.name, "-c", str(clients), "-j", "2"]
            + ["-T", str(seconds), dsn],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(f.name)
    match = re.search(r"tps = ([0-9.]+)", run.stdout)
    if not match:
        log("pgbench failed:", run.stderr[-500:])
        return None
    return float(match.group(1))


def explain(dsn: str, statements: list[str]) -> list[str]:
    plans = []
    for s in statements:
        if re.match(r"\s*SELECT", s, re.I) and "FROM" in s:
            plans.append(psql(dsn, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + s).strip())
    return plans


# --- servers and wrk -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, name: str, app: str, dsn: str, extra: list[str]) -> None:
        self.name = name
        self.port = free_port()
        env = {
            **os.environ,
            "PLACEMENTS_DATABASE_URL": dsn,
            "PLACEMENTS_JWT_SECRET": SECRET,
            "PLACEMENTS_LOG_LEVEL": "warning",
            "PLACEMENTS_WEBHOOKS_DISPATCH": "false",
            "PLACEMENTS_RATE_LIMIT_PER_MINUTE": "0",  # the load comes from a few callers
        }
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "uvicorn"), app, "--port", str(self.port), "--loop", "uvloop"]
            + ["--http", "httptools", "--no-access-log", "--log-level", "warning"]
            + ["--no-server-header", *extra],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{name} did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory(self) -> dict[str, int]:
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) // 1024
        return out

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(
    url: str, paths: list[str], token: str, method: str, seconds: float, conns: int, threads: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        paths_file = Path(tmp) / "paths"
        paths_file.write_text("\n".join(paths) + "\n")
        env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_TOKEN": token}
        env["BENCH_METHOD"] = method
        if method == "POST":
            body = Path(tmp) / "body.json"
            body.write_text(json.dumps(CONTACT_BODY))
            env["BENCH_BODY"] = str(body)
        load_before = os.getloadavg()[0]
        run = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(conns),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
            ]
            + ["-s", str(BENCH / "wrk" / "scenario.lua"), url],
            env=env,
            capture_output=True,
            text=True,
        )
    line = next((x for x in run.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {run.stdout}\n{run.stderr}")
    result: dict[str, Any] = json.loads(line[6:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["load"] = [load_before, os.getloadavg()[0]]
    return result


def reset_casework(dsn: str) -> None:
    psql(
        dsn,
        "DELETE FROM work_items WHERE subject_type = 'casework_episode';"
        " DELETE FROM casework_contacts;"
        " UPDATE casework_episodes SET contact_count = 0, status = 'open', version = 1,"
        " checkpoint_due_at = NULL WHERE contact_count > 0",
    )


def forget_writes(dsn: str, fixture: dict[str, Any]) -> None:
    """Back to the seeded feed and audit trail (the benchmark's writes and reads add to them)."""
    total = int(fixture["events"])
    psql(
        dsn,
        f"DELETE FROM events WHERE seq > {total}; UPDATE event_counter SET value = {total};"
        " TRUNCATE audit_entries; TRUNCATE idempotency_keys",
    )


def ensure_tools() -> None:
    for tool in ("wrk", "pgbench", "psql"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not on the PATH (make bench installs wrk)")


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


# --- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scenarios", default=",".join(s[0] for s in SCENARIOS))
    parser.add_argument("--pgbench-seconds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=0, help="also time lists at N people")
    parser.add_argument("--database", default="bench_placements")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--label", default="", help="a note for the results file")
    args = parser.parse_args()
    ensure_tools()
    wanted = [s for s in SCENARIOS if s[0] in args.scenarios.split(",")]
    dsn = ensure_database(args.database)
    from app.migrate import upgrade

    upgrade(dsn.replace("postgresql://", "postgresql+asyncpg://"))
    fixture = seed(dsn, args.people)
    toks = tokens()
    log("capturing the product's SQL")
    since_ms = int(time.time() * 1000) - 1000
    captured = asyncio.run(capture(dsn, fixture, toks))
    reset_casework(dsn)
    forget_writes(dsn, fixture)

    product = Server("product", "app.main:app", dsn.replace("://", "+asyncpg://", 1), [])
    floor = Server("floor", "floor:app", dsn, ["--app-dir", str(BENCH)])
    results: dict[str, Any] = {}
    try:
        for name, label, token, method, kind in wanted:
            paths = scenario_paths(name, fixture)
            runs: dict[str, list[dict[str, Any]]] = {"product": [], "floor": []}
            for server in (product, floor):  # warm both up
                wrk(server.url, paths, toks[token], method, 1, args.connections, args.threads)
            for n in range(args.rounds):
                for server in (product, floor):
                    if method == "POST":
                        reset_casework(dsn)
                    r = wrk(
                        server.url,
                        paths,
                        toks[token],
                        method,
                        args.duration,
                        args.connections,
                        args.threads,
                    )
                    runs[server.name].append(r)
                    log(
                        f"{name:16} round {n + 1} {server.name:7} {r['rps']:8.0f} req/s"
                        f"  p50 {r['p50_us'] / 1000:6.1f} ms  p99 {r['p99_us'] / 1000:6.1f} ms"
                        f"  non-2xx {r['non_2xx']}  load {r['load'][0]:.1f}"
                    )
            summary: dict[str, Any] = {"label": label, "kind": kind, "runs": runs}
            for side in ("product", "floor"):
                summary[side] = {
                    "rps": median([r["rps"] for r in runs[side]]),
                    "p50_ms": median([r["p50_us"] / 1000 for r in runs[side]]),
                    "p99_ms": median([r["p99_us"] / 1000 for r in runs[side]]),
                    "errors": sum(
                        r["non_2xx"] + r["timeouts"] + r["read_errors"] for r in runs[side]
                    ),
                }
            # Ratios round by round (A B pairs), then their median.
            summary["ratio"] = median(
                [a["rps"] / b["rps"] for a, b in zip(runs["product"], runs["floor"], strict=True)]
            )
            summary["p99_ratio"] = median(
                [
                    a["p99_us"] / max(b["p99_us"], 1)
                    for a, b in zip(runs["product"], runs["floor"], strict=True)
                ]
            )
            summary["statements"] = len(captured[name]["statements"])
            summary["sql"] = captured[name]["statements"]
            results[name] = summary
        memory = product.memory()
    finally:
        product.stop()
        floor.stop()

    log("pgbench on the captured SQL")
    for name, *_ in wanted:
        reset_casework(dsn)  # the contact script writes contact number 1 again
        script = pgbench_script(captured[name]["statements"], since_ms)
        results[name]["pgbench_tps"] = pgbench(dsn, script, args.pgbench_seconds, args.connections)
        results[name]["explain"] = explain(dsn, captured[name]["statements"])
    reset_casework(dsn)
    forget_writes(dsn, fixture)

    scale: dict[str, Any] = {}
    if args.scale:
        scale = run_scale(args, dsn, fixture, toks, wanted)

    out = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
        "people": args.people,
        "rounds": args.rounds,
        "duration_s": args.duration,
        "connections": args.connections,
        "threads": args.threads,
        "cpus": os.cpu_count(),
        "load_seen": [
            min(
                r["load"][0] for s in results.values() for side in s["runs"].values() for r in side
            ),
            max(
                r["load"][1] for s in results.values() for side in s["runs"].values() for r in side
            ),
        ],
        "product_memory_mb": memory,
        "seed_seconds": fixture.get("seed_seconds"),
        "scenarios": results,
        "scale": scale,
    }
    target = BENCH / "results" / f"{dt.date.today().isoformat()}.json"
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        target = target.with_name(f"{dt.date.today().isoformat()}-{time.strftime('%H%M%S')}.json")
    target.write_text(json.dumps(out, indent=1, default=str) + "\n")
    log(f"wrote {target.relative_to(ROOT)}")
    table = render(out)
    print(table)
    if not args.no_doc:
        write_doc(table, out)


def run_scale(
    args: argparse.Namespace,
    dsn: str,
    fixture: dict[str, Any],
    toks: dict[str, str],
    wanted: list[tuple[str, str, str, str, str]],
) -> dict[str, Any]:
    """The lists and the work queue at `--scale` people against `--people`, the product
    only, interleaved small A B A B on the two databases."""
    big_dsn = ensure_database(f"{args.database}_{args.scale}")
    from app.migrate import upgrade

    upgrade(big_dsn.replace("postgresql://", "postgresql+asyncpg://"))
    big_fixture = seed(big_dsn, args.scale)
    small = Server("small", "app.main:app", dsn.replace("://", "+asyncpg://", 1), [])
    big = Server("big", "app.main:app", big_dsn.replace("://", "+asyncpg://", 1), [])
    out: dict[str, Any] = {"people": args.scale}
    try:
        for name, label, token, method, kind in wanted:
            if kind != "list":
                continue
            runs: dict[str, list[dict[str, Any]]] = {"small": [], "big": []}
            for server, fx in ((small, fixture), (big, big_fixture)):
                wrk(
                    server.url,
                    scenario_paths(name, fx),
                    toks[token],
                    method,
                    1,
                    args.connections,
                    args.threads,
                )
            for _ in range(args.rounds):
                for server, fx in ((small, fixture), (big, big_fixture)):
                    r = wrk(
                        server.url,
                        scenario_paths(name, fx),
                        toks[token],
                        method,
                        args.duration,
                        args.connections,
                        args.threads,
                    )
                    runs[server.name].append(r)
                    log(
                        f"scale {name:16} {server.name:5} {r['rps']:8.0f} req/s"
                        f"  p50 {r['p50_us'] / 1000:6.1f} ms"
                    )
            out[name] = {
                "label": label,
                "small_p50_ms": median([r["p50_us"] / 1000 for r in runs["small"]]),
                "big_p50_ms": median([r["p50_us"] / 1000 for r in runs["big"]]),
                "small_rps": median([r["rps"] for r in runs["small"]]),
                "big_rps": median([r["rps"] for r in runs["big"]]),
            }
            out[name]["latency_ratio"] = out[name]["big_p50_ms"] / max(
                out[name]["small_p50_ms"], 1e-6
            )
    finally:
        small.stop()
        big.stop()
    captured = asyncio.run(capture(big_dsn, big_fixture, toks))
    for name in out:
        if isinstance(out[name], dict):
            out[name]["explain"] = explain(big_dsn, captured[name]["statements"])
    return out


def render(out: dict[str, Any]) -> str:
    low, high = out["load_seen"]
    lines = [
        f"Run {out['date']}: `{out['command']}`; {out['people']:,} people, {out['rounds']} rounds"
        f" x {out['duration_s']:g} s per side, wrk -c {out['connections']} -t {out['threads']},"
        f" {out['cpus']} CPUs, load average seen {low:.1f}-{high:.1f}."
        f" Product resident memory after the run: {out['product_memory_mb'].get('VmRSS')} MB"
        f" (peak {out['product_memory_mb'].get('VmHWM')} MB).",
        "",
        "| scenario | product req/s | floor req/s | product / floor | target"
        " | p50 ms (product / floor) | p99 ms (product / floor) | p99 ratio"
        " | SQL statements | pgbench tps, product's SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in out["scenarios"].values():
        p, f = s["product"], s["floor"]
        target = TARGETS[s["kind"]]
        ok = "met" if s["ratio"] >= target else "not met"
        lines.append(
            f"| {s['label']} | {p['rps']:,.0f} | {f['rps']:,.0f} | {s['ratio']:.2f} |"
            f" >= {target} ({ok}) | {p['p50_ms']:.1f} / {f['p50_ms']:.1f} |"
            f" {p['p99_ms']:.1f} / {f['p99_ms']:.1f} | {s['p99_ratio']:.2f} | {s['statements']} |"
            f" {s.get('pgbench_tps') or 0:,.0f} |"
        )
    scale = out.get("scale") or {}
    if scale:
        lines += [
            "",
            f"At {scale['people']:,} people against {out['people']:,} (product, median p50):",
            "",
            "| scenario | p50 ms small | p50 ms large | large / small"
            " | req/s small | req/s large |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for _name, s in scale.items():
            if isinstance(s, dict):
                lines.append(
                    f"| {s['label']} | {s['small_p50_ms']:.1f} | {s['big_p50_ms']:.1f} |"
                    f" {s['latency_ratio']:.2f} | {s['small_rps']:,.0f} | {s['big_rps']:,.0f} |"
                )
    return "\n".join(lines)


BEGIN, END = "<!-- bench:table:begin -->", "<!-- bench:table:end -->"
PBEGIN, PEND = "<!-- bench:plans:begin -->", "<!-- bench:plans:end -->"


def write_doc(table: str, out: dict[str, Any]) -> None:
    plans = []
    for _name, s in out["scenarios"].items():
        if s["kind"] in ("list", "feed"):
            plans.append(
                f"{s['label']} ({out['people']:,} people):\n\n```\n"
                + "\n\n".join(s.get("explain", []))
                + "\n```\n"
            )
    for _name, s in (out.get("scale") or {}).items():
        if isinstance(s, dict):
            plans.append(
                f"{s['label']} ({out['scale']['people']:,} people):\n\n```\n"
                + "\n\n".join(s.get("explain", []))
                + "\n```\n"
            )
    text = (
        DOC.read_text()
        if DOC.exists()
        else f"# Performance\n\n{BEGIN}\n{END}\n\n{PBEGIN}\n{PEND}\n"
    )
    text = re.sub(
        re.escape(BEGIN) + ".*?" + re.escape(END),
        lambda _m: f"{BEGIN}\n{table}\n{END}",
        text,
        flags=re.S,
    )
    text = re.sub(
        re.escape(PBEGIN) + ".*?" + re.escape(PEND),
        lambda _m: f"{PBEGIN}\n" + "\n".join(plans) + f"\n{PEND}",
        text,
        flags=re.S,
    )
    DOC.write_text(text)
    log(f"updated {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
