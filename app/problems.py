"""RFC 9457 problem details: one exception type per error code, one renderer.

Every error the service gives is `application/problem+json` with `type`, `title`,
`status`, `detail`, a stable `code` and, for a broken rule, its `rule` id.
"""

from __future__ import annotations

from typing import Any

import structlog

from app.domain.errors import DomainError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:placements:problem:"


class Problem(Exception):
    status: int = 500
    code: str = "internal_error"
    title: str = "Internal error"
    headers: dict[str, str] = {}

    def __init__(
        self,
        detail: str | None = None,
        *,
        rule: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        if code is not None:
            self.code = code
        self.detail = detail or self.title
        self.rule = rule
        self.errors = errors
        self.extra = extra
        if headers:
            self.headers = {**type(self).headers, **headers}

    def body(self, instance: str | None = None, request_id: str | None = None) -> dict[str, Any]:
        """The RFC 9457 body; `request_id` defaults to the id bound for the current request."""
        out: dict[str, Any] = {
            "type": TYPE_PREFIX + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        request_id = request_id or current_request_id()
        if request_id:
            out["request_id"] = request_id
        if instance:
            out["instance"] = instance
        if self.rule:
            out["rule"] = self.rule
        if self.errors is not None:
            out["errors"] = self.errors
        out.update(self.extra)
        return out


def current_request_id() -> str | None:
    """The request id RequestContextMiddleware bound into structlog's context, if any."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


class BadRequest(Problem):
    status, code, title = 400, "bad_request", "Bad request"


class MalformedBody(Problem):
    """A body that is not valid JSON (or not UTF-8), or a form that can't be parsed."""

    status, code, title = 400, "malformed_body", "The body could not be parsed"


class Unauthenticated(Problem):
    status, code, title = 401, "unauthenticated", "Authentication required"
    headers = {"WWW-Authenticate": 'Bearer realm="placements"'}


class Forbidden(Problem):
    status, code, title = 403, "forbidden", "Your role may not do this"


class NotFound(Problem):
    status, code, title = 404, "not_found", "Not found"


class MethodNotAllowed(Problem):
    status, code, title = 405, "method_not_allowed", "Method not allowed"


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflict"


class ReturnNotValid(Problem):
    """A statutory return with validation issues outstanding (`?force=true` overrides)."""

    status, code, title = 409, "return_not_valid", "The return has validation issues"


class IdempotencyKeyInUse(Problem):
    status, code, title = 409, "idempotency_key_in_use", "A request with this key is in flight"


class PreconditionFailed(Problem):
    status, code, title = 412, "precondition_failed", "The resource has changed"


class PayloadTooLarge(Problem):
    status, code, title = 413, "payload_too_large", "Request body too large"


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class RequestHeadersTooLarge(Problem):
    status, code, title = 431, "request_header_fields_too_large", "Request headers too large"


class ValidationFailed(Problem):
    status, code, title = 422, "validation_error", "The request is not valid"


class WebhookUrlNotAllowed(Problem):
    status, code, title = 422, "webhook_url_not_allowed", "The webhook URL is not allowed"


class RateLimited(Problem):
    status, code, title = 429, "rate_limited", "Too many requests"


class IdempotencyKeyReused(Problem):
    status, code, title = 422, "idempotency_key_reused", "Idempotency key reused with another body"


class ServiceUnavailable(Problem):
    status, code, title = 503, "service_unavailable", "Service unavailable"


def from_domain(error: DomainError) -> Problem:
    errors = None
    if error.status == 422:  # every 422 lists what was wrong
        errors = [{"loc": list(error.loc), "msg": error.detail}]
    problem = Problem(error.detail, rule=error.rule, errors=errors)
    problem.extra = dict(error.extra)
    problem.status = error.status
    problem.code = error.code
    problem.title = error.title
    return problem


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problems an operation can give. The document's
    post-processing (app/contract.py) replaces them with every status the operation can
    answer, each with its own schema and enum of codes."""
    chosen = sorted({401, 422, *codes})
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {"description": "Problem", "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}
        for code in chosen
    }
