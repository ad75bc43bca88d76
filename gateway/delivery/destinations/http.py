"""``http``: a signed POST to the subscription's URL (the default destination)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from gateway.delivery.destinations.base import DestinationKind, InvalidDestination, Message, Sent
from gateway.delivery.retry import disables_at_once, is_success
from gateway.delivery.ssrf import DestinationRefused, resolve_public, scheme_error
from gateway.delivery.transport import PinnedTransport, Reply

log = logging.getLogger("unihook.delivery")

SNIPPET_BYTES = 1024
MAX_KEPT_HEADERS = 40
MAX_HEADER_VALUE = 512


class HTTPSender:
    """Posts through one pinned keep-alive transport (the SSRF guard checks each connection)."""

    def __init__(
        self,
        *,
        allow_insecure: bool,
        max_idle_per_origin: int = 8,
        max_idle_total: int = 1024,
    ) -> None:
        self.allow_insecure = allow_insecure
        self.transport = PinnedTransport(
            resolve=None if allow_insecure else resolve_public,
            max_idle_per_origin=max_idle_per_origin,
            max_idle_total=max_idle_total,
            max_body=64 * 1024,
        )

    async def send(self, config: Any, message: Message, *, within: float) -> Sent:
        url: httpx.URL = config
        if problem := scheme_error(str(url), self.allow_insecure):
            return Sent(error=problem)
        try:
            # UNIHOOK_DELIVERY_TIMEOUT bounds the whole attempt: connect, send and read.
            reply = await self.transport.post(url, message.headers, message.body, timeout=within)
        except Exception as exc:  # recorded as a failed attempt, never a lost send task
            return Sent(error=_failure(exc, message, within))
        return Sent(
            status=reply.status,
            snippet=reply.content[:SNIPPET_BYTES].decode("utf-8", "replace") or None,
            error=_status_error(reply),
            retry_after=reply.header("retry-after"),
            response_headers=capped_headers(reply.headers),
        )

    async def aclose(self) -> None:
        await self.transport.aclose()


def _parse(raw: Mapping[str, Any], allow_insecure: bool) -> str:
    """Only the shape: the URL itself is checked as a top-level ``url`` is (the service's)."""
    extra = set(raw) - {"type", "url"}
    if extra:
        raise InvalidDestination(f"unknown field(s) for an http destination: {sorted(extra)}")
    url = raw.get("url")
    if not isinstance(url, str):
        raise InvalidDestination("an http destination needs a url")
    return url


def _load(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except httpx.InvalidURL:
        return httpx.URL("https://invalid.invalid/")


kind = DestinationKind(
    name="http",
    extra=None,
    module=None,
    parse=_parse,
    encode=str,
    decode=_load,
    public=lambda url: {"type": "http", "url": str(url)},
    display_url=str,
    sender=lambda allow_insecure, per_destination, total: HTTPSender(
        allow_insecure=allow_insecure, max_idle_per_origin=per_destination, max_idle_total=total
    ),
)


def capped_headers(raw: list[tuple[bytes, bytes]]) -> list[list[str]]:
    """An answer's headers as stored with the attempt: the first ``MAX_KEPT_HEADERS``, each
    value cut at ``MAX_HEADER_VALUE`` characters (a destination decides their size, not us)."""
    return [
        [name.decode("latin-1")[:MAX_HEADER_VALUE], value.decode("latin-1")[:MAX_HEADER_VALUE]]
        for name, value in raw[:MAX_KEPT_HEADERS]
    ]


def _failure(exc: Exception, message: Message, within: float) -> str:
    """Why a send got no answer, as recorded with the attempt."""
    if isinstance(exc, TimeoutError):
        return f"timeout: no response within {within:g} s"
    if isinstance(exc, DestinationRefused):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout: {exc}"
    if isinstance(exc, httpx.HTTPError):
        text = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.ConnectError):
            return f"connection failed: {text}"
        return f"{type(exc).__name__}: {text}"
    if isinstance(exc, OSError):
        return f"connection failed: {exc}"
    log.error("delivery %s: unexpected error in the send", message.delivery_id, exc_info=exc)
    return f"unexpected error: {type(exc).__name__}: {exc}"


def _status_error(reply: Reply) -> str | None:
    status = reply.status
    if is_success(status):
        return None
    if 300 <= status < 400:
        location = reply.header("location") or ""
        return f"HTTP {status}: redirect to {location or '(no Location)'} not followed"
    if disables_at_once(status):
        return "HTTP 410 Gone: subscription disabled"
    retry_after = reply.header("retry-after")
    if status in (429, 503) and retry_after:
        return f"HTTP {status} (Retry-After: {retry_after})"
    return f"HTTP {status}"
