"""Read-only views for people: overview figures, an event's story, timelines and search.

Tenant-scoped exactly as the management API scopes them: a tenant key sees its tenant's
events, receipts and the subscriptions it owns, nothing else.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true

from gateway.core.clock import utcnow
from gateway.core.ids import id_floor
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.storage.models import Attempt, Connection, Delivery, Event, Receipt, Subscription

HOURS = 24
LATENCY_SAMPLE = 10_000
SEARCH_WINDOW = 2_000
TIMELINE_WINDOW = 5_000


def id_at(prefix: str, moment: datetime) -> str:
    """The smallest id made at ``moment``: ids sort by time, so time ranges are id ranges."""
    return f"{prefix}_{id_floor(int(moment.timestamp() * 1000))}"


def _events_visible(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.tenant is None else Event.tenant == principal.tenant


def _subscriptions_visible(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.tenant is None else Subscription.scope_tenant == principal.tenant


@dataclass
class Overview:
    """What the overview page shows, for the last hour and day."""

    events_hour: int = 0
    events_day: int = 0
    deliveries_hour: int = 0
    deliveries_day: int = 0
    attempts_day: int = 0
    successful_attempts_day: int = 0
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    latency_sample: int = 0
    events_by_hour: list[int] = field(default_factory=list)
    attempts_by_hour: list[int] = field(default_factory=list)
    failures_by_hour: list[int] = field(default_factory=list)
    failing: list[Subscription] = field(default_factory=list)
    quarantined: int = 0
    pending: int = 0

    @property
    def success_rate(self) -> float | None:
        return self.successful_attempts_day / self.attempts_day if self.attempts_day else None


def _hourly(column: Any, floors: list[str]) -> list[Any]:
    """One ``sum`` per hour over an id column (``floors`` are HOURS + 1 id bounds)."""
    return [
        func.sum(case((and_(column >= lo, column < hi), 1), else_=0))
        for lo, hi in itertools.pairwise(floors)
    ]


async def overview(
    services: Runtime, principal: Principal, now: datetime | None = None
) -> Overview:
    """Counts for the last hour and day, hourly series, latency percentiles, problems."""
    now = now or utcnow()
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    bounds = [start + timedelta(hours=i) for i in range(HOURS)] + [now + timedelta(seconds=1)]
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    out = Overview()
    async with services.sessions() as session:
        floors = [id_at("evt", b) for b in bounds]
        ev = (
            await session.execute(
                select(
                    func.count(),
                    func.sum(case((Event.id >= id_at("evt", hour_ago), 1), else_=0)),
                    *_hourly(Event.id, floors),
                ).where(_events_visible(principal), Event.id >= id_at("evt", day_ago))
            )
        ).one()
        out.events_day, out.events_hour = ev[0] or 0, ev[1] or 0
        out.events_by_hour = [v or 0 for v in ev[2:]]

        ok = and_(Attempt.status_code >= 200, Attempt.status_code < 300)
        attempt_floors = [id_at("att", b) for b in bounds]
        attempts = select(
            func.count(),
            func.sum(case((ok, 1), else_=0)),
            *_hourly(Attempt.id, attempt_floors),
            *[
                func.sum(case((and_(Attempt.id >= lo, Attempt.id < hi, ~ok), 1), else_=0))
                for lo, hi in itertools.pairwise(attempt_floors)
            ],
        ).where(Attempt.id >= id_at("att", day_ago))
        attempts = _scope_attempts(attempts, principal)
        at = (await session.execute(attempts)).one()
        out.attempts_day, out.successful_attempts_day = at[0] or 0, at[1] or 0
        out.attempts_by_hour = [v or 0 for v in at[2 : 2 + HOURS]]
        out.failures_by_hour = [v or 0 for v in at[2 + HOURS :]]

        delivered = (
            select(Delivery.last_attempt_at, Event.received_at)
            .join(Event, Event.id == Delivery.event_id)
            .where(
                Delivery.status == "succeeded",
                Delivery.event_id >= id_at("evt", day_ago),
                _events_visible(principal),
            )
            .order_by(Delivery.event_id.desc())
            .limit(LATENCY_SAMPLE)
        )
        if principal.tenant is not None:
            delivered = delivered.join(
                Subscription, Subscription.id == Delivery.subscription_id
            ).where(_subscriptions_visible(principal))
        rows = (await session.execute(delivered)).all()
        delays = sorted(
            (done - received).total_seconds() * 1000
            for done, received in rows
            if done is not None and received is not None
        )
        out.latency_sample = len(delays)
        out.latency_p50_ms = _percentile(delays, 0.50)
        out.latency_p99_ms = _percentile(delays, 0.99)
        out.deliveries_day = sum(1 for d, _ in rows if d is not None and d >= day_ago)
        out.deliveries_hour = sum(1 for d, _ in rows if d is not None and d >= hour_ago)

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


def _scope_attempts(query: Select[Any], principal: Principal) -> Select[Any]:
    if principal.tenant is None:
        return query
    return (
        query.join(Delivery, Delivery.id == Attempt.delivery_id)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(_subscriptions_visible(principal))
    )


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def last_events(
    services: Runtime, principal: Principal, connection_ids: list[str]
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
    async with services.sessions() as session:
        for event in (await session.execute(query)).scalars():
            out[event.connection_id] = event
    return out
