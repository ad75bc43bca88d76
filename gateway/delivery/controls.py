"""The database side of rate limits, ordering and delivery visibility, shared by every worker.

- ``take_slots``: a subscription's next send slots, taken atomically (see ``pacing``).
- ``report``/``forget``: what each dispatcher holds per subscription (in flight, held back by a
  rate limit, its destination's concurrency), upserted every few seconds into
  ``dispatcher_gauges``; ``gauges`` sums the fresh reports of every worker.
- ``ordering_held``: deliveries waiting behind an earlier one of their subject.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.delivery.queue import DELIVERIES, IS_HEAD, SUBSCRIPTIONS
from gateway.storage.models import DispatcherGauge

GAUGES = cast(Table, DispatcherGauge.__table__)
STALE_AFTER = timedelta(seconds=15)  # a report older than this is from a worker that is gone


@dataclass(frozen=True, slots=True)
class Gauge:
    """One subscription's delivery state, as one worker (or all of them, summed) reports it."""

    in_flight: int = 0
    rate_limited: int = 0
    concurrency: int = 0


async def take_slots(
    sessions: async_sessionmaker[AsyncSession],
    subscription_id: str,
    count: int,
    step: float,
    now: float,
) -> float | None:
    """Take ``count`` send slots ``step`` seconds apart, from ``now`` or the next free one."""
    next_at = SUBSCRIPTIONS.c.rate_next_at
    start = case((or_(next_at.is_(None), next_at < now), now), else_=next_at)
    async with sessions() as session, session.begin():
        end = await session.scalar(
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.id == subscription_id)
            .values(rate_next_at=start + count * step)
            .returning(SUBSCRIPTIONS.c.rate_next_at)
        )
    return None if end is None else float(end)


async def report(
    sessions: async_sessionmaker[AsyncSession],
    owner: str,
    gauges: Mapping[str, Gauge],
    now: datetime,
) -> None:
    """Replace this worker's reports with ``gauges`` (by subscription id)."""
    async with sessions() as session, session.begin():
        await session.execute(delete(GAUGES).where(GAUGES.c.owner == owner))
        if gauges:
            await session.execute(
                GAUGES.insert(),
                [
                    {
                        "owner": owner,
                        "subscription_id": sub_id,
                        "in_flight": g.in_flight,
                        "rate_limited": g.rate_limited,
                        "concurrency": g.concurrency,
                        "reported_at": now,
                    }
                    for sub_id, g in sorted(gauges.items())
                ],
            )


async def forget(sessions: async_sessionmaker[AsyncSession], owner: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(delete(GAUGES).where(GAUGES.c.owner == owner))


async def gauges(session: AsyncSession, subscription_id: str, now: datetime) -> Gauge:
    """Every live worker's report for one subscription, summed."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(GAUGES.c.in_flight), 0),
                func.coalesce(func.sum(GAUGES.c.rate_limited), 0),
                func.coalesce(func.sum(GAUGES.c.concurrency), 0),
            ).where(
                GAUGES.c.subscription_id == subscription_id,
                GAUGES.c.reported_at > now - STALE_AFTER,
            )
        )
    ).one()
    return Gauge(int(row[0]), int(row[1]), int(row[2]))


async def ordering_held(session: AsyncSession, subscription_ids: Collection[str]) -> dict[str, int]:
    """Pending deliveries of ``subscription_ids`` that wait for an earlier one of their subject."""
    if not subscription_ids:
        return {}
    d = DELIVERIES.c
    rows = await session.execute(
        select(d.subscription_id, func.count())
        .where(
            d.subscription_id.in_(list(subscription_ids)),
            d.status == "pending",
            d.ordering_key.is_not(None),
            ~IS_HEAD,
        )
        .group_by(d.subscription_id)
    )
    return {sub_id: int(n) for sub_id, n in rows.all()}
