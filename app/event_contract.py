"""The event catalogue in the contract (API.md revision 2): the OpenAPI 3.1 `webhooks`
section, one entry per event type with the Standard Webhooks headers the dispatcher signs
with (`app/services/webhook_dispatch.py`), and the change feed's `EventRead` as one of
the catalogue's events, told apart by `type`.

`build_openapi` (app/main.py) calls `add_events(doc)` once; everything is made from
`app.event_catalogue.CATALOGUE`, so a new type is in the contract when it is catalogued.
"""

from __future__ import annotations

from typing import Any

from app.event_catalogue import CATALOGUE, EventType

REF = "#/components/schemas/{model}"
FEED_SCHEMA = "EventRead"

SIGNATURE_HEADERS: list[dict[str, Any]] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The event's id (its feed cursor); the same on every retry: drop "
        "duplicates by it.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "When this attempt was signed, in Unix seconds: refuse a delivery "
        "more than 5 minutes from your clock.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "`v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw "
        "body}` with the webhook's secret (Standard Webhooks; space-separated if several). "
        "See docs/webhooks.md.",
        "schema": {"type": "string"},
    },
]


def data_schema_name(entry: EventType) -> str:
    return f"{entry.data.__name__}Data"


def event_schema_name(entry: EventType) -> str:
    return "".join(part.capitalize() for part in entry.name.replace(".", "_").split("_")) + (
        "Event"
    )


def _data_schemas(schemas: dict[str, Any]) -> None:
    """Each data model once (several types share one), and the models they nest."""
    for entry in CATALOGUE.values():
        name = data_schema_name(entry)
        if name in schemas:
            continue
        schema = entry.data.model_json_schema(ref_template=REF, mode="serialization")
        for nested, body in schema.pop("$defs", {}).items():
            schemas.setdefault(nested, body)
        schema["title"] = name
        schema["description"] = (
            f"The `data` of {_types_of(entry.data)}: ids, `from`/`to`, `changed`; "
            "never personal data (R19)."
        )
        schemas[name] = schema


def _types_of(model: type) -> str:
    names = [f"`{e.name}`" for e in CATALOGUE.values() if e.data is model]
    return ", ".join(names)


def _envelope(entry: EventType, *, with_actor: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {
            "type": "string",
            "description": "The event's id: the feed cursor (`GET /v1/events?after=<id>`).",
        },
        "type": {"type": "string", "const": entry.name},
        "occurred_at": {"type": "string", "format": "date-time"},
        "subject": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "const": entry.subject},
                "id": {"type": "string", "format": "uuid"},
            },
            "required": ["type", "id"],
        },
    }
    if with_actor:
        properties["actor"] = {"type": "string", "description": "Who acted (a token's sub)."}
    properties["data"] = {"$ref": REF.format(model=data_schema_name(entry))}
    return {
        "type": "object",
        "title": event_schema_name(entry),
        "description": entry.summary,
        "properties": properties,
        "required": list(properties),
    }


def _webhook(entry: EventType) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "on_" + entry.name.replace(".", "_"),
            "summary": entry.summary.removesuffix("."),
            "description": f"`{entry.name}`: {entry.summary} Subject: a `{entry.subject}`. "
            "The body is the "
            "change feed's event without `actor`, signed (docs/webhooks.md).",
            "tags": ["webhooks"],
            "security": [],
            "parameters": [
                {"$ref": f"#/components/parameters/{_parameter_name(h)}"} for h in SIGNATURE_HEADERS
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _envelope(entry, with_actor=False)}},
            },
            "responses": {
                "200": {
                    "description": "Any 2xx within 5 seconds acknowledges the delivery; "
                    "anything else (or no answer) is retried after 1 and 5 minutes, 30 "
                    "minutes, 2 and 6 hours."
                }
            },
        }
    }


def _parameter_name(header: dict[str, Any]) -> str:
    return "".join(part.capitalize() for part in str(header["name"]).split("-"))


def add_events(doc: dict[str, Any]) -> None:
    """The catalogue's schemas, the feed's `EventRead` as one of them, and `webhooks`."""
    components = doc.setdefault("components", {})
    parameters = components.setdefault("parameters", {})
    for header in SIGNATURE_HEADERS:
        parameters[_parameter_name(header)] = header
    schemas = components.setdefault("schemas", {})
    _data_schemas(schemas)
    mapping: dict[str, str] = {}
    for entry in CATALOGUE.values():
        name = event_schema_name(entry)
        schemas[name] = _envelope(entry, with_actor=True)
        mapping[entry.name] = REF.format(model=name)
    schemas[FEED_SCHEMA] = {
        "title": FEED_SCHEMA,
        "description": "A change-feed event: one of the catalogue's types (its `type` tells "
        "which), each with its own `data` schema.",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    doc["webhooks"] = {entry.name: _webhook(entry) for entry in CATALOGUE.values()}
    for hook in doc["webhooks"].values():
        media = hook["post"]["requestBody"]["content"]["application/json"]
        media["example"] = example_of(media["schema"], schemas)


# --- examples: one delivery of each type, made from its schema ------------------------------

EXAMPLE_ID = "0193a1c4-5e10-7a2b-9c3d-4e5f60718210"
EXAMPLE_STRINGS = {
    "id": "eyJrIjoxMDQyfQ",  # a feed cursor
    "action": "submit",
    "system": "mosaic",
    "external_id": "M123456",
    "actor": "olu.officer",
    "kind": "risk_assessment",
}


def example_of(schema: dict[str, Any], schemas: dict[str, Any], key: str = "") -> Any:
    """A value valid against `schema`: a webhook body's example (the tests validate each).
    `from` and `to` take two different values of their enum, as a change does."""
    if "$ref" in schema:
        return example_of(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, key)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        values = schema["enum"]
        return values[1] if key == "to" and len(values) > 1 else values[0]
    if "examples" in schema:
        return schema["examples"][0]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            members = [m for m in schema[union] if m.get("type") != "null"] or schema[union]
            return example_of(members[0], schemas, key)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example_of(prop, schemas, name) for name, prop in properties.items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), schemas, key)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    formats = {"uuid": EXAMPLE_ID, "date": "2026-03-02", "date-time": "2026-03-02T09:00:00Z"}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return EXAMPLE_STRINGS.get(key, key or "text")
