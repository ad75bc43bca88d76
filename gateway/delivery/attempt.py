"""One attempt: refuse a disallowed destination, sign, send, and say what happened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from gateway.core.clock import unexpired
from gateway.delivery.cloudevents import cloudevent_headers
from gateway.delivery.queue import Due, Target
from gateway.delivery.retry import disables_at_once, is_success
from gateway.delivery.signing import InvalidSecret, secret_key, webhook_headers
from gateway.delivery.ssrf import DestinationRefused, scheme_error
from gateway.delivery.transport import PinnedTransport, Reply
from schemas.redaction import Redactor

log = logging.getLogger("unihook.delivery")

SNIPPET_BYTES = 1024
MAX_KEPT_HEADERS = 40
MAX_HEADER_VALUE = 512
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt saw: the answer (or why there was none) and when."""

    started: datetime
    finished: datetime
    status: int | None = None
    snippet: str | None = None  # the start of the answer's body
    error: str | None = None
    retry_after: str | None = None  # the answer's ``Retry-After``, as sent
    request_headers: list[list[str]] | None = None  # what was sent, besides host and length
    response_headers: list[list[str]] | None = None  # the answer's, capped (``kept_headers``)

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started).total_seconds() * 1000


@dataclass
class Prepared:
    """A subscription ready to send to: its target, parsed URL, signing keys and redactor."""

    target: Target
    url: httpx.URL
    keys: list[tuple[bytes, datetime | None]] = field(default_factory=list)
    redactor: Redactor | None = None

    def body(self, stored: bytes | None) -> bytes | None:
        """What this subscription receives of an event's stored body."""
        if stored is None or self.redactor is None:
            return stored
        return self.redactor.apply(stored)

    def live_keys(self, now: datetime) -> list[bytes]:
        return unexpired(self.keys, now)


def prepare_target(target: Target) -> Prepared:
    keys: list[tuple[bytes, datetime | None]] = []
    for secret, expires in target.secrets:
        try:
            keys.append((secret_key(secret), expires))
        except InvalidSecret:
            log.error("subscription %s has a malformed secret; skipped", target.id)
    try:
        url = httpx.URL(target.url)
    except httpx.InvalidURL:
        url = httpx.URL("https://invalid.invalid/")
    redactor = Redactor(target.redact) if target.redact else None
    return Prepared(target=target, url=url, keys=keys, redactor=redactor)


async def attempt(
    transport: PinnedTransport,
    candidate: Due,
    prepared: Prepared | None,
    body: bytes | None,
    *,
    now: Clock,
    within: float,
    allow_insecure: bool,
) -> AttemptResult:
    """Send ``body`` to the subscription, signed, allowing ``within`` seconds for the answer;
    never raises (a failure is an ``error``)."""
    started = now()
    if prepared is None or body is None:
        return AttemptResult(started, now(), error="subscription or event no longer exists")
    if problem := scheme_error(prepared.target.url, allow_insecure):
        return AttemptResult(started, now(), error=problem)
    headers = webhook_headers(
        prepared.live_keys(started), candidate.event_id, int(started.timestamp()), body
    )
    if prepared.target.cloudevents:
        headers.update(cloudevent_headers(body))
    sent = [[name, value] for name, value in headers.items()]
    try:
        # UNIHOOK_DELIVERY_TIMEOUT bounds the whole attempt: connect, send and read.
        reply = await transport.post(prepared.url, headers, body, timeout=within)
    except Exception as exc:  # recorded as a failed attempt, never a lost send task
        return AttemptResult(
            started, now(), error=_failure(exc, candidate, within), request_headers=sent
        )
    return AttemptResult(
        started,
        now(),
        status=reply.status,
        snippet=reply.content[:SNIPPET_BYTES].decode("utf-8", "replace") or None,
        error=_status_error(reply),
        retry_after=reply.header("retry-after"),
        request_headers=sent,
        response_headers=kept_headers(reply.headers),
    )


def kept_headers(raw: list[tuple[bytes, bytes]]) -> list[list[str]]:
    """An answer's headers as stored with the attempt: the first ``MAX_KEPT_HEADERS``, each
    value cut at ``MAX_HEADER_VALUE`` characters (a destination decides their size, not us)."""
    return [
        [name.decode("latin-1")[:MAX_HEADER_VALUE], value.decode("latin-1")[:MAX_HEADER_VALUE]]
        for name, value in raw[:MAX_KEPT_HEADERS]
    ]


def _failure(exc: Exception, candidate: Due, within: float) -> str:
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
    log.error("delivery %s: unexpected error in the send", candidate.id, exc_info=exc)
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
