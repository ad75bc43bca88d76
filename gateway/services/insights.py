"""Read-only views for people: overview figures, an event's story, timelines and search.

Tenant-scoped exactly as the management API scopes them: a tenant key sees its tenant's
events, receipts and the subscriptions it owns, nothing else.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import utcnow
from gateway.core.ids import id_at
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.health import Health, delivery_health
from gateway.storage.models import Attempt, Connection, Delivery, Event, Receipt, Subscription

HOURS = 24
SEARCH_WINDOW = 2_000
TIMELINE_WINDOW = 5_000


def _events_visible(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.tenant is None else Event.tenant == principal.tenant


def _subscriptions_visible(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.tenant is None else Subscription.scope_tenant == principal.tenant


@dataclass
class Overview:
    """What the overview page shows, for the last hour and day."""

    events_hour: int = 0
    events_day: int = 0
    attempts_day: int = 0
    health: Health = field(default_factory=Health)
    events_by_hour: list[int] = field(default_factory=list)
    attempts_by_hour: list[int] = field(default_factory=list)
    failures_by_hour: list[int] = field(default_factory=list)
    failing: list[Subscription] = field(default_factory=list)
    quarantined: int = 0


async def overview(runtime: Runtime, principal: Principal, now: datetime | None = None) -> Overview:
    """Counts for the last hour and day, hourly series, delivery health, problems.

    Ids sort by time, so every time window is an id range: each count reads one index range
    (events by ``(tenant, id)`` for a tenant, attempts by ``(id, status_code, delivery_id)``),
    never a whole table. The 24 hourly buckets end now: the last is the last hour, their sum
    the last day."""
    now = now or utcnow()
    bounds = [now - timedelta(hours=HOURS - i) for i in range(HOURS + 1)]
    out = Overview()
    ok = and_(Attempt.status_code >= 200, Attempt.status_code < 300)
    async with runtime.sessions() as session:

        async def events_between(lo: datetime, hi: datetime) -> int:
            query = select(func.count()).where(
                _events_visible(principal),
                Event.id >= id_at("evt", lo),
                Event.id < id_at("evt", hi),
            )
            return (await session.scalar(query)) or 0

        async def attempts_between(lo: datetime, hi: datetime) -> tuple[int, int]:
            query = select(func.count(), func.sum(case((ok, 1), else_=0))).where(
                Attempt.id >= id_at("att", lo), Attempt.id < id_at("att", hi)
            )
            row = (await session.execute(query)).one()
            return row[0] or 0, row[1] or 0

        out.events_by_hour = [await events_between(lo, hi) for lo, hi in itertools.pairwise(bounds)]
        out.events_day, out.events_hour = sum(out.events_by_hour), out.events_by_hour[-1]
        if principal.tenant is None:
            hourly = [await attempts_between(lo, hi) for lo, hi in itertools.pairwise(bounds)]
        else:
            hourly = await _tenant_attempts(session, principal, bounds)
        out.attempts_by_hour = [n for n, _ in hourly]
        out.failures_by_hour = [n - good for n, good in hourly]
        out.attempts_day = sum(out.attempts_by_hour)
        out.health = await delivery_health(session, now, tenant=principal.tenant)

        out.failing = list(
            (
                await session.execute(
                    select(Subscription)
                    .where(
                        _subscriptions_visible(principal),
                        or_(
                            Subscription.status == "disabled",
                            Subscription.failing_since.is_not(None),
                        ),
                    )
                    .order_by(Subscription.id)
                    .limit(50)
                )
            ).scalars()
        )
        quarantine = (
            select(func.count()).select_from(Receipt).where(Receipt.outcome == "quarantined")
        )
        if principal.tenant is not None:
            quarantine = quarantine.where(Receipt.tenant == principal.tenant)
        out.quarantined = (await session.scalar(quarantine)) or 0
    return out


async def _tenant_attempts(
    session: AsyncSession, principal: Principal, bounds: list[datetime]
) -> list[tuple[int, int]]:
    """(attempts, 2xx) per hour to the subscriptions a tenant key sees. One query reads the
    day's attempts of those subscriptions and the hours are counted here: a query per hour would
    walk every delivery of the tenant once for each hour."""
    subscriptions = list(
        (
            await session.execute(select(Subscription.id).where(_subscriptions_visible(principal)))
        ).scalars()
    )
    counts = [[0, 0] for _ in range(len(bounds) - 1)]
    if not subscriptions:
        return [(n, good) for n, good in counts]
    floors = [id_at("att", b) for b in bounds]
    rows = await session.execute(
        select(Attempt.id, Attempt.status_code)
        .join(Delivery, Delivery.id == Attempt.delivery_id)
        .where(
            Attempt.id >= floors[0],
            Attempt.id < floors[-1],
            Delivery.subscription_id.in_(subscriptions),
        )
    )
    for attempt_id, status in rows:
        hour = bisect.bisect_right(floors, attempt_id) - 1
        if 0 <= hour < len(counts):
            counts[hour][0] += 1
            counts[hour][1] += 1 if status is not None and 200 <= status < 300 else 0
    return [(n, good) for n, good in counts]


async def last_events(
    runtime: Runtime, principal: Principal, connection_ids: list[str]
) -> dict[str, Event]:
    """The newest event of each connection (one index seek each: events by connection, id)."""
    out: dict[str, Event] = {}
    if not connection_ids:
        return out
    newest = (
        select(func.max(Event.id))
        .where(Event.connection_id == Connection.id)
        .correlate(Connection)
        .scalar_subquery()
    )
    query = (
        select(Event)
        .join(Connection, Event.id == newest)
        .where(Connection.id.in_(connection_ids), _events_visible(principal))
    )
    async with runtime.sessions() as session:
        for event in (await session.execute(query)).scalars():
            out[event.connection_id] = event
    return out
