"""Standard Webhooks signing, URL rules, event-type filters and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import timedelta

import pytest

from app.domain.webhooks import (
    MAX_ATTEMPTS,
    generate_secret,
    next_wait,
    secret_key,
    sign,
    url_problem,
    verify,
    wants,
)
from app.logging import configure_logging

# The test vector published with the Standard Webhooks reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def reference_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Written straight from the spec, independently of the app's code."""
    key = base64.b64decode(secret[len("whsec_") :])
    content = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def test_the_published_vector() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    assert reference_signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == (
        VECTOR_SIGNATURE
    )


def test_generated_secrets_sign_as_the_reference_does() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_") and len(secret_key(secret)) == 32
    assert generate_secret() != secret
    body = '{"id":"x","type":"person.created","data":{"given_name":"Zoë"}}'.encode()
    signature = sign(secret, "evt_1", 1_700_000_000, body)
    assert signature == reference_signature(secret, "evt_1", 1_700_000_000, body)
    assert verify(secret, "evt_1", 1_700_000_000, body, signature)
    assert verify(secret, "evt_1", 1_700_000_000, body, f"v1,bm90IGl0 {signature}")
    assert not verify(secret, "evt_1", 1_700_000_000, body + b" ", signature)
    assert not verify(secret, "evt_1", 1_700_000_001, body, signature)
    assert not verify(generate_secret(), "evt_1", 1_700_000_000, body, signature)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.org/placements",
        "https://hooks.example.org:8443/p?team=north",
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://[::1]:8080/hook",
    ],
)
def test_urls_allowed(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/placements",
        "ftp://hooks.example.org/",
        "https://",
        "not a url",
        "https://user:pw@hooks.example.org/",
        "https://hooks.example.org:99999/",
        "http://127.0.0.1.example.org/",
        "https://hooks.example.org/#frag",
    ],
)
def test_urls_refused(url: str) -> None:
    assert url_problem(url) is not None


def test_event_type_filters() -> None:
    assert wants([], "person.created")
    assert wants(["person."], "person.created")
    assert wants(["referral.", "person.created"], "person.created")
    assert not wants(["person.updated"], "person.created")
    assert not wants(["referral."], "referrals.x")
    assert not wants(["person"], "person.created")


def test_retry_schedule() -> None:
    waits = [next_wait(n) for n in range(1, MAX_ATTEMPTS)]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
    ]
    assert next_wait(MAX_ATTEMPTS) is None


def test_http_client_logs_never_carry_webhook_urls() -> None:
    configure_logging("debug")
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
    configure_logging("info")
