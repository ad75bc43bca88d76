"""``sqs``: send to an Amazon SQS queue through aiobotocore.

A send succeeds once SQS returns the message id. Standard Webhooks headers and CloudEvents
attributes travel as message attributes (``webhook-id``, ``ce-type``, ...; SQS allows ten, these
are nine at most). FIFO queues (``.fifo``) get ``MessageGroupId`` = the event's subject, so SQS
keeps each resource's events in order, and ``MessageDeduplicationId`` = the delivery id, so a
retry after a lost answer is dropped within SQS's five-minute window while a replay (new
deliveries) is not. The keys are stored encrypted and never shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import msgspec

from gateway.delivery.destinations.base import (
    ACKNOWLEDGED,
    MASK,
    DestinationKind,
    InvalidDestination,
    Message,
    Sent,
    cloudevent_attributes,
    failure,
    ordering_key,
    webhook_headers_of,
)
from gateway.delivery.destinations.network import (
    DestinationRefused,
    broker_url,
    checked_address,
    only_fields,
    text_field,
)

REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
KEY_ID = re.compile(r"[A-Z0-9]{16,128}")


class SQSDestination(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    queue_url: str
    region: str
    access_key_id: str
    secret_access_key: str
    endpoint_url: str | None = None  # another SQS endpoint (a VPC endpoint, a local server)

    @property
    def fifo(self) -> bool:
        return urlsplit(self.queue_url).path.endswith(".fifo")

    @property
    def endpoint(self) -> str:
        return self.endpoint_url or f"https://sqs.{self.region}.amazonaws.com"


def parse(raw: Mapping[str, Any], allow_insecure: bool) -> SQSDestination:
    only_fields(
        raw, "sqs", ("queue_url", "region", "access_key_id", "secret_access_key", "endpoint_url")
    )
    queue = broker_url(
        raw.get("queue_url"),
        field="queue_url",
        plain="http",
        tls="https",
        allow_insecure=allow_insecure,
    )
    if queue.username or queue.password or len([p for p in queue.path.split("/") if p]) != 2:
        raise InvalidDestination("queue_url must be a queue's URL: https://host/<account>/<queue>")
    region = text_field(raw, "region") or ""
    if not REGION.fullmatch(region):
        raise InvalidDestination("region must be an AWS region such as eu-west-1")
    key_id = text_field(raw, "access_key_id") or ""
    if not KEY_ID.fullmatch(key_id):
        raise InvalidDestination("access_key_id must be an AWS access key id (A-Z, 0-9)")
    secret = text_field(raw, "secret_access_key") or ""
    if any(ch.isspace() for ch in secret):
        raise InvalidDestination("secret_access_key must not contain spaces")
    endpoint = raw.get("endpoint_url")
    if endpoint is not None:
        parts = broker_url(
            endpoint, field="endpoint_url", plain="http", tls="https", allow_insecure=allow_insecure
        )
        if parts.username or parts.password:
            raise InvalidDestination("endpoint_url must not carry credentials")
    return SQSDestination(
        queue_url=raw["queue_url"],
        region=region,
        access_key_id=key_id,
        secret_access_key=secret,
        endpoint_url=endpoint,
    )


def public(config: SQSDestination) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "type": "sqs",
        "queue_url": config.queue_url,
        "region": config.region,
        "access_key_id": config.access_key_id[:4] + MASK,
    }
    if config.endpoint_url is not None:
        shown["endpoint_url"] = config.endpoint_url
    return shown


class SQSSender:
    def __init__(self, allow_insecure: bool) -> None:
        self.allow_insecure = allow_insecure
        self._clients: dict[SQSDestination, tuple[contextlib.AsyncExitStack, Any]] = {}
        self._lock = asyncio.Lock()

    async def send(self, config: Any, message: Message, *, within: float) -> Sent:
        import botocore.exceptions

        dest: SQSDestination = config
        request: dict[str, Any] = {
            "QueueUrl": dest.queue_url,
            "MessageBody": message.body.decode("utf-8"),
            "MessageAttributes": _attributes(message.headers),
        }
        if dest.fifo:
            request["MessageGroupId"] = ordering_key(message.subject, message.event_id)
            request["MessageDeduplicationId"] = message.delivery_id
        try:
            async with asyncio.timeout(within):
                client = await self._client(dest, within)
                answer = await client.send_message(**request)
        except DestinationRefused as exc:
            return Sent(error=str(exc))
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return Sent(
                error=f"rejected by SQS: {error.get('Code')}: {error.get('Message')}"
                + (f" (HTTP {status})" if status else "")
            )
        except (botocore.exceptions.BotoCoreError, OSError, TimeoutError) as exc:
            await self._drop(dest)
            if isinstance(exc, botocore.exceptions.EndpointConnectionError):
                return Sent(error=f"connection failed: {exc}")
            return Sent(error=failure(exc, within))
        return Sent(status=ACKNOWLEDGED, snippet=f"SQS message {answer.get('MessageId')}")

    async def _client(self, dest: SQSDestination, within: float) -> Any:
        found = self._clients.get(dest)
        if found is not None:
            return found[1]
        async with self._lock:
            found = self._clients.get(dest)
            if found is not None:
                return found[1]
            from aiobotocore.config import AioConfig
            from aiobotocore.session import get_session

            parts = urlsplit(dest.endpoint)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            # Checked once per client: the endpoint's name is resolved again by its pool.
            await checked_address(parts.hostname or "", port, self.allow_insecure)
            stack = contextlib.AsyncExitStack()
            client = await stack.enter_async_context(
                get_session().create_client(
                    "sqs",
                    region_name=dest.region,
                    endpoint_url=dest.endpoint,
                    aws_access_key_id=dest.access_key_id,
                    aws_secret_access_key=dest.secret_access_key,
                    config=AioConfig(
                        connect_timeout=within,
                        read_timeout=within,
                        retries={"max_attempts": 1},  # the dispatcher's schedule retries
                    ),
                )
            )
            self._clients[dest] = (stack, client)
            return client

    async def _drop(self, dest: SQSDestination) -> None:
        found = self._clients.pop(dest, None)
        if found is not None:
            with contextlib.suppress(Exception):
                await found[0].aclose()

    async def aclose(self) -> None:
        for dest in list(self._clients):
            await self._drop(dest)


def _attributes(headers: Mapping[str, str]) -> dict[str, dict[str, str]]:
    chosen = {**webhook_headers_of(headers)}
    chosen.update((f"ce-{name}", value) for name, value in cloudevent_attributes(headers).items())
    return {name: {"DataType": "String", "StringValue": value} for name, value in chosen.items()}


kind = DestinationKind(
    name="sqs",
    extra="sqs",
    module="aiobotocore",
    parse=parse,
    encode=lambda config: msgspec.json.encode(config).decode(),
    decode=lambda text: msgspec.json.decode(text, type=SQSDestination),
    public=public,
    display_url=lambda config: config.queue_url,
    sender=lambda allow_insecure, _per, _total: SQSSender(allow_insecure),
)
