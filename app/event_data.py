"""What an event's `data` may hold (R19): ids, status changes, the names of changed fields
and a few non-personal facts; never names, dates of birth, NHS numbers, notes, needs,
summaries, file names or reasons text. Webhooks send the same events, so they are
covered too.

`UnitOfWork.emit` passes every event's data through `checked`, the one gate to the feed.
A key or value outside the shape is refused: under `PLACEMENTS_EVENT_DATA_STRICT=true`
(the test suite) it raises `PersonalDataInEvent`, so a service that leaks fails its
tests; in production it is dropped and logged, so a slip never becomes a 500 nor leaves.
`thin(before, after)` makes the data `UnitOfWork.record` emits from a change's audit
snapshots.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import structlog

log = structlog.get_logger("placements.events")

# Keys whose value is a short code (a status, a kind, an outcome): lower-case tokens only,
# so free text can't pass even under an allowed key.
CODE_KEYS = frozenset(
    {
        "from",
        "to",
        "status",
        "action",
        "kind",
        "outcome",
        "decision",
        "type",
        "service",
        "provider_service",
        "cohort",
        "urgency",
        "rule",
        "format",
        "pathway",
        "method",
        "reason_code",
        "system",
        "owner_type",
        "missing_documents",
    }
)
# Keys naming staff (token subjects), never the person the record is about.
STAFF_KEYS = frozenset({"alerts", "actor", "assignee_user", "support_worker"})
# Dates that are facts of the work (a start, a due date), never a date of birth.
DATE_SUFFIXES = ("_on", "_date", "_at", "_from", "_until")
# What is about the person whatever its type: refused under any shape.
PERSONAL = frozenset(
    {
        "date_of_birth",
        "dob",
        "born_on",
        "mother",
        "mother_child_dob",
        "nhs_number",
        "upn",
        "sex",
        "ethnicity",
        "category_of_need",
        "age",
    }
)
# Fields a change's thin data never copies from a snapshot (a reason may be typed text).
NOT_COPIED = frozenset({"updated_at", "version", "reason"})
NOT_CHANGES = frozenset({"updated_at", "version"})

CODE = re.compile(r"^[a-z0-9_.:-]{1,64}$")
FIELD = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SUB = re.compile(r"^[A-Za-z0-9_.:@|-]{1,200}$")


class PersonalDataInEvent(ValueError):
    """An event's data holds something outside the thin shape (R19)."""


def strict_default() -> bool:
    return os.environ.get("PLACEMENTS_EVENT_DATA_STRICT", "").lower() in {"1", "true", "yes"}


STRICT = strict_default()


def _is_uuid(value: Any) -> bool:
    if isinstance(value, uuid.UUID):
        return True
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_date(value: Any) -> bool:
    if isinstance(value, date | datetime):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


RULE = re.compile(r"^R[0-9]{1,2}[a-z]?$")


def allowed_part(key: str, value: Any) -> bool:
    """A part of a subject or assignee: its type (a code), id (a UUID), or a user or team
    (a staff id or team name)."""
    if key == "id":
        return _is_uuid(value)
    if key == "type":
        return isinstance(value, str) and CODE.match(value) is not None
    return isinstance(value, str) and SUB.match(value) is not None


def allowed(key: str, value: Any) -> bool:
    """Whether one `key: value` fits the thin shape."""
    if not FIELD.match(key) or key in PERSONAL:
        return False
    if value is None or isinstance(value, bool):
        return True
    if key == "id" or key.endswith("_id"):
        return _is_uuid(value)
    if key.endswith("_ids"):
        return isinstance(value, list) and all(_is_uuid(v) for v in value)
    if key == "changed":
        return isinstance(value, list) and all(isinstance(v, str) and FIELD.match(v) for v in value)
    if key == "rule":
        return isinstance(value, str) and RULE.match(value) is not None
    if key in ("subject", "assignee", "from_assignee", "to_assignee"):
        # {"type", "id"} of a subject, or {"user"} / {"team"} of an assignee: ids and codes.
        return isinstance(value, dict) and all(
            (k in ("type", "id", "user", "team")) and (v is None or allowed_part(k, v))
            for k, v in value.items()
        )
    if key in CODE_KEYS or key.endswith("_status"):
        values = value if isinstance(value, list) else [value]
        return all(isinstance(v, str) and CODE.match(v) for v in values)
    if key in STAFF_KEYS or key.endswith("_by"):
        values = value if isinstance(value, list) else [value]
        return all(isinstance(v, str) and SUB.match(v) for v in values)
    if isinstance(value, int):
        return True
    if key.endswith(DATE_SUFFIXES):
        return _is_date(value)
    return False


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `data` with ids and dates as JSON strings."""
    return {k: _jsonable(v) for k, v in data.items()}


def checked(
    event_type: str, data: Mapping[str, Any] | None, *, strict: bool | None = None
) -> dict[str, Any]:
    """The event's data if every key fits the thin shape; otherwise refused: raised when
    strict, else the offending keys are dropped (and their names logged, never values)."""
    if not data:
        return {}
    refused = sorted(
        k for k, v in data.items() if not (allowed(k, v) or _team_move(event_type, k, v))
    )
    if refused:
        if STRICT if strict is None else strict:
            raise PersonalDataInEvent(
                f"{event_type}: event data may not hold {', '.join(refused)} (R19)"
            )
        log.warning("event_data_refused", event_type=event_type, keys=refused)
    return {k: _jsonable(v) for k, v in data.items() if k not in refused}


def _team_move(event_type: str, key: str, value: Any) -> bool:
    """`person.transferred` names the teams it moved between (`from`, `to`): team names,
    not personal data, and free-form in the contract (1-100 characters)."""
    return (
        event_type == "person.transferred"
        and key in ("from", "to")
        and isinstance(value, str)
        and TEAM.match(value) is not None
    )


TEAM = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


def thin(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """The thin data of a change from its audit snapshots: the ids and codes `after` holds,
    `from`/`to` when the status moved, and `changed` (field names) when both snapshots are
    given; nothing else of the record."""
    after = after or {}
    # A snapshot's ints and dates (costs, counts, start dates) are facts of the work; its
    # strings are kept only when they are ids or codes (allowed() above).
    data: dict[str, Any] = {k: v for k, v in after.items() if k not in NOT_COPIED and allowed(k, v)}
    if before is not None:
        old, new = before.get("status"), after.get("status")
        if old is not None and new is not None and old != new:
            data["from"], data["to"] = old, new
        if "changed" not in data:
            changed = sorted(
                k
                for k in set(before) | set(after)
                if k not in NOT_CHANGES and k in before and k in after and before[k] != after[k]
            )
            if changed:
                data["changed"] = changed
    return data
