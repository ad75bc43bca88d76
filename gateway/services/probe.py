"""Send a subscription one signed ``connection.test`` event now, to see that its endpoint
answers and verifies: signed and sent exactly like a delivery, but not stored and not retried."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx
import msgspec
from sqlalchemy import select

from gateway.core.clock import utcnow
from gateway.core.ids import new_id
from gateway.delivery import destinations
from gateway.delivery.destinations.base import Message
from gateway.delivery.signing import secret_key, webhook_headers
from gateway.delivery.ssrf import DestinationRefused, resolve_public, scheme_error
from gateway.delivery.transport import PinnedTransport
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.subscriptions import find_subscription
from gateway.storage.models import SubscriptionSecret

MESSAGE = "a test event sent from the unihook console"


@dataclass(frozen=True, slots=True)
class TestSent:
    """What the endpoint answered: its status (None when it could not be reached) and time."""

    event_id: str
    status_code: int | None
    latency_ms: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@audited("subscription.test", target="subscription_id")
async def send_test_event(runtime: Runtime, principal: Principal, subscription_id: str) -> TestSent:
    """POST a ``connection.test`` event to the subscription's URL, signed with its live secrets
    (the destination rules of deliveries apply: private addresses only when allowed)."""
    now = utcnow()
    async with runtime.sessions() as session:
        sub = await find_subscription(session, principal, subscription_id)
        rows = (
            await session.execute(
                select(SubscriptionSecret.secret_enc, SubscriptionSecret.expires_at)
                .where(SubscriptionSecret.subscription_id == sub.id)
                .order_by(SubscriptionSecret.created_at.desc())
            )
        ).all()
    keys = [
        secret_key(runtime.box.decrypt(enc))
        for enc, expires in rows
        if expires is None or expires > now
    ]
    event_id = new_id("evt")
    stamp = now.isoformat().replace("+00:00", "Z")
    body = msgspec.json.encode(
        {
            "id": event_id,
            "type": "connection.test",
            "timestamp": stamp,
            "tenant": sub.scope_tenant or (sub.tenants or ["*"])[0],
            "source": {"provider": "unihook", "event_id": event_id, "received_at": stamp},
            "completeness": "full",
            "data": {"message": MESSAGE},
        }
    )
    settings = runtime.settings
    if sub.destination_type is not None and sub.destination_enc is not None:
        return await _publish_test(runtime, sub.destination_type, sub.destination_enc, keys, body)
    refused = scheme_error(sub.url, settings.allow_insecure_destinations)
    if refused:
        return TestSent(event_id, None, 0.0, refused)
    transport = PinnedTransport(
        resolve=None if settings.allow_insecure_destinations else resolve_public
    )
    started = time.perf_counter()
    try:
        async with asyncio.timeout(settings.delivery_timeout):
            reply = await transport.post(
                httpx.URL(sub.url),
                webhook_headers(keys, event_id, int(now.timestamp()), body),
                body,
            )
    except (httpx.HTTPError, DestinationRefused, OSError, TimeoutError) as exc:
        error = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
        return TestSent(event_id, None, (time.perf_counter() - started) * 1000, error)
    finally:
        await transport.aclose()
    return TestSent(event_id, reply.status, (time.perf_counter() - started) * 1000, None)


async def _publish_test(
    runtime: Runtime, destination_type: str, destination_enc: str, keys: list[bytes], body: bytes
) -> TestSent:
    """The test event through the broker's sender, as a delivery would be published."""
    settings = runtime.settings
    kind = destinations.kind_of(destination_type)
    config = kind.decode(runtime.box.decrypt(destination_enc))
    event_id = msgspec.json.decode(body)["id"]
    now = utcnow()
    message = Message(
        delivery_id=new_id("dlv"),
        event_id=event_id,
        subject=None,
        headers=webhook_headers(keys, event_id, int(now.timestamp()), body),
        body=body,
    )
    sender = kind.sender(settings.allow_insecure_destinations, 1, 1)
    started = time.perf_counter()
    try:
        sent = await sender.send(config, message, within=settings.delivery_timeout)
    finally:
        await sender.aclose()
    return TestSent(event_id, sent.status, (time.perf_counter() - started) * 1000, sent.error)
