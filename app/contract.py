"""The error and header half of the contract (issue 13), applied to the OpenAPI document.

Every operation declares each problem it can answer under `application/problem+json`,
one schema per status whose `code` is an enum of exactly the codes that operation can give
at that status: the generic ones its shape implies (a body, a path id, If-Match, POST's
Idempotency-Key) and the codes of the rules it enforces (`OPERATIONS` below). It also
declares the response headers the service sends, and a human summary.

A code an operation gives that is not declared is a defect (outside suites check every
response against the contract): the test suite records every problem it sees and fails
on any the contract does not declare (tests/conftest.py).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from app.contract_clients import for_clients

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class Code:
    status: int
    meaning: str
    rule: str | None = None


# Every code the service gives, its status and, for a broken rule, its rule (DOMAIN.md).
# tests/unit/test_contract_codes.py checks this against every problem and domain error.
CODES: dict[str, Code] = {
    # Generic: the shape of the request.
    "malformed_body": Code(
        400, "The body is not valid JSON (or not UTF-8), or not a parsable form."
    ),
    "bad_request": Code(400, "The request could not be read."),
    "unauthenticated": Code(401, "No bearer token, or one that is not valid."),
    "forbidden": Code(403, "Your roles may not do this (or your token carries no known role)."),
    "not_found": Code(404, "No such record, or not in your scope."),
    "method_not_allowed": Code(
        405, "The path does not serve this method (records are never deleted, R19)."
    ),
    "conflict": Code(409, "The change conflicts with another record; read it again."),
    "idempotency_key_in_use": Code(409, "A request with this Idempotency-Key is still in flight."),
    "precondition_failed": Code(412, "If-Match does not match the current ETag."),
    "payload_too_large": Code(413, "The body is over the limit."),
    "unsupported_media_type": Code(
        415, "The body is not application/json (or multipart/form-data for uploads)."
    ),
    "validation_error": Code(422, "The input is not valid: `errors` lists each problem."),
    "idempotency_key_reused": Code(422, "This Idempotency-Key was used with another request."),
    "rate_limited": Code(429, "Over PLACEMENTS_RATE_LIMIT_PER_MINUTE: wait Retry-After seconds."),
    "request_header_fields_too_large": Code(431, "The request headers are too large."),
    "internal_error": Code(500, "An unexpected error; the request id finds it in the logs."),
    "service_unavailable": Code(
        503, "The database is busy or unreachable; retry after Retry-After."
    ),
    # The rules.
    "invalid_transition": Code(
        409, "Not allowed in the record's current state (its state machine's rule)."
    ),
    "external_id_taken": Code(409, "Another record holds this external id."),
    "referral_not_draft": Code(
        409, "The referral is no longer a draft: only the fields PATCH allows may change.", "R1"
    ),
    "document_already_attached": Code(
        409, "The document is already attached to the booking.", "R3"
    ),
    "return_not_valid": Code(409, "The return has validation issues (`?force=true` overrides)."),
    "panel_document_deadline_passed": Code(
        409, "The booking's document deadline has passed.", "R3"
    ),
    "panel_documents_missing": Code(409, "Required documents are not attached and assured.", "R3"),
    "panel_not_yet_held": Code(409, "The panel's date has not come yet.", "R3, R6"),
    "panel_date_passed": Code(409, "The panel is in the past.", "R3"),
    "panel_not_applicable": Code(409, "This referral does not go to that kind of panel.", "R3"),
    "panel_actions_outstanding": Code(409, "The referral owes panel actions.", "R4"),
    "match_already_accepted": Code(409, "Another match of the referral is accepted.", "R5"),
    "vacancy_unavailable": Code(409, "The vacancy is not open.", "R5"),
    "emergency_provider_not_eligible": Code(
        409, "The provider is not on the emergency rota.", "R2"
    ),
    "funding_not_approved": Code(409, "The placement's funding is not approved.", "R6"),
    "decider_is_author": Code(409, "The author of a request may not decide it.", "R6"),
    "match_not_accepted": Code(409, "The match named is not the referral's accepted match.", "R6"),
    "funding_superseded": Code(409, "The funding request was superseded.", "R6"),
    "funding_panel_required": Code(
        409, "The decision needs a funding panel and a panel member.", "R6"
    ),
    "person_already_placed": Code(409, "The person has an active placement.", "R7"),
    "provider_inactive": Code(409, "The provider is inactive.", "R7"),
    "follow_ups_outstanding": Code(409, "The emergency referral's follow-ups are not done.", "R2"),
    "admission_documents_missing": Code(
        409, "The residential home's admission documents are missing.", "R21"
    ),
    "arranging_support_outstanding": Code(409, "Arranging support is not recorded.", "R22"),
    "risk_assessment_required": Code(409, "A risk assessment must be attached first.", "R8"),
    "casework_checkpoint_due": Code(
        409, "The episode's 10-contact checkpoint must be answered.", "R9"
    ),
    "placement_ended": Code(409, "The placement has ended.", "R15"),
    "qa_visit_not_applicable": Code(409, "QA visits are for supported living placements.", "R17"),
    "review_kind_not_applicable": Code(
        409, "That kind of review does not apply to the placement.", "R14"
    ),
    "contact_restriction_not_applicable": Code(
        409, "Contact restrictions apply to children's placements.", "R16"
    ),
    "unsupported_document_type": Code(415, "The file is not of a type the document kind accepts."),
    "service_not_for_person": Code(422, "The service is not for this person's cohort.", "R20"),
    "emergency_start_not_today": Code(422, "An emergency placement starts today.", "R2"),
    "end_date_in_future": Code(422, "A placement's end date is not in the future.", "R7"),
    "next_review_too_late": Code(422, "The next review is later than the rule allows.", "R12"),
    "webhook_url_not_allowed": Code(422, "The webhook URL's host is not a public address."),
}


@dataclass(frozen=True)
class Operation:
    summary: str
    # Codes beyond the generic ones the operation's shape implies (`generic_codes`).
    codes: tuple[str, ...] = ()


_MATCH_ACTION = ("invalid_transition", "match_already_accepted", "vacancy_unavailable")

# operationId -> its summary and the codes of the rules it enforces. Every operation of
# the contract is here (tests/api/test_contract.py).
OPERATIONS: dict[str, Operation] = {
    # people
    "list_people": Operation("List people in your scope"),
    "create_person": Operation("Create a person", ("external_id_taken",)),
    "get_person": Operation("Get a person"),
    "update_person": Operation("Change a person", ("external_id_taken",)),
    "upsert_person_by_external_id": Operation(
        "Upsert a person by external id", ("external_id_taken",)
    ),
    "upsert_people_by_external_id": Operation("Batch upsert people by external id"),
    "export_person": Operation("Export everything held about a person (subject access)"),
    "list_legal_statuses": Operation("List a child's legal statuses"),
    "create_legal_status": Operation("Record a child's legal status"),
    "list_case_notes": Operation("List a person's case notes"),
    "create_case_note": Operation("Write a case note"),
    "get_case_note": Operation("Get a case note"),
    # providers
    "list_providers": Operation("List providers"),
    "create_provider": Operation("Create a provider", ("external_id_taken",)),
    "get_provider": Operation("Get a provider"),
    "update_provider": Operation("Change a provider", ("external_id_taken",)),
    "upsert_provider_by_external_id": Operation(
        "Upsert a provider by external id", ("external_id_taken",)
    ),
    "list_vacancies": Operation("List a provider's vacancies"),
    "create_vacancy": Operation("Add a vacancy to a provider"),
    "get_vacancy": Operation("Get a vacancy"),
    "update_vacancy": Operation("Change a vacancy"),
    # referrals
    "list_referrals": Operation("List referrals"),
    "create_referral": Operation(
        "Create a draft referral", ("service_not_for_person", "external_id_taken")
    ),
    "get_referral": Operation("Get a referral"),
    "update_referral": Operation("Change a referral", ("invalid_transition", "external_id_taken")),
    "upsert_referral_by_external_id": Operation(
        "Upsert a draft referral by external id",
        (
            "external_id_taken",
            "referral_not_draft",
            "invalid_transition",
            "service_not_for_person",
        ),
    ),
    "submit_referral": Operation("Submit a referral", ("invalid_transition",)),
    "withdraw_referral": Operation("Withdraw a referral", ("invalid_transition",)),
    "close_referral": Operation(
        "Close a placed referral",
        ("invalid_transition", "follow_ups_outstanding", "arranging_support_outstanding"),
    ),
    "record_follow_up": Operation(
        "Record a follow-up of a referral", ("invalid_transition", "service_not_for_person")
    ),
    "list_referral_documents": Operation("List a referral's documents"),
    "upload_referral_document": Operation(
        "Upload a document to a referral", ("unsupported_document_type",)
    ),
    # matching
    "list_referral_matches": Operation("List a referral's matches"),
    "propose_match": Operation(
        "Propose a match",
        (
            "invalid_transition",
            "emergency_provider_not_eligible",
            "panel_actions_outstanding",
            "provider_inactive",
            "vacancy_unavailable",
        ),
    ),
    "get_match": Operation("Get a match"),
    "contact_match": Operation("Record the provider contacted", _MATCH_ACTION),
    "assess_match": Operation("Record the provider assessing", _MATCH_ACTION),
    "accept_match": Operation("Accept a match", _MATCH_ACTION),
    "decline_match": Operation("Decline a match", _MATCH_ACTION),
    "withdraw_match": Operation("Withdraw a match", _MATCH_ACTION),
    # funding
    "list_funding_requests": Operation("List funding requests"),
    "create_funding_request": Operation(
        "Create a draft funding request", ("invalid_transition", "match_not_accepted")
    ),
    "get_funding_request": Operation("Get a funding request"),
    "update_funding_request": Operation(
        "Change a funding request's costings", ("invalid_transition", "funding_superseded")
    ),
    "submit_funding_request": Operation(
        "Submit a funding request", ("invalid_transition", "funding_superseded")
    ),
    "decide_funding_request": Operation(
        "Decide a funding request",
        (
            "invalid_transition",
            "decider_is_author",
            "funding_panel_required",
            "funding_superseded",
            "panel_not_yet_held",
        ),
    ),
    # placements
    "list_placements": Operation("List placements"),
    "confirm_placement": Operation(
        "Confirm a placement",
        (
            "invalid_transition",
            "admission_documents_missing",
            "emergency_provider_not_eligible",
            "funding_not_approved",
            "person_already_placed",
            "provider_inactive",
            "vacancy_unavailable",
            "emergency_start_not_today",
            "external_id_taken",
        ),
    ),
    "get_placement": Operation("Get a placement"),
    "update_placement": Operation(
        "Change a placement", ("invalid_transition", "external_id_taken")
    ),
    "record_arranging_support": Operation(
        "Record the confirmation sent to arranging support", ("invalid_transition",)
    ),
    "end_placement": Operation("End a placement", ("invalid_transition", "end_date_in_future")),
    "record_courtesy_call": Operation("Record the courtesy call", ("invalid_transition",)),
    "get_duty_tracker": Operation("Get the duty tracker of emergency referrals"),
    "list_placement_documents": Operation("List a placement's documents"),
    "upload_placement_document": Operation(
        "Upload a document to a placement", ("unsupported_document_type",)
    ),
    # documents
    "get_document": Operation("Get a document's metadata"),
    "assure_document": Operation("Quality-assure a document", ("invalid_transition",)),
    "get_document_content": Operation("Download a document's file"),
    # panels
    "list_panels": Operation("List panels"),
    "create_panel": Operation("Create a panel meeting"),
    "get_panel": Operation("Get a panel"),
    "list_panel_bookings": Operation("List panel bookings"),
    "create_panel_booking": Operation(
        "Book a referral into a panel",
        ("invalid_transition", "panel_date_passed", "panel_not_applicable"),
    ),
    "get_panel_booking": Operation("Get a panel booking"),
    "attach_panel_booking_document": Operation(
        "Attach a document to a panel booking",
        ("invalid_transition", "document_already_attached", "panel_document_deadline_passed"),
    ),
    "decide_panel_booking": Operation(
        "Record a panel's decision",
        ("invalid_transition", "panel_documents_missing", "panel_not_yet_held"),
    ),
    "complete_panel_action": Operation("Complete a panel action", ("invalid_transition",)),
    # work, audit, events, policy
    "list_work": Operation("List open work items"),
    "work_summary": Operation("Summarise open work per assignee"),
    "assign_work_item": Operation("Reassign a work item", ("invalid_transition",)),
    "acknowledge_work_item": Operation("Acknowledge a work item", ("invalid_transition",)),
    "list_audit": Operation("List the audit trail"),
    "export_audit": Operation("Export the audit trail as NDJSON"),
    "events_head": Operation("Get the change feed's current end"),
    "list_events": Operation("List change-feed events"),
    "get_policy": Operation("Get the policy in force"),
    # support
    "list_support_requests": Operation("List placement support requests"),
    "create_support_request": Operation("Create a placement support request"),
    "get_support_request": Operation("Get a placement support request"),
    "submit_support_request": Operation(
        "Submit a placement support request", ("invalid_transition", "risk_assessment_required")
    ),
    "decide_support_request": Operation(
        "Decide a placement support request", ("invalid_transition",)
    ),
    "list_support_request_documents": Operation("List a support request's documents"),
    "upload_support_request_document": Operation(
        "Upload a document to a support request", ("unsupported_document_type",)
    ),
    # casework
    "list_casework_episodes": Operation("List casework episodes"),
    "get_casework_episode": Operation("Get a casework episode"),
    "list_casework_contacts": Operation("List an episode's contacts"),
    "add_casework_contact": Operation(
        "Record a casework contact", ("invalid_transition", "casework_checkpoint_due")
    ),
    "get_casework_contact": Operation("Get a casework contact"),
    "answer_casework_checkpoint": Operation(
        "Answer the casework checkpoint", ("invalid_transition",)
    ),
    # supervision
    "list_supervisions": Operation("List case supervisions"),
    "get_supervision": Operation("Get a case supervision"),
    "record_supervision": Operation("Record a held supervision", ("invalid_transition",)),
    # reviews
    "list_reviews": Operation("List reviews"),
    "get_review": Operation("Get a review"),
    "record_review": Operation(
        "Record a held review", ("invalid_transition", "next_review_too_late")
    ),
    "request_extra_review": Operation(
        "Request an extra review",
        (
            "invalid_transition",
            "placement_ended",
            "qa_visit_not_applicable",
            "review_kind_not_applicable",
        ),
    ),
    "complete_review_action": Operation("Complete a review action", ("invalid_transition",)),
    "record_review_sent": Operation(
        "Record a review record sent to a participant", ("invalid_transition",)
    ),
    # contact restrictions
    "list_contact_restrictions": Operation("List a placement's contact restrictions"),
    "create_contact_restriction": Operation(
        "Restrict a child's contact",
        ("invalid_transition", "contact_restriction_not_applicable"),
    ),
    "get_contact_restriction": Operation("Get a contact restriction"),
    "notify_contact_restriction": Operation(
        "Record the placing authority notified", ("invalid_transition",)
    ),
    "lift_contact_restriction": Operation("Lift a contact restriction", ("invalid_transition",)),
    # webhooks
    "list_webhooks": Operation("List webhook subscriptions"),
    "create_webhook": Operation("Subscribe a webhook", ("webhook_url_not_allowed",)),
    "get_webhook": Operation("Get a webhook subscription"),
    "update_webhook": Operation("Change a webhook subscription", ("webhook_url_not_allowed",)),
    "list_webhook_deliveries": Operation("List a webhook's deliveries"),
    # returns
    "ssda903_issues": Operation("List the SSDA903 return's validation issues"),
    "ssda903_return": Operation("Download the SSDA903 return", ("return_not_valid",)),
}

WRITE_METHODS = frozenset({"post", "put", "patch"})
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def generic_codes(method: str, operation: dict[str, Any]) -> list[str]:
    """The codes any operation of this shape can give, whatever its rules."""
    params = operation.get("parameters", [])
    has_path = any(p.get("in") == "path" for p in params)
    has_body = "requestBody" in operation
    if_match = any(p.get("in") == "header" and p.get("name") == "If-Match" for p in params)
    codes = [
        "unauthenticated",
        "forbidden",
        "method_not_allowed",
        "validation_error",
        "rate_limited",
        "request_header_fields_too_large",
        "internal_error",
        "service_unavailable",
    ]
    if has_path or has_body:
        codes.append("not_found")  # the record in the path, or one the body names
    if has_body:
        codes.append("malformed_body")
    if method in WRITE_METHODS:
        codes += ["conflict", "payload_too_large", "unsupported_media_type"]
    if method == "post":
        codes += ["idempotency_key_in_use", "idempotency_key_reused"]
    if if_match:
        codes.append("precondition_failed")
    return codes


def declared_codes(method: str, operation: dict[str, Any]) -> dict[int, list[str]]:
    """status -> the codes the operation declares at that status, in CODES order."""
    op = OPERATIONS.get(operation.get("operationId", ""))
    wanted = set(generic_codes(method, operation)) | set(op.codes if op else ())
    out: dict[int, list[str]] = {}
    for code, info in CODES.items():
        if code in wanted:
            out.setdefault(info.status, []).append(code)
    return dict(sorted(out.items()))


# --- the document ------------------------------------------------------------------------

STATUS_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "PreconditionFailed",
    413: "ContentTooLarge",
    415: "UnsupportedMediaType",
    422: "UnprocessableContent",
    429: "TooManyRequests",
    431: "HeadersTooLarge",
    500: "InternalError",
    503: "ServiceUnavailable",
}

STATUS_DESCRIPTIONS = {
    400: "The body could not be parsed",
    401: "Missing or invalid bearer token",
    403: "Role not allowed",
    404: "Not found, or outside the caller's scope",
    405: "Method not allowed on this path (Allow lists those it serves)",
    409: "State conflict or broken rule",
    412: "If-Match does not match the current ETag",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests from this caller (Retry-After says when to retry)",
    431: "Request headers too large",
    500: "Unexpected error",
    503: "Database busy or unreachable (Retry-After says when to retry)",
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": (
        "An RFC 9457 problem. Switch on `code`: each operation declares, per status, the "
        "codes it can give. Members beyond these may be present (e.g. `missing`)."
    ),
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {
            "type": "string",
            "description": "`urn:placements:problem:` + the code.",
            "examples": ["urn:placements:problem:casework_checkpoint_due"],
        },
        "title": {"type": "string", "description": "A short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status."},
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "code": {"type": "string", "description": "Stable snake_case error code."},
        "rule": {
            "type": "string",
            "description": "The DOMAIN.md rule broken (e.g. `R9`), where the code is a rule.",
            "examples": ["R9"],
        },
        "instance": {"type": "string"},
        "request_id": {
            "type": "string",
            "description": "The request's id, as in its X-Request-ID response header.",
        },
        "errors": {
            "type": "array",
            "description": "What was wrong, one entry per invalid input (422; 400 for a body).",
            "items": {"$ref": "#/components/schemas/ProblemError"},
        },
    },
    "additionalProperties": True,
}

PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemError",
    "required": ["loc", "msg"],
    "properties": {
        "loc": {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "description": "Where: `body`, `query`, `path` or `header`, then the field.",
        },
        "msg": {"type": "string"},
        "type": {"type": "string", "description": "The kind of error, where known."},
    },
    "additionalProperties": True,
}


def _header(
    description: str, schema: dict[str, Any] | None = None, *, required: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "schema": schema or {"type": "string"}}
    if required:
        out["required"] = True
    return out


_INT = {"type": "integer", "minimum": 0}
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": _header(
        "The request's id (yours if you sent a plain token, else a new one); in every "
        "problem body as `request_id` and in the service's logs.",
        required=True,
    ),
    "RateLimit-Limit": _header(
        "Requests you may make per minute (PLACEMENTS_RATE_LIMIT_PER_MINUTE, per process).", _INT
    ),
    "RateLimit-Remaining": _header("Requests left in the current window.", _INT),
    "RateLimit-Reset": _header("Seconds until the current window ends.", _INT),
    "Retry-After": _header("Seconds to wait before retrying.", _INT),
    "ETag": _header("The resource's version: send it as If-Match to change it.", required=True),
    "Location": _header(
        "The URL of the record created.", {"type": "string", "format": "uri"}, required=True
    ),
    "Link": _header('`<url>; rel="next"` when there is a next page.'),
    "Idempotent-Replayed": _header(
        "`true` when this is the stored first response to the Idempotency-Key sent.",
        {"type": "string", "enum": ["true"]},
    ),
    "WWW-Authenticate": _header(
        'The bearer challenge: `Bearer realm="placements"`.', required=True
    ),
    "Allow": _header("The methods this path serves, e.g. `GET, PATCH`.", required=True),
}


def _ref(name: str, required: bool = False) -> dict[str, Any]:
    """A reference to the header, or (for one that is sometimes optional) a required copy."""
    if required and not HEADERS[name].get("required"):
        return {**copy.deepcopy(HEADERS[name]), "required": True}
    return {"$ref": f"#/components/headers/{name}"}


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


def _problem_component(codes: list[str], status: int) -> dict[str, Any]:
    rules = [f"`{c}` ({CODES[c].rule})" for c in codes if CODES[c].rule]
    lines = [f"- `{c}`: {CODES[c].meaning}" for c in codes]
    return {
        "title": None,  # set by the caller
        "description": "\n".join(lines)
        + (
            f"\n\nCodes that are a broken rule name it in `rule`: {', '.join(rules)}."
            if rules
            else ""
        ),
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string", "enum": list(codes)}},
            },
        ],
    }


def _response_headers(method: str, status: int, operation_id: str, etag: bool) -> dict[str, Any]:
    headers: dict[str, Any] = {"X-Request-ID": _ref("X-Request-ID", required=True)}
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        headers[name] = _ref(name)
    if 200 <= status < 300:
        if etag:
            headers["ETag"] = _ref("ETag", required=True)
        if status == 201 and operation_id not in CREATED_WITHOUT_URL:
            headers["Location"] = _ref("Location", required=True)
    if method == "post" and status < 500:
        headers["Idempotent-Replayed"] = _ref("Idempotent-Replayed")
    if status == 401:
        headers["WWW-Authenticate"] = _ref("WWW-Authenticate", required=True)
    if status == 405:
        headers["Allow"] = _ref("Allow", required=True)
    if status == 429:
        headers["Retry-After"] = _ref("Retry-After", required=True)
    if status in (409, 503):
        headers["Retry-After"] = _ref("Retry-After")  # in use, or busy: when to retry
    return headers


def _is_page(doc: dict[str, Any], response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    target = doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    return "next_cursor" in target.get("properties", {})


def _has_version(doc: dict[str, Any], response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    target = doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    return "version" in target.get("properties", {})


# 201s whose record has no URL of its own: a referral's follow-up is read on the duty
# tracker and in the referral's history, so its answer carries no Location.
CREATED_WITHOUT_URL = frozenset({"record_follow_up"})

# Single resources whose ETag is not a `version` field (documents hash their content;
# contacts and case notes never change), and the file download.
ETAG_WITHOUT_VERSION = frozenset(
    {
        "get_document",
        "assure_document",
        "get_document_content",
        "get_case_note",
        "get_casework_contact",
    }
)


def _problem_names(doc: dict[str, Any]) -> dict[tuple[int, tuple[str, ...]], str]:
    """(status, codes) -> its component's name: one component per set of codes, so a
    generated client has one model (and one `code` enum) per set, never two alike. A set
    only one operation gives, with codes of that operation's own rules, is named after
    it (`ConfirmPlacementConflict`); any other after its codes
    (`ConflictOrInvalidTransitionProblem`)."""
    users: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for status, codes in declared_codes(method, operation).items():
                users.setdefault((status, tuple(codes)), []).append(operation["operationId"])
    names: dict[tuple[int, tuple[str, ...]], str] = {}
    for key, operation_ids in users.items():
        status, code_set = key
        op = OPERATIONS.get(operation_ids[0])
        own = set(op.codes if op else ())
        if len(operation_ids) == 1 and own & set(code_set):
            names[key] = _pascal(operation_ids[0]) + STATUS_NAMES[status]
        else:
            names[key] = (
                "".join(_pascal(c) for c in code_set[:1])
                + "".join("Or" + _pascal(c) for c in code_set[1:])
                + "Problem"
            )
    return names


def apply(doc: dict[str, Any]) -> dict[str, Any]:
    """Declare every operation's problems, response headers and summary, and make the
    document one client generators read well (app/contract_clients.py), in place."""
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("ProblemBody", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["ProblemError"] = PROBLEM_ERROR_SCHEMA
    components["headers"] = copy.deepcopy(HEADERS)
    for_clients(doc)
    names = _problem_names(doc)
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation.get("operationId", "")
            op = OPERATIONS.get(operation_id)
            if op is not None:
                operation["summary"] = op.summary
            responses = operation.setdefault("responses", {})
            for status in [s for s in responses if s[:1] in "45"]:
                del responses[status]
            for status, codes in declared_codes(method, operation).items():
                name = names[(status, tuple(codes))]
                component = _problem_component(codes, status)
                component["title"] = name
                schemas[name] = component
                responses[str(status)] = {
                    "description": STATUS_DESCRIPTIONS[status],
                    "content": {
                        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                }
            etag_by_schema = operation_id in ETAG_WITHOUT_VERSION
            for status_text, response in responses.items():
                status = int(status_text)
                etag = status < 300 and (etag_by_schema or _has_version(doc, response))
                headers = _response_headers(method, status, operation_id, etag)
                if status == 200 and _is_page(doc, response):
                    headers["Link"] = _ref("Link")
                response["headers"] = {**response.get("headers", {}), **headers}
            operation["responses"] = dict(sorted(responses.items()))
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc
