"""Deliveries: an event's deliveries with every attempt, a subscription's deliveries, and
redelivery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.core.clock import iso, utcnow
from gateway.delivery import fanout
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.common import page
from gateway.services.errors import Invalid, NotFound
from gateway.services.events import event_for
from gateway.storage.models import Attempt, Delivery, Event, Subscription
from schemas.api import AttemptOut, DeliveryOut, Enqueued


def delivery_out(
    row: Delivery, event_type: str, attempts: list[Attempt] | None = None
) -> DeliveryOut:
    out = DeliveryOut(
        id=row.id,
        event_id=row.event_id,
        event_type=event_type,
        subscription_id=row.subscription_id,
        status=row.status,  # type: ignore[arg-type]  # the column only holds the three states
        attempt_count=row.attempts,
        next_attempt_at=iso(row.next_attempt_at) if row.status == "pending" else None,
        last_attempt_at=iso(row.last_attempt_at),
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=iso(row.created_at) or "",
        updated_at=iso(row.updated_at) or "",
    )
    if attempts is not None:
        out.attempts = [
            AttemptOut(
                id=a.id,
                attempted_at=iso(a.attempted_at) or "",
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                response_snippet=a.response_snippet,
                error=a.error,
                request_headers=a.request_headers,
                response_headers=a.response_headers,
            )
            for a in attempts
        ]
    return out


async def list_deliveries(
    runtime: Runtime,
    *,
    subscription_id: str | None = None,
    status: str | None = None,
    limit: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """``{data, next_cursor}`` of deliveries, newest first."""
    query = (
        select(Delivery, Event.type)
        .join(Event, Event.id == Delivery.event_id)
        .order_by(Delivery.id.desc())
        .limit(limit + 1)
    )
    if subscription_id is not None:
        query = query.where(Delivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(Delivery.status == status)
    if cursor:
        query = query.where(Delivery.id < cursor)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    return page([delivery_out(d, t) for d, t in rows], limit, lambda d: d.id)


def _visible_subscriptions(principal: Principal) -> Any:
    query = select(Subscription)
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    return query


async def event_deliveries(runtime: Runtime, principal: Principal, event_id: str) -> dict[str, Any]:
    """Every delivery of an event (to the subscriptions the caller can see), each with its
    attempts: time, status code, latency, response snippet, error."""
    event = await event_for(runtime, principal, event_id)
    query = (
        select(Delivery)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.event_id == event.id)
        .order_by(Delivery.id)
    )
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    async with runtime.sessions() as session:
        deliveries = list((await session.execute(query)).scalars())
        attempts = list(
            (
                await session.execute(
                    select(Attempt)
                    .where(Attempt.delivery_id.in_([d.id for d in deliveries]))
                    .order_by(Attempt.attempted_at, Attempt.id)
                )
            ).scalars()
        )
    by_delivery: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
    out = [delivery_out(d, event.type, by_delivery.get(d.id, [])) for d in deliveries]
    return page(out, len(out), lambda d: d.id)


@audited("event.redeliver", target="event_id")
async def redeliver_event(
    runtime: Runtime, principal: Principal, event_id: str, subscription_id: str | None = None
) -> Enqueued:
    """Queue the event again: to one subscription, or to every matching one."""
    event = await event_for(runtime, principal, event_id)
    query = _visible_subscriptions(principal)
    if subscription_id is not None:
        query = query.where(Subscription.id == subscription_id)
    async with runtime.sessions() as session, session.begin():
        subs = list((await session.execute(query)).scalars())
        if subscription_id is not None:
            if not subs:
                raise NotFound("subscription not found")
            if not fanout.subscription_selects(
                subs[0], event_type=event.type, tenant=event.tenant, provider=event.provider
            ):
                raise Invalid("the subscription does not select this event")
            if not fanout.filter_passes(subs[0], event.payload):
                raise Invalid("the subscription's filter does not match this event")
        n = await fanout.redeliver(session, event, subs, utcnow())
    if n:
        runtime.wake_dispatcher.set()
    return Enqueued(enqueued=n)
