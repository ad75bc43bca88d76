"""Queueing deliveries: fan-out inside the ingest transaction, replay, recovery and
redelivery."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import msgspec
from sqlalchemy import ColumnElement, Connection, Select, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gateway.core.ids import new_id, new_ids
from gateway.storage.bulk import bulk_insert, insert_rows
from gateway.storage.models import Completion, Delivery, Event, Subscription
from schemas import matches
from schemas.filters import InvalidFilter, Predicate, compiled

log = logging.getLogger(__name__)

REPLAY_CHUNK = 1000
HOLD_GRACE = timedelta(hours=1)
"""How long after its completion deadline a held event's deliveries become due by themselves:
only if no worker ever completed or released it (a worker releases it at the deadline)."""
SUBSCRIPTION_FILTERS = select(
    Subscription.id,
    Subscription.scope_tenant,
    Subscription.events,
    Subscription.tenants,
    Subscription.providers,
    Subscription.ordering,
    Subscription.filter,
)


class NewEvent(Protocol):
    """What fan-out reads of a new event (``gateway.ingest.rows.EventRow``, a stored ``Event``)."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def tenant(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def connection_id(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def payload(self) -> bytes: ...


def subscription_selects(sub: Any, *, event_type: str, tenant: str, provider: str) -> bool:
    """Whether a subscription (row or row-like) wants an event."""
    if sub.scope_tenant is not None and sub.scope_tenant != tenant:
        return False
    if sub.tenants and tenant not in sub.tenants:
        return False
    if sub.providers and provider not in sub.providers:
        return False
    return any(matches(pattern, event_type) for pattern in sub.events)


def predicate_of(sub: Any) -> Predicate:
    """A subscription's compiled filter. One stored before a stricter release refused it matches
    nothing (and says so in the log) rather than failing the ingest transaction."""
    try:
        return compiled(sub.filter)
    except (InvalidFilter, msgspec.DecodeError) as exc:
        log.error(
            "subscription %s: stored filter no longer valid (%s); it matches nothing", sub.id, exc
        )
        return lambda _event: False


def filter_passes(sub: Any, payload: bytes) -> bool:
    """Whether a subscription's payload filter (if any) matches an event's canonical JSON."""
    if sub.filter is None:
        return True
    return predicate_of(sub)(msgspec.json.decode(payload))


def ordering_key(sub: Any, connection_id: str, subject: str | None) -> str | None:
    """What an ordered subscription's deliveries are sequenced by: (connection, subject)."""
    if sub.ordering != "resource" or not subject:
        return None
    return f"{connection_id} {subject}"


def delivery_row(
    event_id: str, subscription_id: str, now: datetime, key: str | None = None
) -> dict[str, Any]:
    return {
        "id": new_id("dlv"),
        "event_id": event_id,
        "subscription_id": subscription_id,
        "ordering_key": key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


def queue_deliveries(
    conn: Connection, events: Sequence[NewEvent], now: datetime, *, due: datetime | None = None
) -> int:
    """Queue a delivery for every (event, matching subscription); returns how many.

    Runs inside the caller's transaction (the ingest group commit). Paused and disabled
    subscriptions get their deliveries queued too: they wait for resume, nothing is dropped.
    The (type, tenant, provider) test narrows the subscriptions first, once per kind of event in
    the batch; only then do the candidates' payload filters run, each compiled once per process,
    over the event decoded at most once, and only when a candidate has a filter. ``due``: when
    the deliveries become due (``now`` unless held for completion).
    """
    if not events:
        return 0
    subs = conn.execute(SUBSCRIPTION_FILTERS).all()
    if not subs:
        return 0
    # a batch's events are mostly alike: per kind, the unfiltered candidates and the filtered
    selecting: dict[tuple[str, str, str], tuple[list[Any], list[tuple[Any, Any]]]] = {}
    pairs: list[tuple[NewEvent, Any]] = []
    for ev in events:
        kind = (ev.type, ev.tenant, ev.provider)
        chosen = selecting.get(kind)
        if chosen is None:
            candidates = [
                sub
                for sub in subs
                if subscription_selects(sub, event_type=kind[0], tenant=kind[1], provider=kind[2])
            ]
            chosen = selecting[kind] = (
                [sub for sub in candidates if sub.filter is None],
                [(sub, predicate_of(sub)) for sub in candidates if sub.filter is not None],
            )
        plain, filtered = chosen
        pairs.extend((ev, sub) for sub in plain)
        if filtered:
            document = msgspec.json.decode(ev.payload)
            pairs.extend((ev, sub) for sub, predicate in filtered if predicate(document))
    rows = [
        (
            delivery_id,
            ev.id,
            sub.id,
            ordering_key(sub, ev.connection_id, ev.subject),
        )
        for delivery_id, (ev, sub) in zip(new_ids("dlv", len(pairs)), pairs, strict=True)
    ]
    template = delivery_row("", "", now)
    if due is not None:
        template["next_attempt_at"] = due
    bulk_insert(Delivery.__table__, conn.dialect).execute_alike(
        conn, template, ("id", "event_id", "subscription_id", "ordering_key"), rows
    )
    return len(rows)


async def fan_out(session: AsyncSession, events: Sequence[NewEvent], now: datetime) -> int:
    """``queue_deliveries`` inside an async session's transaction."""
    return await session.run_sync(lambda sync: queue_deliveries(sync.connection(), events, now))


def type_clause(patterns: Iterable[str]) -> ColumnElement[bool]:
    """SQL for "``Event.type`` matches one of ``patterns``" (``*``, exact, ``prefix.*``)."""
    clauses: list[ColumnElement[bool]] = []
    for pattern in patterns:
        if pattern == "*":
            return true()
        if pattern.endswith(".*"):
            clauses.append(Event.type.startswith(pattern[:-1], autoescape=True))
        else:
            clauses.append(Event.type == pattern)
    return or_(*clauses) if clauses else false()


def selected_events(sub: Subscription, *, since: datetime, until: datetime | None) -> Select[Any]:
    """The events received in [since, until) that ``sub`` selects as it is now (its payload
    column too when it has a filter: ``_passing`` applies it), erased ones left out."""
    query = (
        select(Event.id, Event.connection_id, Event.subject)
        .add_columns(*([Event.payload] if sub.filter is not None else []))
        .where(Event.received_at >= since, Event.erased_at.is_(None), type_clause(sub.events))
    )
    if until is not None:
        query = query.where(Event.received_at < until)
    if sub.scope_tenant is not None:
        query = query.where(Event.tenant == sub.scope_tenant)
    if sub.tenants:
        query = query.where(Event.tenant.in_(sub.tenants))
    if sub.providers:
        query = query.where(Event.provider.in_(sub.providers))
    return query


def _passing(sub: Subscription, events: Sequence[Any]) -> list[Any]:
    """``events`` (rows of ``selected_events``) that the subscription's payload filter keeps."""
    if sub.filter is None:
        return list(events)
    predicate = predicate_of(sub)
    return [e for e in events if predicate(msgspec.json.decode(e.payload))]


class WindowTooWide(ValueError):
    """A replay's window holds more events than one replay may queue."""

    def __init__(self, at_most: int) -> None:
        super().__init__(f"more than {at_most} events")
        self.at_most = at_most


async def replay(
    session: AsyncSession,
    sub: Subscription,
    *,
    since: datetime,
    until: datetime | None,
    now: datetime,
    at_most: int | None = None,
) -> int:
    """Queue new deliveries to ``sub`` of every event it selects received in [since, until);
    ``WindowTooWide`` (and nothing queued) when that is more than ``at_most`` events."""
    query = selected_events(sub, since=since, until=until).order_by(Event.id)
    if at_most is not None:
        query = query.limit(at_most + 1)
    events = _passing(sub, (await session.execute(query)).all())
    if at_most is not None and len(events) > at_most:
        raise WindowTooWide(at_most)
    for start in range(0, len(events), REPLAY_CHUNK):
        chunk = events[start : start + REPLAY_CHUNK]
        held = await held_until(session, [e.id for e in chunk])
        rows = [
            delivery_row(e.id, sub.id, now, ordering_key(sub, e.connection_id, e.subject))
            for e in chunk
        ]
        for row in rows:
            row["next_attempt_at"] = held.get(row["event_id"], now)
        await insert_rows(session, Delivery.__table__, rows)
    return len(events)


async def redeliver(
    session: AsyncSession, event: Event, subs: Iterable[Subscription], now: datetime
) -> int:
    """Queue a new delivery of ``event`` to each of ``subs`` that selects it."""
    rows = [
        delivery_row(event.id, sub.id, now, ordering_key(sub, event.connection_id, event.subject))
        for sub in subs
        if subscription_selects(
            sub, event_type=event.type, tenant=event.tenant, provider=event.provider
        )
        and filter_passes(sub, event.payload)
    ]
    held = await held_until(session, [event.id]) if rows else {}
    for row in rows:
        row["next_attempt_at"] = held.get(event.id, now)
    if rows:
        await insert_rows(session, Delivery.__table__, rows)
    return len(rows)


async def held_until(session: AsyncSession, event_ids: list[str]) -> dict[str, datetime]:
    """Of ``event_ids``, those still waiting for completion, with when their deliveries become
    due by themselves: a replay or redelivery of a held event waits for the completion too (the
    completing worker makes every not yet tried delivery of the event due)."""
    if not event_ids:
        return {}
    rows = await session.execute(
        select(Completion.event_id, Completion.deadline_at).where(
            Completion.event_id.in_(event_ids), Completion.status == "pending"
        )
    )
    return {event_id: deadline + HOLD_GRACE for event_id, deadline in rows}


def recoverable(sub: Subscription, *, since: datetime, until: datetime | None) -> Select[Any]:
    """The events ``sub`` still selects, received in [since, until), whose delivery to it
    failed and that no later delivery to it is pending or has succeeded: what a recovery
    queues again, each event once however often it failed."""
    later = aliased(Delivery)
    superseded = (
        select(later.id)
        .where(
            later.subscription_id == sub.id,
            later.event_id == Delivery.event_id,
            later.id > Delivery.id,
            later.status != "failed",
        )
        .exists()
    )
    failed = (
        select(Delivery.id)
        .where(
            Delivery.event_id == Event.id,
            Delivery.subscription_id == sub.id,
            Delivery.status == "failed",
            ~superseded,
        )
        .exists()
    )
    return selected_events(sub, since=since, until=until).where(failed).order_by(Event.id)


async def recover(
    session: AsyncSession,
    sub: Subscription,
    *,
    since: datetime,
    until: datetime | None,
    now: datetime,
    at_most: int | None = None,
    count_only: bool = False,
) -> int:
    """Queue a new delivery to ``sub`` of every ``recoverable`` event (or, ``count_only``, say
    how many there are); ``WindowTooWide`` (and nothing queued) past ``at_most`` events."""
    query = recoverable(sub, since=since, until=until)
    if at_most is not None:
        query = query.limit(at_most + 1)
    events = _passing(sub, (await session.execute(query)).all())
    if at_most is not None and len(events) > at_most:
        raise WindowTooWide(at_most)
    if count_only:
        return len(events)
    for start in range(0, len(events), REPLAY_CHUNK):
        rows = [
            delivery_row(e.id, sub.id, now, ordering_key(sub, e.connection_id, e.subject))
            for e in events[start : start + REPLAY_CHUNK]
        ]
        await insert_rows(session, Delivery.__table__, rows)
    return len(events)
