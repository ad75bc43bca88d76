"""One attempt: sign, hand the message to the subscription's destination, say what happened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from gateway.core.clock import unexpired
from gateway.delivery.cloudevents import cloudevent_headers
from gateway.delivery.destinations import HTTP, DestinationKind, Senders, kind_of
from gateway.delivery.destinations.base import Message
from gateway.delivery.queue import Due, Target
from gateway.delivery.signing import InvalidSecret, secret_key, webhook_headers
from schemas.redaction import Redactor

log = logging.getLogger("unihook.delivery")

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
    response_headers: list[list[str]] | None = None  # the answer's, capped (``capped_headers``)

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started).total_seconds() * 1000


@dataclass
class Prepared:
    """A subscription ready to send to: its target, destination, signing keys and redactor."""

    target: Target
    kind: DestinationKind
    config: Any  # the destination's settings as its kind reads them; None: unreadable
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
    kind = kind_of(target.destination_type)
    config: Any = None
    try:
        config = kind.decode(target.url if kind.name == HTTP else target.destination or "")
    except (msgspec.ValidationError, msgspec.DecodeError):
        log.error("subscription %s has unreadable destination settings", target.id)
    redactor = Redactor(target.redact) if target.redact else None
    return Prepared(target=target, kind=kind, config=config, keys=keys, redactor=redactor)


class _Subject(msgspec.Struct):
    subject: str | None = None


_subject = msgspec.json.Decoder(_Subject)


async def attempt(
    senders: Senders,
    candidate: Due,
    prepared: Prepared | None,
    body: bytes | None,
    *,
    now: Clock,
    within: float,
) -> AttemptResult:
    """Send ``body`` to the subscription's destination, signed, allowing ``within`` seconds for
    the answer; never raises (a failure is an ``error``)."""
    started = now()
    if prepared is None or body is None:
        return AttemptResult(started, now(), error="subscription or event no longer exists")
    if prepared.config is None:
        return AttemptResult(started, now(), error="the destination's settings are unreadable")
    headers = webhook_headers(
        prepared.live_keys(started), candidate.event_id, int(started.timestamp()), body
    )
    if prepared.target.cloudevents:
        headers.update(cloudevent_headers(body))
    # the subject is the brokers' ordering key; an HTTP send has no use for it
    subject = _subject.decode(body).subject if prepared.kind.name != HTTP else None
    message = Message(candidate.id, candidate.event_id, subject, headers, body)
    request_headers = [[name, value] for name, value in headers.items()]
    try:
        sent = await senders.of(prepared.kind).send(prepared.config, message, within=within)
    except Exception as exc:  # a sender's bug: a failed attempt, never a lost send task
        log.error("delivery %s: unexpected error in the send", candidate.id, exc_info=exc)
        return AttemptResult(
            started,
            now(),
            error=f"unexpected error: {type(exc).__name__}",
            request_headers=request_headers,
        )
    return AttemptResult(
        started,
        now(),
        status=sent.status,
        snippet=sent.snippet,
        error=sent.error,
        retry_after=sent.retry_after,
        request_headers=request_headers,
        response_headers=sent.response_headers,
    )
