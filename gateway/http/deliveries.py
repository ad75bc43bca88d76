"""Delivery visibility: an event's deliveries with every attempt, and redelivery."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED
from sqlalchemy import select

from gateway.delivery import fanout
from gateway.http.auth import Principal
from gateway.http.common import AUTH, iso, page
from gateway.runtime import Runtime, utcnow
from gateway.storage.models import Attempt, Delivery, Event, Subscription
from schemas.api import AttemptOut, DeliveryOut, Enqueued, RedeliverRequest

DELIVERY_STATUSES = ("pending", "succeeded", "failed")


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
            )
            for a in attempts
        ]
    return out


async def list_deliveries(
    services: Runtime,
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
    async with services.sessions() as session:
        rows = (await session.execute(query)).all()
    return page([delivery_out(d, t) for d, t in rows], limit, lambda d: d.id)


async def _event_for(services: Runtime, principal: Principal, event_id: str) -> Event:
    async with services.sessions() as session:
        event: Event | None = await session.get(Event, event_id)
    if event is None or not principal.can_see(event.tenant):
        raise NotFoundException("event not found")
    return event


def _visible_subscriptions(principal: Principal) -> Any:
    query = select(Subscription)
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    return query


@get("/v1/events/{event_id:str}/deliveries", dependencies=AUTH, tags=["events"])
async def event_deliveries(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    event_id: FromPath[str],
) -> dict[str, Any]:
    """Every delivery of an event (to the subscriptions the key can see), each with its
    attempts: time, status code, latency, response snippet, error."""
    services: Runtime = request.app.state.services
    event = await _event_for(services, principal, event_id)
    query = (
        select(Delivery)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.event_id == event.id)
        .order_by(Delivery.id)
    )
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    async with services.sessions() as session:
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


@post(
    "/v1/events/{event_id:str}/redeliver",
    dependencies=AUTH,
    tags=["events"],
    status_code=HTTP_202_ACCEPTED,
)
async def redeliver_event(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    event_id: FromPath[str],
    data: JSONBody[RedeliverRequest | None] = None,
) -> Enqueued:
    """Queue the event again: to one subscription, or to every matching one."""
    services: Runtime = request.app.state.services
    event = await _event_for(services, principal, event_id)
    target = data.subscription_id if data is not None else None
    query = _visible_subscriptions(principal)
    if target is not None:
        query = query.where(Subscription.id == target)
    async with services.sessions() as session, session.begin():
        subs = list((await session.execute(query)).scalars())
        if target is not None:
            if not subs:
                raise NotFoundException("subscription not found")
            if not fanout.subscription_selects(
                subs[0], event_type=event.type, tenant=event.tenant, provider=event.provider
            ):
                raise ValidationException("the subscription does not select this event")
        n = await fanout.redeliver(session, event, subs, utcnow())
    if n:
        services.wake_dispatcher.set()
    return Enqueued(enqueued=n)
