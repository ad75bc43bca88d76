"""Delivery health: what the overview and each subscription's page show, computed once.

Counted in deliveries, not attempts: a delivery is pending (on its way or waiting for a
retry), succeeded or failed (its retries spent). Pending is never counted as failed. The
first-attempt figures say how a destination answers events the first time they are sent,
so redeliveries, replays and retries do not skew them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import utcnow
from gateway.core.ids import id_at
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.subscriptions import find_subscription
from gateway.storage.models import Attempt, Delivery, Subscription

WINDOW = timedelta(hours=24)
FIRST_ATTEMPT_SAMPLE = 2_000


@dataclass(frozen=True, slots=True)
class Health:
    """Deliveries made in the window by state, and their first attempts."""

    succeeded: int = 0
    failed: int = 0
    pending: int = 0
    first_attempts: int = 0  # of the newest FIRST_ATTEMPT_SAMPLE deliveries that were tried
    first_attempts_ok: int = 0
    first_latency_p50_ms: float | None = None
    first_latency_p90_ms: float | None = None
    first_latency_p99_ms: float | None = None

    @property
    def deliveries(self) -> int:
        return self.succeeded + self.failed + self.pending

    @property
    def delivery_success_rate(self) -> float | None:
        """Succeeded of the deliveries that are settled (pending ones are not yet either)."""
        settled = self.succeeded + self.failed
        return self.succeeded / settled if settled else None

    @property
    def first_attempt_success_rate(self) -> float | None:
        return self.first_attempts_ok / self.first_attempts if self.first_attempts else None


async def delivery_health(
    session: AsyncSession,
    now: datetime,
    *,
    subscription_ids: Collection[str] | None = None,
    tenant: str | None = None,
) -> Health:
    """The health of the deliveries made in the last ``WINDOW`` to ``subscription_ids`` (all
    of ``tenant``'s subscriptions when it is given, every subscription when neither is)."""
    scope: ColumnElement[bool] = true()
    if subscription_ids is not None:
        scope = Delivery.subscription_id.in_(list(subscription_ids))
    elif tenant is not None:
        scope = Delivery.subscription_id.in_(
            select(Subscription.id).where(Subscription.scope_tenant == tenant)
        )
    recent = Delivery.id >= id_at("dlv", now - WINDOW)
    by_status = select(Delivery.status, func.count()).where(recent, scope)
    rows_by_status = (await session.execute(by_status.group_by(Delivery.status))).all()
    counts: dict[str, int] = {row[0]: row[1] for row in rows_by_status}
    tried = (
        select(Delivery.id)
        .where(recent, scope, Delivery.attempts > 0)
        .order_by(Delivery.id.desc())
        .limit(FIRST_ATTEMPT_SAMPLE)
        .subquery()
    )
    first = (
        select(func.min(Attempt.id).label("id"))
        .where(Attempt.delivery_id.in_(select(tried.c.id)))
        .group_by(Attempt.delivery_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Attempt.status_code, Attempt.latency_ms).join(first, Attempt.id == first.c.id)
        )
    ).all()
    latencies = sorted(latency for _, latency in rows)
    return Health(
        succeeded=counts.get("succeeded", 0),
        failed=counts.get("failed", 0),
        pending=counts.get("pending", 0),
        first_attempts=len(rows),
        first_attempts_ok=sum(1 for code, _ in rows if code is not None and 200 <= code < 300),
        first_latency_p50_ms=percentile(latencies, 0.50),
        first_latency_p90_ms=percentile(latencies, 0.90),
        first_latency_p99_ms=percentile(latencies, 0.99),
    )


def percentile(sorted_values: list[float], q: float) -> float | None:
    """The nearest-rank ``q`` quantile of ``sorted_values``; None when there are none."""
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def subscription_health(
    runtime: Runtime, principal: Principal, subscription_id: str
) -> tuple[Health, datetime | None]:
    """One subscription's ``delivery_health`` and since when it has been failing (None: it is
    not), the same figures and the same test the overview uses."""
    async with runtime.sessions() as session:
        row = await find_subscription(session, principal, subscription_id)
        health = await delivery_health(session, utcnow(), subscription_ids=[row.id])
        return health, row.failing_since


async def failing_subscriptions(runtime: Runtime, principal: Principal) -> set[str]:
    """The ids of the subscriptions the caller sees that are failing (as the overview says)."""
    query = select(Subscription.id).where(Subscription.failing_since.is_not(None))
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    async with runtime.sessions() as session:
        return set((await session.execute(query)).scalars())
