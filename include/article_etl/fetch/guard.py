"""Which addresses a fetch may connect to: public ones, and the networks the sources file allows.

A crawler that runs inside a company network fetches whatever URLs its feeds list. Without this
guard a feed (or a redirect, a sitemap child, robots.txt) pointing at ``http://10.1.2.3/admin``,
``http://169.254.169.254/`` (the cloud metadata service) or ``http://127.0.0.1:8080/`` would be
fetched and its answer stored: a way into the network. So a connection is refused when its
address is loopback, private, link-local, site-local, multicast, unspecified, shared
(100.64.0.0/10, carrier-grade NAT, which overlay networks such as Tailscale use inside companies
too), reserved or otherwise not globally routable, unless it lies in one of
``fetch.allow_private_networks``.

IPv6 addresses that carry an IPv4 address are judged by that IPv4 address: IPv4-mapped
(``::ffff:10.0.0.1``, what a dual-stack socket reports), NAT64 (``64:ff9b::/96``) and 6to4
(``2002::/16``). So ``::ffff:127.0.0.1`` is loopback, and ``64:ff9b::808:808`` is 8.8.8.8.

This module only classifies; :mod:`article_etl.fetch.client` applies it to the address a socket
actually connected to (``getpeername``), after the connect and before any byte is sent, so a DNS
answer that changes between a check and the connect (DNS rebinding) cannot slip past.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from article_etl.config import ConfigError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def parse_address(address: str) -> IPAddress:
    """An address as ``getpeername`` gives it (an IPv6 zone such as ``%eth0`` is dropped)."""
    return ipaddress.ip_address(address.split("%", 1)[0])


def unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), else ``ip`` itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def classify(address: str | IPAddress) -> str | None:
    """Why a fetch must not connect to ``address`` ("loopback", "private", ...), or None when
    the address is public. Raises ValueError for something that is not an IP address."""
    ip = unwrap(parse_address(address) if isinstance(address, str) else address)
    if ip.is_unspecified:
        return "unspecified"  # 0.0.0.0 and :: reach the local host on Linux
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip in _SHARED:
        return "shared (carrier-grade NAT)"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "reserved"  # documentation, benchmarking and other special-purpose ranges
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """The networks a fetch may reach although they are not public."""

    allowed: tuple[IPNetwork, ...] = ()

    def refusal(self, address: str) -> str | None:
        """Why a connection to ``address`` is refused, or None when it may go ahead."""
        ip = parse_address(address)
        reason = classify(ip)
        if reason is None:
            return None
        plain = unwrap(ip)
        if any(ip in net or plain in net for net in self.allowed):
            return None
        return reason


@functools.lru_cache(maxsize=32)
def _policy(networks: tuple[str, ...]) -> AddressPolicy:
    allowed: list[IPNetwork] = []
    for value in networks:
        try:
            # Host bits are forgiven: 127.0.0.1/8 means 127.0.0.0/8, a bare address its /32 or /128.
            allowed.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f"fetch.allow_private_networks: {value!r} is not a network; "
                "write CIDRs such as 127.0.0.1/32 or fd00::/8 in the sources file"
            ) from None
    return AddressPolicy(tuple(allowed))


def policy_for(networks: Sequence[str]) -> AddressPolicy:
    """The policy for ``fetch.allow_private_networks`` (parsed once per distinct list).

    Raises ConfigError, naming the entry, for anything that is not a network.
    """
    return _policy(tuple(networks))
