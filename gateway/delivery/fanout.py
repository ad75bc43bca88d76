"""Fan-out inside the ingest transaction: one delivery row per matching subscription."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.ids import new_id
from gateway.storage.models import Delivery, Subscription
from schemas import matches


def subscription_selects(sub: Any, *, event_type: str, tenant: str, provider: str) -> bool:
    """Whether a subscription (row or row-like) wants an event."""
    if sub.scope_tenant is not None and sub.scope_tenant != tenant:
        return False
    if sub.tenants and tenant not in sub.tenants:
        return False
    if sub.providers and provider not in sub.providers:
        return False
    return any(matches(pattern, event_type) for pattern in sub.events)


def queue_deliveries(conn: Connection, events: Sequence[Mapping[str, Any]], now: datetime) -> int:
    """Queue a delivery for every (event, matching subscription); returns how many.

    Runs inside the caller's transaction (the ingest group commit). Paused and disabled
    subscriptions get their deliveries queued too: they wait for resume, nothing is dropped.
    ``events`` are event rows as mappings (``id``, ``type``, ``tenant``, ``provider``).
    """
    if not events:
        return 0
    subs = conn.execute(
        select(
            Subscription.id,
            Subscription.scope_tenant,
            Subscription.events,
            Subscription.tenants,
            Subscription.providers,
        )
    ).all()
    if not subs:
        return 0
    rows = [
        {
            "id": new_id("dlv"),
            "event_id": ev["id"],
            "subscription_id": sub.id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for ev in events
        for sub in subs
        if subscription_selects(
            sub, event_type=ev["type"], tenant=ev["tenant"], provider=ev["provider"]
        )
    ]
    if rows:
        conn.execute(insert(Delivery), rows)
    return len(rows)


async def fan_out(session: AsyncSession, events: Sequence[Mapping[str, Any]], now: datetime) -> int:
    """``queue_deliveries`` inside an async session's transaction."""
    return await session.run_sync(lambda sync: queue_deliveries(sync.connection(), events, now))
