"""The SSRF guard: deliveries go only to public addresses, checked after DNS resolution.

The transport connects to the very address checked here (``PinnedTransport``), so a hostname
cannot resolve to a public address for the check and a private one for the connection.
``UNIHOOK_ALLOW_INSECURE_DESTINATIONS=1`` turns the guard off (and allows ``http://``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(OSError):
    """A destination the guard will not connect to; the message says why."""


def refused_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public unicast address, or None if it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            reason = refused_reason(mapped)
            return f"{reason} (embedded in {address})" if reason else None
        if address.teredo is not None:
            return "a Teredo tunnel address"
        if address.is_site_local:  # fec0::/10: deprecated, but still routed inside some networks
            return "a site-local address"
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "not a globally routable address"
    return None


def check_address(text: str) -> str:
    """``text`` (an IP address) if it may be connected to; raises ``DestinationRefused``."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    reason = refused_reason(address)
    if reason is not None:
        raise DestinationRefused(f"destination refused: {address} is {reason}")
    return text


def scheme_error(url: str, allow_insecure: bool) -> str | None:
    """Why ``url`` may not be delivered to at all (before any DNS), or None."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "http" and allow_insecure):
        return None
    if scheme == "http":
        return "destination refused: http:// needs UNIHOOK_ALLOW_INSECURE_DESTINATIONS=1"
    return f"destination refused: unsupported scheme {scheme!r}"


async def resolve_public(host: str, port: int) -> str:
    """The first address of ``host`` when every address it resolves to is public.

    Refusing when any address is private (not only the first) keeps a round-robin record from
    smuggling one in on a later connection.
    """
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return check_address(str(literal))
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DestinationRefused(f"cannot resolve {host}: {exc.strerror or exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise DestinationRefused(f"cannot resolve {host}: no addresses")
    for address in addresses:
        check_address(address)
    return addresses[0]
