"""What the process shows the network, however it is started (`placements serve`,
`uvicorn app.main:app`, another ASGI server): no `server` banner, no access log of the
server's own (it would print raw paths and query strings, which can carry names; ours logs
the route template only), request headers capped before any other work.
"""

from __future__ import annotations

import logging
import sys
import uuid
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.middleware import RequestContextMiddleware, send_problem
from app.problems import RequestHeadersTooLarge

# Total bytes of request header names and values; larger answers 431.
MAX_HEADER_BYTES = 16 * 1024


def quiet_server() -> None:
    """Turn uvicorn's access log and `server: uvicorn` header off from inside the app.

    The access log is a logger we can silence. The banner lives in the uvicorn `Config`
    that is importing this app (its `load()` builds the app after it has computed the
    default headers, and the server re-reads them every tick), so the Config found on the
    call stack is told `server_header=False, access_log=False`. Started any other way
    there is nothing to find and nothing to do."""
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        config: Any = frame.f_locals.get("self")
        if _is_uvicorn_config(config):
            config.server_header = False
            config.access_log = False
            config.encoded_headers = [
                (name, value)
                for name, value in getattr(config, "encoded_headers", [])
                if name.lower() != b"server"
            ]
            return
        frame = frame.f_back


def _is_uvicorn_config(obj: Any) -> bool:
    kind = type(obj)
    return kind.__name__ == "Config" and kind.__module__ == "uvicorn.config"


class EdgeMiddleware(RequestContextMiddleware):
    """The outermost layer: 431 for request headers over MAX_HEADER_BYTES, and no
    `server` header on any response the app stack makes; then the request context
    (`RequestContextMiddleware`: request id, access log, metrics, response headers), in
    the same layer: one pure-ASGI call and one send wrapper per request, not two."""

    strip_server = True

    def __init__(self, app: ASGIApp, *, max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        super().__init__(app)
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = sum(len(name) + len(value) for name, value in scope.get("headers", []))
        if size > self.max_header_bytes:
            # Refused before the request context: the problem gets its own id.
            problem = RequestHeadersTooLarge(
                f"The request's headers are over {self.max_header_bytes} bytes."
            )
            request_id = uuid.uuid4().hex
            await send_problem(
                send,
                problem,
                extra_headers=[(b"x-request-id", request_id.encode())],
                request_id=request_id,
            )
            return
        await self.handle(scope, receive, send)
