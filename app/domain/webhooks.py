"""Webhooks, the pure part: Standard Webhooks signing, target URLs, event-type filters
and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

SECRET_PREFIX = "whsec_"

# Waits after each failed attempt; once they are used up the delivery is `dead`.
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def generate_secret() -> str:
    """A new signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, msg_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """True when one of the space-separated `v1,...` signatures in `header` matches."""
    expected = sign(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split())


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook target, or None when it can: https, or plain http to
    this machine (127.0.0.1, ::1, localhost) for development."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "is not a valid URL"
    if not host:
        return "needs a host"
    if parts.username or parts.password:
        return "may not carry credentials"
    if parts.fragment:
        return "may not have a fragment"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _loopback(host):
        return None
    return "must use https (plain http only to 127.0.0.1 or localhost)"


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def wants(event_types: list[str], event_type: str) -> bool:
    """Does a subscription with these filters take this event? A filter ending in `.` is a
    prefix (`referral.`), any other an exact type; no filters means every event."""
    if not event_types:
        return True
    for wanted in event_types:
        if wanted.endswith(".") and event_type.startswith(wanted):
            return True
        if wanted == event_type:
            return True
    return False


def next_wait(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed tries, or None when it is time to give up."""
    if attempts < 1 or attempts > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[attempts - 1]
