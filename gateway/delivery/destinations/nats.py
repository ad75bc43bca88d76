"""``nats``: publish on a subject through nats-py, to JetStream when a stream covers it.

When a JetStream stream captures the subject, the publish waits for the stream's
acknowledgement and carries ``Nats-Msg-Id`` = the delivery id, so a retry after a lost
acknowledgement is dropped by the stream's duplicate window; otherwise it is a core NATS publish,
flushed to the server (core NATS acknowledges nothing further). Headers: the Standard Webhooks
ones, ``content-type``, and CloudEvents attributes as ``ce-*`` (the NATS binding's names). One
connection per server URL, not reconnecting on its own: a failure closes it and the next attempt
connects afresh, and finds the stream again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msgspec

from gateway.delivery.destinations.base import (
    ACKNOWLEDGED,
    DestinationKind,
    InvalidDestination,
    Message,
    Sent,
    cloudevent_attributes,
    failure,
    masked_url,
    webhook_headers_of,
)
from gateway.delivery.destinations.network import (
    DestinationRefused,
    broker_url,
    checked_address,
    only_fields,
    pinned,
    text_field,
)

PORT = 4222


class NATSDestination(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: str  # nats://[user:password@ | token@]host:port or tls://: credentials stored encrypted
    subject: str


def parse(raw: Mapping[str, Any], allow_insecure: bool) -> NATSDestination:
    only_fields(raw, "nats", ("url", "subject"))
    broker_url(raw.get("url"), field="url", plain="nats", tls="tls", allow_insecure=allow_insecure)
    subject = text_field(raw, "subject") or ""
    tokens = subject.split(".")
    if (
        not subject.isascii()
        or any(ch.isspace() for ch in subject)
        or any(not token for token in tokens)
        or any(token in ("*", ">") for token in tokens)
    ):
        raise InvalidDestination(
            "subject must be a NATS subject to publish on: dot-separated tokens of printable "
            "ASCII, no spaces, no wildcards (* or >)"
        )
    return NATSDestination(url=raw["url"], subject=subject)


def public(config: NATSDestination) -> dict[str, Any]:
    return {"type": "nats", "url": masked_url(config.url), "subject": config.subject}


@dataclass
class _Link:
    client: Any  # nats.aio.client.Client
    streams: dict[str, str | None] = field(default_factory=dict)  # subject -> stream, if any


class NATSSender:
    def __init__(self, allow_insecure: bool) -> None:
        self.allow_insecure = allow_insecure
        self._links: dict[str, _Link] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def send(self, config: Any, message: Message, *, within: float) -> Sent:
        import nats.errors
        import nats.js.errors

        dest: NATSDestination = config
        headers = {
            **webhook_headers_of(message.headers),
            "content-type": "application/json",
            **{
                f"ce-{name}": value
                for name, value in cloudevent_attributes(message.headers).items()
            },
        }
        try:
            async with asyncio.timeout(within):
                link = await self._link(dest.url)
                client = link.client
                if dest.subject not in link.streams:
                    link.streams[dest.subject] = await _stream_of(client, dest.subject)
                stream = link.streams[dest.subject]
                if stream is None:
                    await client.publish(dest.subject, message.body, headers=headers)
                    await client.flush()
                    return Sent(status=ACKNOWLEDGED, snippet="published (core NATS)")
                headers["Nats-Msg-Id"] = message.delivery_id
                ack = await client.jetstream().publish(
                    dest.subject, message.body, headers=headers, stream=stream
                )
        except DestinationRefused as exc:
            return Sent(error=str(exc))
        except nats.js.errors.NoStreamResponseError:
            await self._drop(dest.url)  # the stream went away: look again next time
            return Sent(error="no stream answered for the subject")
        except nats.js.errors.APIError as exc:
            return Sent(error=f"rejected by JetStream: {exc.description or exc}")
        except (nats.errors.Error, OSError, TimeoutError) as exc:
            await self._drop(dest.url)
            if isinstance(exc, nats.errors.TimeoutError):
                exc = TimeoutError()
            return Sent(error=failure(exc, within))
        repeat = " (a duplicate: kept once)" if ack.duplicate else ""
        return Sent(
            status=ACKNOWLEDGED, snippet=f"stored in stream {ack.stream} at {ack.seq}{repeat}"
        )

    async def _link(self, url: str) -> _Link:
        link = self._links.get(url)
        if link is not None and link.client.is_connected:
            return link
        async with self._locks.setdefault(url, asyncio.Lock()):
            link = self._links.get(url)
            if link is None or not link.client.is_connected:
                await self._drop(url)
                link = self._links[url] = _Link(await self._connect(url))
            return link

    async def _connect(self, url: str) -> Any:
        import nats

        parts = urlsplit(url)
        port = parts.port or PORT
        address = await checked_address(parts.hostname or "", port, self.allow_insecure)
        target = url if parts.scheme.lower() == "tls" else pinned(parts, address, port)

        async def quiet(exc: Exception) -> None:
            """Errors reach the attempt that meets them; none is logged with the URL."""

        return await nats.connect(
            target,
            allow_reconnect=False,
            connect_timeout=5,
            max_reconnect_attempts=0,
            error_cb=quiet,
        )

    async def _drop(self, url: str) -> None:
        link = self._links.pop(url, None)
        if link is not None:
            with contextlib.suppress(Exception):
                await link.client.close()

    async def aclose(self) -> None:
        for url in list(self._links):
            await self._drop(url)


async def _stream_of(client: Any, subject: str) -> str | None:
    """The JetStream stream capturing ``subject``, or None (no stream, or no JetStream)."""
    import nats.errors
    import nats.js.errors

    try:
        return str(await client.jetstream().find_stream_name_by_subject(subject))
    except (nats.js.errors.NotFoundError, nats.js.errors.ServiceUnavailableError):
        return None
    except nats.errors.NoRespondersError:
        return None  # the server runs without JetStream


kind = DestinationKind(
    name="nats",
    extra="nats",
    module="nats",
    parse=parse,
    encode=lambda config: msgspec.json.encode(config).decode(),
    decode=lambda text: msgspec.json.decode(text, type=NATSDestination),
    public=public,
    display_url=lambda config: masked_url(config.url),
    sender=lambda allow_insecure, _per, _total: NATSSender(allow_insecure),
)
