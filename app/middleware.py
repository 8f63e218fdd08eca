"""Pure ASGI middleware: request ids and access logs, body limits and media types (413,
415), and Idempotency-Key for every POST (the store and its rules: `app.idempotency`)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import structlog
from prometheus_client import Counter, Histogram

from app.idempotency import (
    IdempotencyStore,
    StoredResponse,
    mark_done,
    request_fingerprint,
    valid_key,
)
from app.problems import (
    PROBLEM_MEDIA_TYPE,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.uow import DEFERRED, Deferred

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = structlog.get_logger("placements.http")

REQUESTS = Counter("placements_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("placements_http_request_seconds", "HTTP request latency", ["method", "route"])

# Multipart document uploads; every other body is JSON.
# A client's X-Request-ID is kept only when it is a plain token; anything else (too long,
# spaces, quotes, control characters) could forge or break log lines, so a new id is made.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

UPLOAD_PATH = re.compile(r"^/v1/(referrals|support-requests|placements)/[^/]+/documents/?$")
WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def send_problem(
    send: Send,
    problem: Problem,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
    *,
    request_id: str | None = None,
) -> None:
    body = json.dumps(problem.body(request_id=request_id)).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    headers += extra_headers or []
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """A request id for every request (X-Request-ID in and out), an access log line with the
    route template (never the raw path or query: they may carry personal data), metrics."""

    # Drop any `server` header the app stack makes (app.hardening.EdgeMiddleware, this
    # layer and the edge's checks folded into one, sets it).
    strip_server = False

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = _header(scope, b"x-request-id")
        request_id = given if given and REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        # Every log line of this request, and every problem body, carries the id.
        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        strip_server = self.strip_server
        status_holder = {"status": 500}
        response_started = {"value": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_started["value"] = True
                status_holder["status"] = message["status"]
                headers = message.get("headers", [])
                if strip_server:
                    headers = [(k, v) for k, v in headers if k.lower() != b"server"]
                extra = [(b"x-request-id", request_id.encode())]
                # The caller's rate-limit standing, once the route counted the request.
                limits = scope["state"].get("rate_limit_headers") or {}
                extra += [(k.lower().encode(), v.encode()) for k, v in limits.items()]
                if scope["path"].startswith("/v1/"):
                    # Records about children: never cached by browsers or proxies.
                    extra += [
                        (b"cache-control", b"no-store"),
                        (b"x-content-type-options", b"nosniff"),
                    ]
                message["headers"] = list(headers) + extra
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            # Answered here, inside the request's binding, so the error log line carries
            # the request id and the server adds no second traceback without it.
            log.error("unhandled_error", error=type(exc).__name__, exc_info=exc)
            if response_started["value"]:
                raise
            await send_problem(send_wrapper, Problem("An internal error occurred."))
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            REQUESTS.labels(method, template, str(status_holder["status"])).inc()
            LATENCY.labels(method, template).observe(elapsed)
            log.info(
                "request",
                method=method,
                route=template,
                status=status_holder["status"],
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.reset_contextvars(**bound)


class BodyGuardMiddleware:
    """413 for bodies over the limit (JSON 1 MiB, uploads 20 MiB by default), 415 for a body
    that is not JSON (or multipart, on upload routes)."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and bool(UPLOAD_PATH.match(scope["path"]))
        limit = self.max_upload if upload else self.max_body
        length_header = _header(scope, b"content-length")
        chunked = "chunked" in (_header(scope, b"transfer-encoding") or "").lower()
        try:
            length = int(length_header) if length_header is not None else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            await send_problem(send, PayloadTooLarge(f"The body may be at most {limit} bytes."))
            return
        has_body = chunked or (length is not None and length > 0)
        if has_body:
            media = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if upload and media != "multipart/form-data":
                await send_problem(
                    send, UnsupportedMediaType("Upload documents as multipart/form-data.")
                )
                return
            if not upload and not (media == "application/json" or media.endswith("+json")):
                await send_problem(send, UnsupportedMediaType("Send the body as application/json."))
                return
        state = {"received": 0, "exceeded": False, "answered": False}
        too_large = PayloadTooLarge(f"The body may be at most {limit} bytes.")

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["exceeded"] = True
                    raise too_large
            return message

        async def guarded_send(message: Message) -> None:
            # Once the body ran over, whatever the app answers (a parse error, say) is
            # replaced by the 413 problem.
            if state["exceeded"]:
                if not state["answered"]:
                    state["answered"] = True
                    await send_problem(send, too_large)
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["exceeded"]:
                raise
        if state["exceeded"] and not state["answered"]:
            await send_problem(send, too_large)


class IdempotencyMiddleware:
    """Idempotency-Key on POST: the same key and body replays the first response
    (`Idempotent-Replayed: true`); another body is 422 idempotency_key_reused; a request
    with the key still in flight is 409 idempotency_key_in_use. Keys are per caller and
    kept for PLACEMENTS_IDEMPOTENCY_TTL_HOURS; an in-flight key whose lease
    (PLACEMENTS_IDEMPOTENCY_LEASE_SECONDS) ran out is taken over by a retry. The response
    is stored before it is sent, with the change in one transaction (decision 0005).
    The store is `state.idempotency`."""

    def __init__(self, app: ASGIApp, *, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = _header(scope, b"idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not valid_key(key):
            await send_problem(
                send,
                ValidationFailed(
                    "Idempotency-Key must be 1-255 printable characters.",
                    errors=[{"loc": ["header", "Idempotency-Key"], "msg": "invalid key"}],
                ),
            )
            return
        try:
            principal = await self.state.authenticator.authenticate(
                _header(scope, b"authorization")
            )
        except Problem:
            await self.app(scope, receive, send)  # the route answers 401
            return
        scope.setdefault("state", {})["principal"] = principal

        # Read the whole body (already bounded by BodyGuardMiddleware) to fingerprint it.
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        fingerprint = request_fingerprint(
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
            _header(scope, b"content-type"),
            body,
        )

        store: IdempotencyStore = self.state.idempotency
        claim = await store.claim(principal.sub, key, fingerprint)
        if claim.outcome == "reused":
            await send_problem(
                send,
                IdempotencyKeyReused("This Idempotency-Key was used with another request body."),
            )
            return
        if claim.outcome == "in_use":
            await send_problem(
                send,
                IdempotencyKeyInUse(
                    "A request with this Idempotency-Key is still in flight: retry later."
                ),
                [(b"retry-after", b"1")],
            )
            return
        if claim.outcome == "replay" and claim.response is not None:
            stored = claim.response
            headers = [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.replay_headers()
            ]
            await send({"type": "http.response.start", "status": stored.status, "headers": headers})
            await send({"type": "http.response.body", "body": stored.body})
            return

        owner = claim.owner or ""
        pending = list(messages)

        async def replay_receive() -> Message:
            if pending:
                return pending.pop(0)
            return await receive()

        # The response is held back until it is stored: a retry sent once the client has
        # it always replays it (API.md revision 2). When the request changed something,
        # its unit of work is left open (DEFERRED) and the response is stored in that
        # same transaction, so the change and its stored response commit together.
        status = 500
        response_headers: list[tuple[str, str]] = []
        held: list[Message] = []
        response_body = bytearray()

        async def capture_send(message: Message) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                ]
            elif message["type"] == "http.response.body":
                response_body.extend(message.get("body", b""))
            held.append(message)

        deferred = Deferred()
        token = DEFERRED.set(deferred)
        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            await deferred.settle(commit=False)
            await store.release(principal.sub, key, owner)
            raise
        finally:
            DEFERRED.reset(token)
        if status >= 500 or status == 429:
            # Not an answer to keep: a retry after the limit's window runs the request.
            await deferred.settle(commit=False)
            await store.release(principal.sub, key, owner)
            for message in held:
                await send(message)
            return
        response = StoredResponse.of(status, response_headers, bytes(response_body))
        if not await self._store(deferred, store, principal.sub, key, owner, response):
            await send_problem(
                send,
                IdempotencyKeyInUse(
                    "A retry with this Idempotency-Key took it over: retry to see its answer."
                ),
                [(b"retry-after", b"1")],
            )
            return
        for message in held:
            await send(message)

    @staticmethod
    async def _store(
        deferred: Deferred,
        store: IdempotencyStore,
        sub: str,
        key: str,
        owner: str,
        response: StoredResponse,
    ) -> bool:
        """Store the response: with the change, in its transaction, if the request made
        one (and roll the change back if the claim was taken over meanwhile); else in a
        transaction of its own. False when the claim was lost."""
        uow = deferred.pending
        if uow is None:
            await store.complete(sub, key, owner, response)
            return True
        deferred.pending = None
        try:
            held = await mark_done(uow.session, sub, key, owner, response)
        except BaseException:
            await uow.finish(commit=False)
            await store.release(sub, key, owner)
            raise
        try:
            await uow.finish(commit=held)
        except BaseException:
            await store.release(sub, key, owner)
            raise
        return held
