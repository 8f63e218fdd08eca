"""The service itself: health, readiness, metrics and docs outside /v1 (not in the
contract), and `/v1/policy`, the policy in force."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr

from app.deps import Ctx
from app.domain.policy import DOCUMENT_KINDS
from app.problems import Forbidden, Unauthenticated, problem_responses
from app.schemas.system import Health, PolicyRead, Readiness

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> Health:
    """The process is up."""
    return Health()


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """The database is reachable and migrated to this code's head (503 naming the part
    that is not: `database` "unavailable", or `migrations` "behind" or "unknown")."""
    parts = await request.app.state.readiness()
    ok = parts == {"database": "ok", "migrations": "head"}
    body = Readiness(status="ready" if ok else "unavailable", **parts)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: for a scraper with PLACEMENTS_METRICS_TOKEN, or, with no token
    configured, for clients on this machine only."""
    check_metrics_access(
        request.app.state.settings.metrics_token,
        request.headers.get("authorization"),
        request.client.host if request.client else None,
    )
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def check_metrics_access(
    token: SecretStr | None, authorization: str | None, client_host: str | None
) -> None:
    if token is not None:
        scheme, _, given = (authorization or "").partition(" ")
        expected = token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise Unauthenticated("Send Authorization: Bearer <the metrics token>.")
        return
    if not _loopback(client_host):
        raise Forbidden("Metrics are served only to this machine unless a metrics token is set.")


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@router.get("/docs", include_in_schema=False)
async def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Placements API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
        # No badge from validator.swagger.io: the page would send the contract's URL to a
        # third party, and offline a browser waits on it (a headless screenshot hung).
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc", include_in_schema=False)
async def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url="/openapi.json",
        title="Placements API",
        redoc_js_url="/docs/assets/redoc.standalone.js",
        redoc_favicon_url="/docs/assets/favicon-32x32.png",
        with_google_fonts=False,
    )


@router.get("/v1/policy", tags=["work"], responses=problem_responses(403))
async def get_policy(ctx: Ctx) -> PolicyRead:
    """The R18 numbers in force (defaults, the policy file, PLACEMENTS_UK_NATION)."""
    return PolicyRead(**ctx.policy.model_dump(), document_kinds=list(DOCUMENT_KINDS))
