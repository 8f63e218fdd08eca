"""docs/integrating.md is produced by this test: the integrator's guide, with an initial
load by batch upsert, a mirror of the change feed started from its head, and retries with
`Idempotency-Key`, each shown by the requests this test makes against a fresh app with a
fixed clock, and the event catalogue rendered from app/event_catalogue.py.

The committed file must equal what the test produces, so it cannot go stale. After a
deliberate change, regenerate it with:

    UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_integrating_doc.py
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.event_catalogue import CATALOGUE, meaning
from tests.conftest import Backend, make_backend
from tests.docgen import Person, Recorder, SetNow, check_doc, token_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrating.md"
TEAM = "children-east"
START = "2026-03-02T09:00:00+00:00"

WHO = {
    "SYNC": "the case-management system's sync job (role `integration`)",
    "SW": "Jo, a social worker in `children-east`",
}
PEOPLE: dict[str, Person] = {
    "SYNC": ("mosaic-sync", ["integration"], []),
    "SW": ("jo.sw", ["practitioner"], [TEAM]),
}

INTRO = """
# Integrating with the placements API

For integrators syncing a case-management system (e.g. Mosaic) and for teams building
front ends: how to load records in, how to keep a mirror of what changes, how to retry
safely, and every event the feed carries.

**This file is generated** by `tests/api/test_integrating_doc.py`: it runs the calls below
against a fresh database with a fixed clock (on SQLite and on PostgreSQL) and fails if this
file differs from what they answer; the event catalogue at the end is rendered from
`app/event_catalogue.py`. Regenerate it after a deliberate change with
`UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_integrating_doc.py`. Ids are replaced by
names like `<person-kai>`; everything else is exactly what the API answered.

## Tokens

Your identity provider issues RS256/ES256 tokens; the API fetches its keys from
`PLACEMENTS_JWKS_URL`. A token carries `sub`, `name`, `roles` (DOMAIN.md's role names),
`teams`, `iss`, `aud`, `exp`. A machine client syncing another system uses the
`integration` role: it reads everything and upserts by external id. The callers below
(tokens from `placements token`):

{TOKENS}
"""

LOAD = """
## 1. The initial load: batch upsert by external id

`POST /v1/people/external/{system}` takes `{"items": [...]}`, at most 500 people, each the
whole person (`given_name`, `family_name`, `date_of_birth`, `cohort`, `team`, optional
`preferred_name`, `gender`, `ethnicity`, `nhs_number`, ...) with its `external_id` in that
system. It answers 200 with one result per item, in input order: `status` `created`,
`updated`, `unchanged` or `invalid`, the person's `id`, and for an invalid item the
`problem` (an RFC 9457 problem, as a request of its own would get). One bad item never
stops the others: fix it and send it again. Only the `integration` and `admin` roles may.
"""

RELOAD = """
Running the load again is safe: an item whose fields are the same is `unchanged` (no new
version, no audit entry, no event); a changed one is `updated`.
"""

ONE_BY_ONE = """
One record at a time: `PUT /v1/people/external/{system}/{external_id}` with the whole
person (201 with `Location` when it creates, 200 when it updates or nothing changed), and
likewise `PUT /v1/providers/external/{system}/{external_id}` with the whole provider and
`PUT /v1/referrals/external/{system}/{external_id}` with the referral as
`POST /v1/referrals` takes it. The same PUT again changes nothing (no new version, no
event), and two first PUTs of one id at once make one record. A referral upsert creates a
draft; once the referral is past draft (R1) only the fields PATCH allows (`needs`,
`requested_start`) may differ: any other differing field is 409 `referral_not_draft`
(rule `R1`), a closed or withdrawn referral changes no more (409 `invalid_transition`),
and its person never changes (a different `person_id` is 422).

Providers, referrals and placements carry `external_ids` (`{"mosaic": "..."}`) as a person
does: in every answer, in the create body (`POST /v1/providers`, `POST /v1/referrals`, the
placement's confirm) and in PATCH. An external id belongs to one record of its kind per
system (409 `external_id_taken` otherwise); ids are linked, never unlinked.
`?external_id=system:value` (e.g. `mosaic:M123`) filters `GET /v1/people`,
`/v1/providers`, `/v1/referrals` and `/v1/placements`, within the caller's scope. Only
`integration` and `admin` set external ids, on top of the role the operation itself needs
(docs/access.md): anyone else who sends `external_ids` gets 403, so nobody can probe
whether another team's Mosaic id exists.
"""

MIRROR = """
## 2. A mirror: start from the head, then follow the feed

`GET /v1/events/head` answers the feed's current end. Take it when your initial load is
done, and from then on page `GET /v1/events?after=<cursor>`: events in commit order, each
with `id` (the cursor to pass as `after` next), `type`, `occurred_at`, `subject {type, id}`,
`actor` and `data`. Keep the last `id` you processed and poll with it; an event that
commits late is never skipped. Team-scoped callers see only their teams' events.
"""

CHANGE = """
Then a social worker changes a person the load made:
"""

FEED = """
The change arrives after the head. `data` holds ids, `from`/`to` statuses and the names of
the fields that `changed`, never personal data (names, dates of birth, NHS numbers, notes,
needs, summaries, file names): read the record for the new values, which also audits who
read what (R19).
"""

FILTERS = """
Narrow the feed with `type` (a prefix: `person.` is every person event), `subject_type`
and `subject_id`; they combine, and `after` still pages:
"""

SUBJECT = """
Without `after` the feed starts at its beginning: one record's whole history. A full page
carries `next_cursor` and a `Link: <...>; rel="next"` header; follow it until
`next_cursor` is null:
"""

LISTS = """
Every list of records that change also takes `updated_since` (RFC 3339 with its offset;
records changed at or after it), for a mirror that re-reads lists instead of, or as well
as, following the feed. On `GET /v1/work` it also lists the items closed since then
(`closed_at` set), so a mirror learns of closings; a duty tracker item changes with its
referral, follow-ups, placement, funding request and documents. Lists of records that
never change (the feed, the audit trail, casework contacts, case notes, legal statuses)
take none.
"""

RETRIES = """
## 3. Retries: Idempotency-Key

Send `Idempotency-Key: <a new uuid per operation>` on every POST you may retry (a timeout,
a dropped connection). The first request runs:
"""

REPLAY = """
The retry with the same key and body does not run again: it answers the stored response,
with `Idempotent-Replayed: true` (here the same person, not a second one):
"""

REUSED = """
The same key with a different body is refused, 422 `idempotency_key_reused`: a key names
one operation. A retry while the first request is still running is 409
`idempotency_key_in_use` with `Retry-After` (never once a response was sent); a process
killed mid-request never leaves its key blocked: the retry runs the request. A 429 is
never kept as a key's answer: retry with the same key.
"""

REST = """
## Writing safely

Read a record's `ETag` and send it as `If-Match` on PATCH and actions; 412
`precondition_failed` means someone changed it first: read it again.

## Errors

- Every error is an RFC 9457 problem, `application/problem+json`: `type`, `title`,
  `status`, `detail`, a stable `code`, `rule` (the DOMAIN.md rule, e.g. `R9`, where the
  code is a broken rule), `request_id` (as the `X-Request-ID` header: quote it when you
  report a problem) and, for invalid input, `errors` (`[{loc, msg}]`). Switch on `code`,
  never on `detail` text.
- The contract (`openapi/openapi.json`) declares, for every operation and status, the
  codes it can give, as an enum on the schema of that response (e.g.
  `ConflictOrIdempotencyKeyInUseOrInvalidTransitionProblem` for a referral's submit, one
  schema per set of codes, or `ConfirmPlacementConflict` for a set only one operation
  gives): a generated client gets a typed problem whose `code` it can read. Any other
  member of a problem (such as `missing`) is extra detail.
- `make clients` generates a Python client and TypeScript types from the contract;
  `tests/process/test_generated_client.py` and `clients/typescript/usage.ts` show them in
  use. Enums (`Cohort`, `ReferralStatus`, ...) are named schemas, each declared once.
- 400 `malformed_body`: the body is not JSON (or not UTF-8). Valid JSON of the wrong
  shape is 422 `validation_error`.
- 429 `rate_limited`: over `PLACEMENTS_RATE_LIMIT_PER_MINUTE` requests a minute for your
  token. Wait `Retry-After` seconds; `RateLimit-Remaining` and `RateLimit-Reset` on every
  response let you pace yourself before that.
- 409 `idempotency_key_in_use` and 503 `service_unavailable` also carry `Retry-After`;
  500 `internal_error` is a fault of ours: send us its `request_id`.

## Lists

Every list is `{"items": [...], "next_cursor": ...}` with `Link: <...>; rel="next"`.
Follow `next_cursor` until it is null; pages stay stable while rows are added.

## Webhooks

The same events can be pushed to you: docs/webhooks.md.
"""


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A JSON Schema as a short type for the catalogue's tables."""
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        if "properties" not in target:  # a named enum (Cohort, ReferralStatus, ...)
            return _type(target, defs)
        return "object {" + ", ".join(f"`{k}`" for k in target["properties"]) + "}"
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = len(kinds) < len(schema["anyOf"])
        return " or ".join(_type(s, defs) for s in kinds) + (" or null" if nullable else "")
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if schema.get("type") == "array":
        return "list of " + _type(schema["items"], defs)
    return str(schema.get("format") or schema["type"])


def catalogue() -> str:
    """Every event type: its subject, what it means and its `data` fields."""
    out = [
        "## The event catalogue",
        "",
        f"{len(CATALOGUE)} event types. Every key a type lists is always in its `data` "
        "(null when it does not apply), and no other key is. The same schemas are in the "
        "contract's `webhooks` section (`openapi/openapi.json`).",
        "",
    ]
    for name, entry in CATALOGUE.items():
        schema = entry.data.model_json_schema(mode="serialization")
        defs = schema.get("$defs", {})
        out += [
            f"### `{name}`",
            "",
            f"{entry.summary} Subject: `{entry.subject}`.",
            "",
            "| `data` field | type | meaning |",
            "|---|---|---|",
        ]
        for key, prop in schema["properties"].items():
            text = meaning(entry.subject, key, prop.get("description")).replace("|", "\\|")
            out.append(f"| `{key}` | {_type(prop, defs)} | {text} |")
        out.append("")
    return "\n".join(out)


def person(external_id: str, given: str, family: str, born: str, **more: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "cohort": "child",
        "team": TEAM,
        **more,
    }


def catalogue_order(body: Any) -> Any:
    """Events' `data` keys in the order their type declares them: PostgreSQL's jsonb
    answers them in an order of its own, SQLite in the order they were written."""
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        for event in body["items"]:
            if isinstance(event, dict) and event.get("type") in CATALOGUE:
                keys = CATALOGUE[event["type"]].data.model_json_schema(mode="serialization")
                order = list(keys["properties"])
                event["data"] = {k: event["data"][k] for k in order if k in event["data"]}
    return body


async def run_flow(http: httpx.AsyncClient, set_now: SetNow) -> str:
    doc = Recorder(http, PEOPLE, shown=catalogue_order)
    doc.say(INTRO.replace("{TOKENS}", token_table(PEOPLE, WHO)))

    # 1. the initial load
    set_now(START)
    doc.say(LOAD)
    kai = person("M1001", "Kai", "Lee", "2014-05-09")
    rae = person("M1002", "Rae", "Okafor", "2016-11-23")
    bad = {"external_id": "M1003", "given_name": "Ola", "cohort": "child", "team": TEAM}
    loaded = await doc.call(
        "SYNC",
        "POST",
        "/v1/people/external/mosaic",
        json_body={"items": [kai, rae, bad]},
        expect=200,
    )
    results = loaded.json()["items"]
    assert [r["status"] for r in results] == ["created", "created", "invalid"]
    kai_id, rae_id = results[0]["id"], results[1]["id"]
    doc.name(kai_id, "person-kai")
    doc.name(rae_id, "person-rae")
    doc.say(RELOAD)
    set_now("2026-03-02T09:30:00+00:00")
    reloaded = await doc.call(
        "SYNC",
        "POST",
        "/v1/people/external/mosaic",
        json_body={"items": [kai, {**rae, "preferred_name": "Ray"}]},
        expect=200,
    )
    assert [r["status"] for r in reloaded.json()["items"]] == ["unchanged", "updated"]
    assert [r["id"] for r in reloaded.json()["items"]] == [kai_id, rae_id]
    doc.say(ONE_BY_ONE)

    # 2. the mirror
    set_now("2026-03-02T10:00:00+00:00")
    doc.say(MIRROR)
    head = await doc.call("SYNC", "GET", "/v1/events/head", expect=200)
    cursor = head.json()["cursor"]
    doc.say(CHANGE)
    set_now("2026-03-02T10:05:00+00:00")
    await doc.call(
        "SW", "PATCH", f"/v1/people/{kai_id}", json_body={"preferred_name": "KJ"}, expect=200
    )
    doc.say(FEED)
    after = await doc.call(
        "SYNC", "GET", "/v1/events", params={"after": cursor, "limit": "50"}, expect=200
    )
    events = after.json()["items"]
    assert [(e["type"], e["subject"]["id"]) for e in events] == [("person.updated", kai_id)]
    assert events[0]["data"]["changed"] == ["preferred_name"]
    assert "KJ" not in after.text
    doc.say(FILTERS)
    filtered = await doc.call(
        "SYNC",
        "GET",
        "/v1/events",
        params={"after": cursor, "type": "person.", "subject_type": "person"},
        expect=200,
    )
    assert [e["id"] for e in filtered.json()["items"]] == [events[0]["id"]]
    none = await doc.call(
        "SYNC",
        "GET",
        "/v1/events",
        params={"after": cursor, "subject_id": rae_id},
        expect=200,
    )
    assert none.json() == {"items": [], "next_cursor": None}
    doc.say(SUBJECT)
    history = await doc.call(
        "SYNC",
        "GET",
        "/v1/events",
        params={"subject_id": kai_id, "limit": "1"},
        show_headers=("Link",),
        expect=200,
    )
    assert [e["type"] for e in history.json()["items"]] == ["person.created"]
    rest = await doc.call(
        "SYNC",
        "GET",
        "/v1/events",
        params={"subject_id": kai_id, "after": str(history.json()["next_cursor"])},
        expect=200,
    )
    assert [e["type"] for e in rest.json()["items"]] == ["person.updated"]
    doc.say(LISTS)
    changed = await doc.call(
        "SYNC",
        "GET",
        "/v1/people",
        params={"team": TEAM, "updated_since": "2026-03-02T10:00:00Z"},
        expect=200,
    )
    assert [p["id"] for p in changed.json()["items"]] == [kai_id]

    # 3. retries
    set_now("2026-03-02T11:00:00+00:00")
    doc.say(RETRIES)
    key = {"Idempotency-Key": "5b0e8f0c-2a41-4d52-9a0e-7f3c1d2e4b6a"}
    doc.name(key["Idempotency-Key"], "a-new-uuid")
    body = {k: v for k, v in person("", "Sam", "Reid", "2015-02-14").items() if k != "external_id"}
    first = await doc.call(
        "SW",
        "POST",
        "/v1/people",
        json_body=body,
        headers=key,
        show_headers=("Idempotent-Replayed",),
        expect=201,
    )
    doc.name(first.json()["id"], "person-sam")
    doc.say(REPLAY)
    set_now("2026-03-02T11:00:05+00:00")
    replay = await doc.call(
        "SW",
        "POST",
        "/v1/people",
        json_body=body,
        headers=key,
        show_headers=("Idempotent-Replayed",),
        expect=201,
    )
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    doc.say(REUSED)
    reused = await doc.call(
        "SW",
        "POST",
        "/v1/people",
        json_body={**body, "given_name": "Samuel"},
        headers=key,
        expect=422,
    )
    assert reused.json()["code"] == "idempotency_key_reused"

    doc.say(REST)
    doc.say(catalogue())
    return doc.render()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty, migrated database of its own: a new SQLite file or PostgreSQL schema."""
    yield from make_backend(request.param, tmp_path)


async def test_integrating_doc_is_what_the_api_does(
    tmp_path: Path, fresh_database: Backend
) -> None:
    await check_doc(
        DOC, run_flow, tmp_path, START, database=(fresh_database.url, fresh_database.schema)
    )


def test_every_event_field_has_a_meaning() -> None:
    """The catalogue section names every type and gives every `data` key a meaning."""
    text = catalogue()
    for name, entry in CATALOGUE.items():
        assert f"### `{name}`" in text
        for key in entry.data.model_json_schema(mode="serialization")["properties"]:
            assert f"| `{key}` |" in text, (name, key)
