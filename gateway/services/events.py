"""Events: the normalised events a caller may see, filtered and paged, as stored JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, CompoundSelect, Select, func, select, union
from sqlalchemy.orm import aliased

from gateway.core.ids import id_at
from gateway.core.payloads import with_raw
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.common import DELIVERY_STATUSES, clamp_limit, parse_time_param
from gateway.services.errors import Invalid, NotFound
from gateway.storage.models import Delivery, Event, Receipt, Subscription


async def list_events(
    runtime: Runtime,
    principal: Principal,
    *,
    type: str | None = None,
    provider: str | None = None,
    tenant: str | None = None,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    after: str | None = None,
    delivery_status: str | None = None,
    subscription_id: str | None = None,
    q: str | None = None,
) -> bytes:
    """``{"data": [...], "next_cursor": ...}`` as JSON bytes, newest first; ``since``/``until``
    bound the time unihook received the event. ``type`` may be a prefix glob (``ats.*``).
    ``after`` keeps only events newer than that id (a live tail's next look).
    ``delivery_status`` keeps the events with a delivery in that state (``failed``: one that
    no later delivery to its subscription has made good), ``subscription_id`` those delivered
    to that subscription, each among the subscriptions the caller sees; ``q`` is an event id,
    the vendor's event id or a subject."""
    n = clamp_limit(limit)
    query = events_query(
        principal,
        type=type,
        provider=provider,
        tenant=tenant,
        subject=subject,
        start=parse_time_param("since", since),
        end=parse_time_param("until", until),
        cursor=cursor,
        after=after,
        delivery_status=delivery_status,
        subscription_id=subscription_id,
        q=q,
    ).limit(n + 1)
    rows = await runtime.read(lambda conn: conn.execute(query).all())
    more = len(rows) > n
    rows = rows[:n]
    next_cursor = f'"{rows[-1].id}"'.encode() if more and rows else b"null"
    body = b'{"data":[' + b",".join(r.payload for r in rows) + b'],"next_cursor":'
    return body + next_cursor + b"}"


# How far a clock may step back between reading an event's reception time and drawing its id.
CLOCK_SLACK = timedelta(minutes=5)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # ids count milliseconds from it


def events_query(
    principal: Principal,
    *,
    type: str | None = None,
    provider: str | None = None,
    tenant: str | None = None,
    subject: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    after: str | None = None,
    delivery_status: str | None = None,
    subscription_id: str | None = None,
    q: str | None = None,
) -> Select[str, bytes]:
    """The events list's query, newest (highest id) first, without its limit. Each filter has an
    index ending in ``id`` (``ix_events_*``), so the walk newest first stops after the page."""
    query = select(Event.id, Event.payload).order_by(Event.id.desc())
    if delivery_status is not None and delivery_status not in DELIVERY_STATUSES:
        raise Invalid(f"delivery_status must be one of {', '.join(DELIVERY_STATUSES)}")
    if delivery_status is not None or subscription_id is not None:
        query = query.where(
            _delivered(principal, status=delivery_status, subscription_id=subscription_id)
        )
    if q is not None and q.strip():
        query = query.where(Event.id.in_(_named_by(q.strip())))
    if principal.tenant is not None:
        query = query.where(Event.tenant == principal.tenant)
    if tenant is not None:
        query = query.where(Event.tenant == tenant)
    if type is not None:
        if type.endswith(".*"):
            query = query.where(Event.type.startswith(type[:-1], autoescape=True))
        else:
            query = query.where(Event.type == type)
    if provider is not None:
        query = query.where(Event.provider == provider)
    if subject is not None:
        query = query.where(Event.subject == subject)
    if start is not None:
        # An event's id is drawn when it is stored: at its reception or later (a reprocessed
        # receipt keeps its reception time). So its id is past ``start``'s too, and the walk
        # newest first ends there instead of reading every older event.
        # The time is tested on each event the id range reads (``coalesce`` keeps it from being
        # an index range of its own): PostgreSQL, taking the two ranges for independent ones,
        # estimated their overlap at a fraction of what it is, read both by bitmap and sorted
        # every match (50 ms at 10,000,000 events, against 0.2 ms for the walk by id).
        query = query.where(
            func.coalesce(Event.received_at, Event.received_at) >= start,
            Event.id >= id_at("evt", max(start - CLOCK_SLACK, EPOCH)),
        )
    if end is not None:
        query = query.where(Event.received_at < end)
    if cursor:
        query = query.where(Event.id < cursor)
    if after:
        query = query.where(Event.id > after)
    return query


def _named_by(q: str) -> CompoundSelect[tuple[str]]:
    """The ids of the events ``q`` names: as their id, the vendor's event id or their subject,
    each looked up in its own index (one ``OR`` of the three would walk every event)."""
    return union(
        select(Event.id).where(Event.id == q),
        select(Event.id).where(Event.source_event_id == q),
        select(Event.id).where(Event.subject == q),
    )


def _delivered(
    principal: Principal, *, status: str | None, subscription_id: str | None
) -> ColumnElement[bool]:
    """An event has a delivery (in ``status``, to ``subscription_id``) the caller may see."""
    conditions: list[ColumnElement[bool]] = [Delivery.event_id == Event.id]
    if status is not None:
        conditions.append(Delivery.status == status)
    if status == "failed":
        later = aliased(Delivery)
        conditions.append(
            ~select(later.id)
            .where(
                later.event_id == Delivery.event_id,
                later.subscription_id == Delivery.subscription_id,
                later.id > Delivery.id,
                later.status != "failed",
            )
            .exists()
        )
    if subscription_id is not None:
        conditions.append(Delivery.subscription_id == subscription_id)
    if principal.tenant is not None:
        conditions.append(
            Delivery.subscription_id.in_(
                select(Subscription.id).where(Subscription.scope_tenant == principal.tenant)
            )
        )
    return select(Delivery.id).where(*conditions).exists()


async def delivery_counts(
    runtime: Runtime, principal: Principal, event_ids: list[str]
) -> dict[str, dict[str, int]]:
    """For each of ``event_ids``: how many of its deliveries (to the subscriptions the caller
    sees) are pending, succeeded, failed. An event without deliveries is absent."""
    if not event_ids:
        return {}
    query = (
        select(Delivery.event_id, Delivery.status, func.count())
        .where(Delivery.event_id.in_(event_ids))
        .group_by(Delivery.event_id, Delivery.status)
    )
    if principal.tenant is not None:
        query = query.join(Subscription, Subscription.id == Delivery.subscription_id).where(
            Subscription.scope_tenant == principal.tenant
        )
    out: dict[str, dict[str, int]] = {}
    for event_id, status, count in await runtime.read(lambda conn: conn.execute(query).all()):
        out.setdefault(event_id, {})[status] = count
    return out


async def get_event(runtime: Runtime, principal: Principal, event_id: str) -> bytes:
    """One event's JSON with ``raw``: the vendor payload exactly as it verified."""
    async with runtime.sessions() as session:
        row = (
            await session.execute(
                select(Event.tenant, Event.payload, Receipt.body)
                .join(Receipt, Receipt.id == Event.receipt_id)
                .where(Event.id == event_id)
            )
        ).first()
    if row is None or not principal.can_see(row.tenant):
        raise NotFound("event not found")
    return with_raw(row.payload, row.body)


async def event_for(runtime: Runtime, principal: Principal, event_id: str) -> Event:
    """The event row, when the caller may see it."""
    async with runtime.sessions() as session:
        event: Event | None = await session.get(Event, event_id)
    if event is None or not principal.can_see(event.tenant):
        raise NotFound("event not found")
    return event
