"""What the broker destinations share: their URLs checked on creation (no I/O), and the SSRF
guard applied to the address a broker client is about to connect to."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from gateway.delivery.destinations.base import InvalidDestination
from gateway.delivery.ssrf import DestinationRefused, refused_reason, resolve_public

MAX_URL = 2048
MAX_NAME = 255
LOCAL_NAMES = ("localhost", "localhost.", "localhost.localdomain")


def text_field(raw: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    """A string field of 1 to 255 printable characters (a broker name, key or region)."""
    value = raw.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidDestination(f"{name} must be a non-empty string")
    if len(value) > MAX_NAME or not value.isprintable():
        raise InvalidDestination(f"{name} must be at most {MAX_NAME} printable characters")
    return value


def only_fields(raw: Mapping[str, Any], kind: str, allowed: Collection[str]) -> None:
    extra = sorted(set(raw) - set(allowed) - {"type"})
    if extra:
        raise InvalidDestination(
            f"unknown field(s) for a {kind} destination: {', '.join(map(str, extra))}"
        )


def broker_url(
    value: Any,
    *,
    field: str,
    plain: str,
    tls: str,
    allow_insecure: bool,
) -> SplitResult:
    """A broker URL with scheme ``tls`` (or ``plain``, which sends credentials in the clear:
    only with ``UNIHOOK_ALLOW_INSECURE_DESTINATIONS=1``) and a host that is not refused."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise InvalidDestination(f"{field} must be a {tls}:// URL")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise InvalidDestination(f"{field} must be a {tls}:// URL")
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        raise InvalidDestination(f"{field} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in {plain, tls} or not parts.hostname:
        raise InvalidDestination(f"{field} must be a {tls}:// URL")
    if parts.query or parts.fragment:
        raise InvalidDestination(f"{field} must have no query or fragment")
    if scheme == plain and not allow_insecure:
        raise InvalidDestination(
            f"{field} must use {tls}:// ({plain}:// needs UNIHOOK_ALLOW_INSECURE_DESTINATIONS=1)"
        )
    check_host(parts.hostname, field=field, allow_insecure=allow_insecure)
    return parts


def check_host(host: str, *, field: str, allow_insecure: bool) -> None:
    """Refuse, on creation, hosts that can only be local (the send checks what names resolve
    to)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        address = None
    if address is None:
        try:
            encoded = host.rstrip(".").encode("idna")
        except UnicodeError:
            raise InvalidDestination(f"{field} has an invalid host") from None
        if not 0 < len(encoded) <= 253:
            raise InvalidDestination(f"{field} has an invalid host")
    if allow_insecure:
        return
    reason = (
        refused_reason(address)
        if address is not None
        else ("a loopback name" if host.lower() in LOCAL_NAMES else None)
    )
    if reason is not None:
        raise InvalidDestination(
            f"{field} refused: {host} is {reason} "
            "(allowed only with UNIHOOK_ALLOW_INSECURE_DESTINATIONS=1)"
        )


async def checked_address(host: str, port: int, allow_insecure: bool) -> str:
    """The address to connect to for ``host``: itself when insecure destinations are allowed,
    else its first address once every address it resolves to is public (``DestinationRefused``
    otherwise)."""
    if allow_insecure:
        return host
    return await resolve_public(host, port)


def pinned(parts: SplitResult, address: str, default_port: int) -> str:
    """The URL with its host replaced by ``address`` (userinfo and port kept), so the client
    connects to the address the guard checked."""
    shown = f"[{address}]" if ":" in address else address
    userinfo = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{userinfo}{shown}:{parts.port or default_port}"))


__all__ = [
    "DestinationRefused",
    "broker_url",
    "check_host",
    "checked_address",
    "only_fields",
    "pinned",
    "text_field",
]
