"""Expiry of unverified receipts (``UNIHOOK_UNVERIFIED_TTL``): run by every worker on its own
schedule and by ``unihook purge``."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.core.ids import id_at
from gateway.storage.models import Receipt


async def purge_unverified(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    ttl: float,
    batch_size: int = 1000,
) -> int:
    """Delete the requests kept unverified for longer than ``ttl`` seconds, in short
    transactions; how many went. Ids are time-ordered, so the scan stops at the cutoff."""
    cutoff = now - timedelta(seconds=ttl)
    before = id_at("rcp", cutoff)
    deleted = 0
    while True:
        async with sessions() as session, session.begin():
            ids = list(
                (
                    await session.execute(
                        select(Receipt.id)
                        .where(
                            Receipt.outcome == "unverified",
                            Receipt.id < before,
                            Receipt.received_at < cutoff,
                        )
                        .limit(batch_size)
                    )
                ).scalars()
            )
            if not ids:
                return deleted
            result: Any = await session.execute(delete(Receipt).where(Receipt.id.in_(ids)))
            deleted += int(result.rowcount or 0)
        await asyncio.sleep(0)
