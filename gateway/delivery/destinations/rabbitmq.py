"""``rabbitmq``: publish to an exchange the operator declared, through aio-pika.

Each publish waits for the broker's confirm (publisher confirms) and is ``mandatory``: a message
no queue is bound to receive comes back, and that is a failed attempt, retried on the schedule.
unihook never declares, binds or changes anything: the exchange is looked up passively, so a
missing one is a failed attempt saying so. Messages are persistent, with the body of an HTTP
delivery, its Standard Webhooks headers as AMQP headers, ``message_id`` = the delivery id
(repeated by a retry: a consumer can drop it) and CloudEvents attributes as ``cloudEvents_*``
headers (the AMQP binding's prefix). One connection and channel per broker URL, kept between
sends; a failure closes them and the next attempt connects afresh, so a restarted broker is
picked up by the retries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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

PORT, TLS_PORT = 5672, 5671


class RabbitMQDestination(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: str  # amqp(s)://user:password@host:port/vhost: the password is stored encrypted
    exchange: str  # "" is the default exchange (the routing key is then a queue's name)
    routing_key: str = ""


def parse(raw: Mapping[str, Any], allow_insecure: bool) -> RabbitMQDestination:
    only_fields(raw, "rabbitmq", ("url", "exchange", "routing_key"))
    broker_url(
        raw.get("url"), field="url", plain="amqp", tls="amqps", allow_insecure=allow_insecure
    )
    exchange = raw.get("exchange")
    if exchange != "":
        exchange = text_field(raw, "exchange")
    routing_key = text_field(raw, "routing_key", required=False) or ""
    if len(routing_key.encode("utf-8")) > 255 or len(str(exchange).encode("utf-8")) > 255:
        raise InvalidDestination("exchange and routing_key must be at most 255 bytes")
    return RabbitMQDestination(url=raw["url"], exchange=str(exchange), routing_key=routing_key)


def public(config: RabbitMQDestination) -> dict[str, Any]:
    return {
        "type": "rabbitmq",
        "url": masked_url(config.url),
        "exchange": config.exchange,
        "routing_key": config.routing_key,
    }


@dataclass
class _Link:
    connection: Any  # aio_pika.abc.AbstractConnection
    channel: Any  # aio_pika.abc.AbstractChannel
    exchanges: dict[str, Any]


class RabbitMQSender:
    def __init__(self, allow_insecure: bool) -> None:
        self.allow_insecure = allow_insecure
        self._links: dict[str, _Link] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def send(self, config: Any, message: Message, *, within: float) -> Sent:
        import aio_pika  # the rabbitmq extra; checked when the subscription was made

        dest: RabbitMQDestination = config
        try:
            async with asyncio.timeout(within):
                exchange = await self._exchange(dest)
                await exchange.publish(
                    aio_pika.Message(
                        message.body,
                        headers=_headers(message.headers),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=message.delivery_id,
                    ),
                    routing_key=dest.routing_key,
                    mandatory=True,
                )
        except aio_pika.exceptions.PublishError:
            return Sent(error=f"unroutable: no queue is bound for routing key {dest.routing_key!r}")
        except aio_pika.exceptions.DeliveryError as exc:
            return Sent(error=f"rejected by the broker: {exc}")
        except DestinationRefused as exc:
            return Sent(error=str(exc))
        except aio_pika.exceptions.ChannelNotFoundEntity:
            await self._drop(dest.url)
            return Sent(error=f"exchange {dest.exchange!r} not found (declare it first)")
        except aio_pika.exceptions.ProbableAuthenticationError:
            await self._drop(dest.url)
            return Sent(error="connection failed: the broker refused the credentials")
        except (aio_pika.exceptions.AMQPError, OSError, TimeoutError) as exc:
            await self._drop(dest.url)
            return Sent(error=failure(exc, within))
        return Sent(status=ACKNOWLEDGED, snippet=f"confirmed by exchange {dest.exchange!r}")

    async def _exchange(self, dest: RabbitMQDestination) -> Any:
        link = self._links.get(dest.url)
        if link is None or link.channel.is_closed or link.connection.is_closed:
            lock = self._locks.setdefault(dest.url, asyncio.Lock())
            async with lock:
                link = self._links.get(dest.url)
                if link is None or link.channel.is_closed or link.connection.is_closed:
                    await self._drop(dest.url)
                    link = self._links[dest.url] = await self._connect(dest.url)
        found = link.exchanges.get(dest.exchange)
        if found is None:
            if dest.exchange:
                found = await link.channel.get_exchange(dest.exchange, ensure=True)  # passive
            else:
                found = link.channel.default_exchange
            link.exchanges[dest.exchange] = found
        return found

    async def _connect(self, url: str) -> _Link:
        from urllib.parse import urlsplit

        import aio_pika

        parts = urlsplit(url)
        tls = parts.scheme.lower() == "amqps"
        port = parts.port or (TLS_PORT if tls else PORT)
        address = await checked_address(parts.hostname or "", port, self.allow_insecure)
        # TLS checks the certificate against the name: connect by name (checked just above)
        target = url if tls else pinned(parts, address, port)
        connection = await aio_pika.connect(target)
        try:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        except BaseException:
            await connection.close()
            raise
        return _Link(connection, channel, {})

    async def _drop(self, url: str) -> None:
        link = self._links.pop(url, None)
        if link is not None:
            with contextlib.suppress(Exception):
                await link.connection.close()

    async def aclose(self) -> None:
        for url in list(self._links):
            await self._drop(url)


def _headers(headers: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = dict(webhook_headers_of(headers))
    for name, value in cloudevent_attributes(headers).items():
        out[f"cloudEvents_{name}"] = value
    return out


kind = DestinationKind(
    name="rabbitmq",
    extra="rabbitmq",
    module="aio_pika",
    parse=parse,
    encode=lambda config: msgspec.json.encode(config).decode(),
    decode=lambda text: msgspec.json.decode(text, type=RabbitMQDestination),
    public=public,
    display_url=lambda config: masked_url(config.url),
    sender=lambda allow_insecure, _per, _total: RabbitMQSender(allow_insecure),
)
