"""Webhooks, the pure part: Standard Webhooks signing, target URLs, event-type filters
and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
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


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Hosts that name this machine whatever a resolver says.
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def literal_address(host: str) -> IPAddress | None:
    """The address a host names by itself (an IP literal), or None for a name to resolve.

    Numeric forms other than dotted-quad decimal and standard IPv6 (`2852039166`,
    `0x7f000001`, `0177.0.0.1`, `127.1`) are refused: resolvers and browsers read them
    as IPv4 addresses, and an allowlist that does not would be fooled."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.match(last):
        raise ValueError("uses a numeric host form other than a plain IP address")
    return None


def address_allowed(address: IPAddress, *, allow_private: bool = False) -> bool:
    """May a webhook delivery connect to this address? Only a globally routable unicast
    one (not loopback, private, link-local, CGNAT, multicast, reserved or unspecified; an
    IPv4-mapped or -translated IPv6 address is judged as its IPv4 address), unless private
    targets are allowed for development."""
    if allow_private:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address_allowed(address.ipv4_mapped)
        if address.sixtofour is not None and not address_allowed(address.sixtofour):
            return False
        if address in _NAT64:
            return address_allowed(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def host_is_local_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name in LOCAL_NAMES or name.endswith(".localhost")
