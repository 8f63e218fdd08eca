"""The SSRF guard's pure part: which addresses a webhook may reach, and host forms."""

from __future__ import annotations

import ipaddress

import pytest

from app.domain.webhooks import address_allowed, host_is_local_name, literal_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.251", "239.1.1.1", "240.0.0.1", "255.255.255.255",
        "192.0.2.1", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:a00:1::",
        "2001:db8::1",
    ],
)  # fmt: skip
def test_non_global_addresses_are_refused(address: str) -> None:
    assert not address_allowed(ipaddress.ip_address(address))
    assert address_allowed(ipaddress.ip_address(address), allow_private=True)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["2852039166", "0x7f000001", "0177.0.0.1", "127.1", "1.2.3.0x4"])
def test_numeric_host_forms_other_than_plain_ip_are_refused(host: str) -> None:
    with pytest.raises(ValueError):
        literal_address(host)


def test_literal_and_named_hosts() -> None:
    assert literal_address("10.0.0.1") == ipaddress.ip_address("10.0.0.1")
    assert literal_address("[::1]") == ipaddress.ip_address("::1")
    assert literal_address("hooks.example.org") is None
    assert host_is_local_name("LOCALHOST.") and host_is_local_name("x.localhost")
    assert not host_is_local_name("localhost.example.org")
