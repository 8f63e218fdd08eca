"""Webhook targets (SSRF): a URL's host is resolved, and every address it names must be
globally routable, when a webhook is created or changed and before each delivery; the
delivery then connects to the address checked (no DNS rebinding between check and use).

`PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE=true` lets development point webhooks at this machine
or a private network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.domain.webhooks import (
    IPAddress,
    address_allowed,
    host_is_local_name,
    literal_address,
)
from app.problems import WebhookUrlNotAllowed


class TargetRefused(Exception):
    """The target cannot be delivered to; the message is safe to show an admin."""


async def getaddrinfo(host: str, port: int) -> list[Any]:
    """The event loop's resolver (tests replace this function: no lookups leave the box)."""
    loop = asyncio.get_running_loop()
    return await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)


@dataclass(frozen=True)
class Target:
    """A checked target: the URL as given, and the address to connect to."""

    url: str
    host: str
    port: int
    address: IPAddress


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


async def check_target(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host; refuse it (TargetRefused) unless every address it names
    may be delivered to. The first address is the one to connect to."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or _default_port(parts.scheme)
    if not host:
        raise TargetRefused("the URL has no host")
    try:
        literal = literal_address(host)
    except ValueError as error:
        raise TargetRefused(f"the host {error}") from None
    if literal is None and host_is_local_name(host) and not allow_private:
        raise TargetRefused("the host names this machine")
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            infos = await getaddrinfo(host, port)
        except (OSError, UnicodeError):
            raise TargetRefused("the host does not resolve") from None
        addresses = []
        for info in infos:
            try:
                address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            except ValueError:
                raise TargetRefused("the host resolves to an unusable address") from None
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise TargetRefused("the host does not resolve")
    for address in addresses:
        if not address_allowed(address, allow_private=allow_private):
            raise TargetRefused("the host is not a public internet address")
    return Target(url=url, host=host, port=port, address=addresses[0])


async def require_allowed(url: str, *, allow_private: bool, field: str = "url") -> None:
    """For create and PATCH: 422 webhook_url_not_allowed, naming the field."""
    try:
        await check_target(url, allow_private=allow_private)
    except TargetRefused as refused:
        raise WebhookUrlNotAllowed(
            f"Webhooks are delivered only to public internet addresses: {refused}.",
            errors=[{"loc": ["body", field], "msg": str(refused)}],
        ) from None


def pinned(target: Target) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL with its host replaced by the checked address, the Host header, and the
    request extensions that keep TLS server name (SNI and certificate check) the host's."""
    parts = urlsplit(target.url)
    address = str(target.address)
    if target.address.version == 6:
        address = f"[{address}]"
    netloc = address if parts.port is None else f"{address}:{parts.port}"
    url = parts._replace(netloc=netloc).geturl()
    host_header = target.host if parts.port is None else f"{target.host}:{parts.port}"
    if ":" in target.host:  # an IPv6 literal host
        host_header = f"[{target.host}]" + ("" if parts.port is None else f":{parts.port}")
    extensions: dict[str, Any] = {}
    if parts.scheme == "https":
        extensions["sni_hostname"] = target.host
    return url, {"host": host_header}, extensions
