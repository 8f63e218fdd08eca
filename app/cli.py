"""The `placements` command: development tokens, migrations, serving, the worker."""

from __future__ import annotations

import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.permissions import ROLES

cli = typer.Typer(help="The placements API command line.", no_args_is_help=True)

DEV_SECRET_NAME = ".dev-secret"
# The checkout this package runs from (an editable install, as `make install` makes):
# `make run` keeps the development secret at its root, next to the Makefile.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _project_root() -> Path | None:
    return PROJECT_ROOT if (PROJECT_ROOT / "Makefile").is_file() else None


def dev_secret_file() -> Path | None:
    """Where the development secret is: `.dev-secret` in this directory or the nearest
    parent that has one, else at the root of the checkout the package runs from."""
    here = Path.cwd().resolve()
    for directory in (here, *here.parents):
        candidate = directory / DEV_SECRET_NAME
        if candidate.is_file():
            return candidate
    root = _project_root()
    if root is not None and (root / DEV_SECRET_NAME).is_file():
        return root / DEV_SECRET_NAME
    return None


def dev_secret(create: bool = False) -> str | None:
    """PLACEMENTS_JWT_SECRET if set, else the git-ignored development secret file (found
    from any directory, as `make run` keeps it); `create` makes it at the checkout's root
    (or here, outside a checkout)."""
    given = os.environ.get("PLACEMENTS_JWT_SECRET")
    if given:
        return given
    found = dev_secret_file()
    if found is not None:
        return found.read_text().strip()
    if create:
        target = (_project_root() or Path.cwd()) / DEV_SECRET_NAME
        value = secrets.token_urlsafe(32)
        target.write_text(value + "\n")
        target.chmod(0o600)
        return value
    return None


@cli.command("dev-secret")
def dev_secret_command() -> None:
    """Print the development signing secret, making it on first run (kept in .dev-secret)."""
    typer.echo(dev_secret(create=True))


@cli.command()
def token(
    role: Annotated[list[str], typer.Option("--role", "-r", help="A role; repeat for more.")],
    team: Annotated[list[str] | None, typer.Option("--team", "-t", help="A team; repeat.")] = None,
    sub: Annotated[str, typer.Option(help="The user id (sub).")] = "dev-user",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    hours: Annotated[int, typer.Option(min=1, max=24 * 30, help="Lifetime in hours.")] = 8,
) -> None:
    """Print a development token signed with PLACEMENTS_JWT_SECRET (or the dev secret)."""
    from app.auth import mint_token

    unknown = [r for r in role if r not in ROLES]
    if unknown:
        raise typer.BadParameter(f"unknown role {unknown[0]!r}; roles: {', '.join(sorted(ROLES))}")
    secret = dev_secret()
    if secret is None:
        typer.echo(
            "No secret: set PLACEMENTS_JWT_SECRET or run `make run` once (it keeps one in "
            f"{DEV_SECRET_NAME} at the project's root).",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(
        mint_token(
            secret,
            sub=sub,
            roles=role,
            teams=team or [],
            name=name,
            issuer=os.environ.get("PLACEMENTS_JWT_ISSUER", "placements-local"),
            audience=os.environ.get("PLACEMENTS_JWT_AUDIENCE", "placements-api"),
            ttl_seconds=hours * 3600,
        )
    )


def _migrate() -> str:
    from app.migrate import upgrade
    from app.settings import get_settings

    settings = get_settings()
    if settings.is_sqlite:
        path = settings.database_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return upgrade(settings.database_url, schema=settings.database_schema)


@cli.command()
def migrate() -> None:
    """Apply the database migrations to PLACEMENTS_DATABASE_URL (an empty database is
    created at head in one go)."""
    done = _migrate()
    typer.echo("database created at head" if done == "created" else "migrations applied")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port (PORT).")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, envvar="WEB_CONCURRENCY", help="Worker processes.")
    ] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    from app.settings import get_settings

    get_settings()  # a bad variable stops here with a clear message
    # On SIGTERM uvicorn stops accepting, lets in-flight requests finish, runs the shutdown,
    # then raises the signal again with this handler back in place: exit 0, not 143.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one pass and exit.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(min=0.01, help="Seconds between passes (PLACEMENTS_WEBHOOKS_POLL_SECONDS)."),
    ] = None,
) -> None:
    """Run the worker on its own: overdue alerts (work_item.overdue, R18) and webhook
    deliveries, the loop `placements serve` also runs in-process unless
    PLACEMENTS_WEBHOOKS_DISPATCH=false. Safe to run several at once; SIGTERM stops it
    cleanly after the pass in progress."""
    import asyncio

    from app.settings import get_settings
    from app.worker import run

    asyncio.run(run(get_settings(), once=once, interval=interval))


@cli.command("seed-demo")
def seed_demo(
    port: Annotated[int, typer.Option(envvar="PORT", help="Port the curls name (PORT).")] = 8000,
) -> None:
    """Load a small demo council (app/demo.py) into PLACEMENTS_DATABASE_URL, migrating it
    first, and print a token and a curl to try for each role. A second run changes
    nothing and says so."""
    import asyncio

    from app.demo import seed, tokens, try_it
    from app.settings import get_settings

    _migrate()
    settings = get_settings()
    typer.echo("Loading the demo council (dates relative to today):")
    outcome = asyncio.run(seed(settings, say=typer.echo))
    if outcome.changed:
        typer.echo(f"Demo data loaded: {len(outcome.loaded)} part(s).")
    else:
        typer.echo("Demo data already loaded: nothing changed.")
    given = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    secret = given or dev_secret()
    if secret is None:
        typer.echo(
            "No secret to sign tokens with: run `make run` once, or set PLACEMENTS_JWT_SECRET."
        )
        return
    typer.echo("\nA token for each role, and a call to try (tokens last 12 hours):\n")
    for line in try_it(tokens(secret, settings), port):
        typer.echo(line)


@cli.command("run")
def run_command(
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port (PORT).")] = 8000,
    demo: Annotated[bool, typer.Option(help="Load the demo data (seed-demo) first.")] = False,
    use_dev_secret: Annotated[
        bool,
        typer.Option(
            "--dev-secret",
            help="Sign with the development secret (made on first run, kept in .dev-secret) "
            "when PLACEMENTS_JWT_SECRET is unset.",
        ),
    ] = False,
) -> None:
    """What `make run` does, in one process (one start-up instead of three): migrate
    PLACEMENTS_DATABASE_URL, load the demo data with --demo, then serve."""
    if use_dev_secret and not os.environ.get("PLACEMENTS_JWT_SECRET"):
        os.environ["PLACEMENTS_JWT_SECRET"] = dev_secret(create=True) or ""
    if demo:
        seed_demo(port=port)
    else:
        _migrate()
    serve(host=host, port=port, workers=1)


@cli.command("webhook-receiver")
def webhook_receiver(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 9000,
) -> None:
    """A development receiver for webhooks: prints each delivery (the demo's webhook
    points here) and answers 204."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            typer.echo(f"{self.path} webhook-id={self.headers.get('webhook-id')} {body}")
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    typer.echo(f"Listening on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    with HTTPServer(("127.0.0.1", port), Handler) as server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main() -> None:
    cli()


@cli.command("seed-bench")
def seed_bench(
    people: Annotated[int, typer.Option(min=0, help="How many people (with their records).")] = (
        10_000
    ),
    database_url: Annotated[
        str | None,
        typer.Option(help="PostgreSQL URL; default PLACEMENTS_DATABASE_URL. Migrated first."),
    ] = None,
    reset: Annotated[bool, typer.Option(help="Empty the tables it fills first.")] = False,
) -> None:
    """Load benchmark data (bench/seed.py) into a PostgreSQL database with COPY."""
    import importlib.util

    from app.migrate import upgrade

    url = database_url or os.environ.get("PLACEMENTS_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        typer.echo("seed-bench needs a PostgreSQL URL (--database-url).", err=True)
        raise typer.Exit(1)
    path = Path(__file__).resolve().parents[1] / "bench" / "seed.py"
    if not path.is_file():
        typer.echo("bench/seed.py is not here: run from a clone of the repository.", err=True)
        raise typer.Exit(1)
    spec = importlib.util.spec_from_file_location("placements_bench_seed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    upgrade(url)
    fixture = module.main(url.replace("+asyncpg", ""), people, reset)
    typer.echo(f"seeded {fixture['people']} people in {fixture['seconds']} s")


if __name__ == "__main__":
    main()
