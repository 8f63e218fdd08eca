"""create_app(): settings, database, middleware, routers and problem handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import contract, errors, route_guard
from app.auth import Authenticator
from app.context import system_clock
from app.db import make_engine, make_sessionmaker
from app.domain.calendar import WorkingCalendar
from app.event_contract import add_events
from app.hardening import EdgeMiddleware, quiet_server
from app.idempotency import IdempotencyStore
from app.logging import configure_logging
from app.middleware import BodyGuardMiddleware, IdempotencyMiddleware
from app.migrate import migration_state
from app.ratelimit import RateLimiter
from app.routers import (
    audit,
    case_notes,
    casework,
    contact_restrictions,
    documents,
    events,
    exports,
    funding,
    matching,
    panels,
    people,
    placements,
    providers,
    referrals,
    returns,
    reviews,
    supervision,
    support,
    system,
    webhooks,
    work,
)
from app.services.webhook_dispatch import Dispatcher, run_forever
from app.settings import Settings, get_settings
from app.storage import LocalStorage
from app.wiring import wire

API_VERSION = "1.0.0"

ROUTERS = (
    people.router,
    providers.router,
    referrals.router,
    matching.router,
    funding.router,
    placements.router,
    documents.router,
    panels.router,
    work.router,
    audit.router,
    events.router,
    system.router,
    support.router,
    casework.router,
    case_notes.router,
    supervision.router,
    reviews.router,
    contact_restrictions.router,
    webhooks.router,
    exports.router,
    returns.router,
)

DESCRIPTION = """\
The placements API runs the placement work of a UK council's children's and adults'
social care: referrals, panels, matching, funding, placements, placement support,
reviews and the work queue that shows every deadline.

Every `/v1` call needs `Authorization: Bearer <JWT>`. Errors are RFC 9457 problems with a
stable `code` and, for a broken rule, its `rule` id (R1-R19). Lists are keyset-paginated
(`limit`, `cursor`, `next_cursor`, `Link: rel="next"`). Single resources send an `ETag`;
PATCH and action POSTs honour `If-Match`. Every POST honours `Idempotency-Key`.
"""


def operation_id(route: APIRoute) -> str:
    """Stable operation ids for generated clients: the route function's name."""
    return route.name


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
    schema: str | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    freeze_gc: bool = False,
) -> FastAPI:
    """`webhook_transport` replaces the network under webhook deliveries (tests pass an
    `httpx.MockTransport`). `freeze_gc` (the served app, `app.main:app`) freezes what
    start-up built out of the garbage collector's reach; a process building many apps
    (the tests) leaves it off, or the apps it drops could never be collected."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    wire()  # every cross-area reaction, assigned (app/wiring.py)
    quiet_server()
    engine = make_engine(settings.database_url, schema=schema or settings.database_schema)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if freeze_gc:
            # Everything built at start-up (routes, models, validators, the metadata)
            # lives as long as the process: moved out of the collector's generations, so
            # a full collection no longer walks it (docs/performance.md).
            gc.collect()
            gc.freeze()
        task: asyncio.Task[None] | None = None
        async with httpx.AsyncClient(transport=webhook_transport) as client:
            if settings.webhooks_dispatch:
                dispatcher = Dispatcher(
                    app.state.sessionmaker,
                    client,
                    clock=clock,
                    allow_private=settings.webhooks_allow_private,
                )
                task = asyncio.create_task(run_forever(dispatcher, settings.webhooks_poll_seconds))
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        await engine.dispose()

    app = FastAPI(
        title="Placements API",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.policy = settings.load_policy()
    app.state.calendar = WorkingCalendar(settings.uk_nation)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.idempotency = IdempotencyStore(
        app.state.sessionmaker,
        timedelta(hours=settings.idempotency_ttl_hours),
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
    )
    app.state.authenticator = Authenticator(settings)
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.storage = LocalStorage(Path(settings.files_dir))
    app.state.clock = clock

    async def readiness() -> dict[str, str]:
        """What /readyz reports: the database reachable, and migrated to this code's head."""
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                try:
                    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                    applied = {str(row[0]) for row in rows}
                except DBAPIError:
                    applied = set()  # never migrated
        except Exception:  # noqa: BLE001 - any failure to connect means not ready
            return {"database": "unavailable", "migrations": "unknown"}
        return {"database": "ok", "migrations": migration_state(applied)}

    app.state.readiness = readiness

    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    route_guard.guard_included_routers(app)
    app.mount(
        "/docs/assets",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="docs-assets",
    )

    # Outermost first: request id, then body limits, then Idempotency-Key.
    app.add_middleware(IdempotencyMiddleware, state=app.state)
    app.add_middleware(
        BodyGuardMiddleware,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Location", "Link", "X-Request-ID", "Idempotent-Replayed"],
            max_age=600,
        )
    # Outermost: header cap, no `server` banner, and the request context
    # (RequestContextMiddleware's work) in the same layer.
    app.add_middleware(EdgeMiddleware)

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
    return app


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retry safely: the same key and body replays the first response.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        servers=[{"url": "/", "description": "This service"}],
        contact={"name": "Placements API team", "email": "placements-api@example.org"},
        license_info={"name": "Proprietary: the council's own"},
        tags=[
            {"name": name, "description": text_}
            for name, text_ in (
                ("people", "The children, young people and adults placements are for."),
                ("providers", "Providers of care and their vacancies."),
                ("work", "The work queue (R18), audit trail (R19), change feed and policy."),
                ("referrals", "Referrals for a placement (R1, R2)."),
                ("documents", "Files attached to referrals, support requests and placements."),
                ("panels", "Practice assurance and funding panels and their bookings (R3, R4)."),
                ("matching", "Matching referrals to providers and vacancies (R5, R2)."),
                ("funding", "Funding requests and their decisions (R6)."),
                ("placements", "Placements, their follow-ups and the duty tracker (R7, R2)."),
                ("support", "Placement support requests for foster carers (R8, seed 001)."),
                ("casework", "Casework episodes, contacts and the 10-contact checkpoint (R9)."),
                ("case_notes", "Case notes on a person's record, with alerts (R10)."),
                ("supervision", "Case supervision of support workers, every 4 or 8 weeks (R11)."),
                (
                    "reviews",
                    "CLA, support plan and Shared Lives reviews, QA visits (R12-R15, R17).",
                ),
                ("contact_restrictions", "Restrictions of a child's contact (R16)."),
                ("webhooks", "Signed deliveries of change-feed events to your endpoints (admin)."),
                ("exports", "Subject access and the audit export for compliance (R19, admin)."),
                ("returns", "Statutory returns: the DfE's SSDA903 on children looked after."),
            )
        ],
    )
    doc.setdefault("components", {})["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    doc["security"] = [{"bearerAuth": []}]
    for path_item in doc.get("paths", {}).values():
        for method, operation in path_item.items():
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
    schemas = doc["components"].get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    add_events(doc)  # the event catalogue: `webhooks`, and the feed's events by type
    return contract.apply(doc)  # problems, response headers and summaries (app/contract.py)


def __getattr__(name: str) -> Any:
    """`app.main:app`, built on first use so importing this module has no side effects."""
    if name == "app":
        value = create_app(freeze_gc=True)
        globals()["app"] = value
        return value
    raise AttributeError(name)
