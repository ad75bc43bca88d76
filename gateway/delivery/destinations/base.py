"""The one interface every destination type implements (no I/O here).

A destination type is a module in this package with a ``kind`` (``DestinationKind``): it checks
and stores what a subscription gives as its ``destination`` (``parse``, no I/O: creation never
contacts the broker), says what may be shown of it (``public``, credentials masked) and makes the
``Sender`` a dispatcher publishes through. A sender turns one ``Message`` (the body and the
Standard Webhooks headers, CloudEvents ones too when asked) into a ``Sent``: the broker's
acknowledgement or why there was none. Retries, rate limits, ordering, replay and the records of
attempts are the dispatcher's, the same for every type.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

ACKNOWLEDGED = 200
"""The status recorded for a publish the broker acknowledged: a success, as a 2xx from an HTTP
destination is (attempts, stats, metrics and the console read success from the status)."""
MASK = "***"


class InvalidDestination(ValueError):
    """A destination that cannot be stored; the message is the ``400``'s detail."""


@dataclass(frozen=True, slots=True)
class Message:
    """One delivery as every destination receives it."""

    delivery_id: str  # the brokers' deduplication id: a retry of it is dropped, a replay is not
    event_id: str  # ``webhook-id``
    subject: str | None  # the event's resource: the ordering key where the broker has one
    headers: Mapping[str, str]  # the HTTP form: Standard Webhooks, ``ce-*`` when CloudEvents
    body: bytes


@dataclass(frozen=True, slots=True)
class Sent:
    """What one send saw: a status (HTTP's, or ``ACKNOWLEDGED``) or an error, never both."""

    status: int | None = None
    snippet: str | None = None
    error: str | None = None
    retry_after: str | None = None
    response_headers: list[list[str]] | None = None  # an HTTP answer's, capped (``capped_headers``)


class Sender(Protocol):
    """Publishes to every destination of one type; keeps its connections between sends."""

    async def send(self, config: Any, message: Message, *, within: float) -> Sent:
        """Send within ``within`` seconds; never raises (a failure is ``Sent.error``)."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DestinationKind:
    """A destination type: how its settings are checked, shown and sent to."""

    name: str
    extra: str | None  # the optional dependency group it needs (``unihook[<extra>]``)
    module: str | None  # the client library it imports, to tell whether the extra is installed
    parse: Callable[[Mapping[str, Any], bool], Any]  # (raw, allow_insecure) -> settings
    encode: Callable[[Any], str]  # settings -> JSON to encrypt
    decode: Callable[[str], Any]  # the decrypted JSON -> settings
    public: Callable[[Any], dict[str, Any]]  # what the API and console show
    display_url: Callable[[Any], str]  # the subscription's ``url``: no credentials
    # (allow_insecure, connections kept per destination, connections kept in all) -> a sender
    sender: Callable[[bool, int, int], Sender]


def masked_url(url: str) -> str:
    """``url`` with any password (or a lone token) in its userinfo replaced by ``***``."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, has_password, _ = userinfo.partition(":")
    shown = f"{user}:{MASK}" if has_password else MASK
    return urlunsplit(parts._replace(netloc=f"{shown}@{host}"))


def ordering_key(subject: str | None, event_id: str, limit: int = 128) -> str:
    """A broker's ordering key for a subject: the subject itself when it fits the key's limits
    (``limit`` printable ASCII characters), else its SHA-256; the event id when there is none."""
    if not subject:
        return event_id
    if len(subject) <= limit and subject.isascii() and subject.isprintable():
        return subject
    return hashlib.sha256(subject.encode("utf-8")).hexdigest()


def cloudevent_attributes(headers: Mapping[str, str]) -> dict[str, str]:
    """The CloudEvents attributes the HTTP headers carry (``ce-id`` -> ``id``), decoded."""
    return {name[3:]: unquote(value) for name, value in headers.items() if name.startswith("ce-")}


def webhook_headers_of(headers: Mapping[str, str]) -> dict[str, str]:
    """The Standard Webhooks headers (``webhook-id``, ``-timestamp``, ``-signature``)."""
    return {name: value for name, value in headers.items() if name.startswith("webhook-")}


def failure(exc: BaseException, within: float) -> str:
    """Why a publish got no acknowledgement, worded as HTTP failures are (the dispatcher's
    concurrency reads ``timeout`` and ``connection`` as a destination under strain)."""
    if isinstance(exc, TimeoutError):
        return f"timeout: no acknowledgement within {within:g} s"
    if isinstance(exc, (ConnectionError, OSError)):
        return f"connection failed: {exc or type(exc).__name__}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
