"""Exception handlers: every error the service gives is an RFC 9457 problem."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.domain.errors import DomainError
from app.problems import (
    PROBLEM_MEDIA_TYPE,
    Conflict,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    Problem,
    ServiceUnavailable,
    ValidationFailed,
    from_domain,
)

log = structlog.get_logger("placements.errors")


def request_id_of(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def problem_response(
    request: Request, problem: Problem, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        problem.body(request_id=request_id_of(request)),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**problem.headers, **(headers or {})} or None,
    )


def _validation_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = [p for p in error.get("loc", ()) if p != "__root__"]
        out.append({"loc": loc, "msg": error.get("msg", "invalid"), "type": error.get("type")})
    return out


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method the request's path serves, over all the routes that match it (a path
    can be served by several: GET and PATCH /v1/referrals/{id})."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(request, from_domain(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            # Not JSON at all: the body could not be parsed, so no field is at fault.
            return problem_response(
                request,
                MalformedBody(
                    "The body is not valid JSON.",
                    errors=[{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}],
                ),
            )
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first["loc"])
        return problem_response(
            request, ValidationFailed(f"{where}: {first['msg']}", errors=errors)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            problem: Problem = NotFound("No such resource.")
        elif exc.status_code == 405:
            methods = allowed_methods(request)
            if methods:
                headers["Allow"] = ", ".join(methods)
            problem = MethodNotAllowed(
                f"{request.method} is not allowed here; records are never deleted (R19)."
                if request.method == "DELETE"
                else f"{request.method} is not allowed here.",
                headers=headers,
            )
        elif exc.status_code == 400:
            # FastAPI's only 400: a body it could not parse (not UTF-8, a broken form).
            problem = MalformedBody(
                "The body could not be parsed (send UTF-8 JSON, or a valid multipart form)."
            )
        else:
            problem = Problem(str(exc.detail))
            problem.status = exc.status_code
            problem.code = "http_" + str(exc.status_code)
            problem.title = str(exc.detail)
        return problem_response(request, problem)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity_conflict", error=type(exc.orig).__name__)
        return problem_response(
            request, Conflict("The change conflicts with another record; read it again.")
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database_unavailable", error=type(exc.orig).__name__)
        return problem_response(
            request,
            ServiceUnavailable(
                "The database is busy or unreachable; retry shortly.", headers={"Retry-After": "1"}
            ),
        )

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in {"40001", "40P01", "55P03"}:
            return problem_response(
                request,
                ServiceUnavailable(
                    "A concurrent change got there first; retry.", headers={"Retry-After": "1"}
                ),
            )
        if isinstance(code, str) and code.startswith("22"):
            # A data exception: a value the database can't store (a NUL character, a number
            # out of range). The input is at fault, not the service.
            return problem_response(
                request,
                ValidationFailed(
                    "A value in the request cannot be stored (e.g. a NUL character).",
                    errors=[{"loc": ["body"], "msg": "value not storable"}],
                ),
            )
        log.error("database_error", error=type(exc.orig).__name__, sqlstate=code)
        return problem_response(request, Problem("An internal error occurred."))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette runs this handler outside the middleware (whose binding is gone by now),
        # so the id is bound again for the log line and sent as X-Request-ID here.
        request_id = request_id_of(request)
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            log.error("unhandled_error", error=type(exc).__name__, exc_info=exc)
        return problem_response(
            request,
            Problem("An internal error occurred."),
            {"X-Request-ID": request_id} if request_id else None,
        )
