"""`placements worker`: the background work without HTTP, for deployments that run API
processes with PLACEMENTS_WEBHOOKS_DISPATCH=false and the deliveries in their own process.

Each pass alerts newly overdue work items (`work_item.overdue`, R18) and delivers
webhooks (app/services/webhook_dispatch.py). Several workers
(and API processes dispatching in-process) may run at once: deliveries are claimed with
row locks and leases. On SIGTERM or SIGINT the pass in progress finishes, then it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import httpx
import structlog

from app.db import make_engine, make_sessionmaker
from app.logging import configure_logging
from app.services.webhook_dispatch import DELIVERY_BATCH, Dispatcher
from app.settings import Settings

log = structlog.get_logger("placements.worker")


async def run(
    settings: Settings,
    stop: asyncio.Event | None = None,
    *,
    once: bool = False,
    interval: float | None = None,
) -> None:
    """Alert overdue work and dispatch until `stop` is set (or SIGTERM/SIGINT arrives), or
    for one pass with `once`."""
    configure_logging(settings.log_level)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    engine = make_engine(settings.database_url, schema=settings.database_schema)
    log.info("worker.started", poll_seconds=settings.webhooks_poll_seconds)
    try:
        async with httpx.AsyncClient() as client:
            dispatcher = Dispatcher(
                make_sessionmaker(engine),
                client,
                allow_private=settings.webhooks_allow_private,
            )
            poll = interval if interval is not None else settings.webhooks_poll_seconds
            while not stop.is_set():
                busy = False
                try:
                    result = await dispatcher.run_once()
                    busy = result.attempted >= DELIVERY_BATCH
                except Exception as error:  # noqa: BLE001 - the loop must outlive a bad pass
                    log.warning("webhook.dispatch_pass_failed", error=type(error).__name__)
                if once:
                    break
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), poll)
    finally:
        await engine.dispose()
        log.info("worker.stopped")
