"""Row locks that serialise a read-then-write on every driver.

On PostgreSQL a write takes the row's lock until commit; on SQLite any write takes the database's
write lock until commit. So making the first statement of a transaction a write to the row in
question serialises it against every other transaction that does the same, on both.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import Update, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.storage.models import Connection, Subscription, SubscriptionOwner


async def lock_owner(session: AsyncSession, owner: str) -> None:
    """Hold ``owner``'s lock row (made on first use) until the transaction ends."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SubscriptionOwner).values(owner=owner)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SubscriptionOwner.owner], set_={"owner": statement.excluded.owner}
        )
    )


async def lock_subscription(session: AsyncSession, subscription_id: str) -> bool:
    """Hold the subscription's row until the transaction ends; False when it is gone (a DELETE
    that committed first), so the caller answers 404 instead of writing to a deleted row."""
    return await _touch(
        session,
        update(Subscription)
        .where(Subscription.id == subscription_id)
        .values(owner=Subscription.owner),
    )


async def lock_connection(session: AsyncSession, connection_id: str) -> bool:
    """As ``lock_subscription``, for a connection."""
    return await _touch(
        session,
        update(Connection).where(Connection.id == connection_id).values(tenant=Connection.tenant),
    )


async def _touch(session: AsyncSession, statement: Update) -> bool:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


MAINTENANCE_LOCK = 0x756E69686F6F6B  # "unihook": the advisory lock of the maintenance leader


@contextlib.asynccontextmanager
async def elected(engine: AsyncEngine, key: int = MAINTENANCE_LOCK) -> AsyncIterator[bool]:
    """Whether this process leads the pass it wraps. On PostgreSQL one session at a time holds
    the advisory lock ``key`` (the others are told False and skip the pass); SQLite has one
    writer anyway, and its purges are safe side by side, so every process leads there."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    async with engine.connect() as conn:
        held = bool(
            (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})).scalar()
        )
        await conn.commit()
        try:
            yield held
        finally:
            if held:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await conn.commit()
