"""Retention: delete what is older than ``UNIHOOK_RETENTION_DAYS`` (``unihook purge``).

Old events go with their finished deliveries and those deliveries' attempts; then old receipts
that no kept event needs (a kept event's raw body lives in its receipt). An event with a pending
delivery is kept whatever its age: it must still be delivered, and it ages out once delivered.
Work is done in batches of primary keys, each batch one short transaction, so neither
PostgreSQL rows nor SQLite's single writer lock are held for long while ingest goes on.

Ids are time-ordered, so "made before the cutoff" is also an id range: every query is bounded
by the primary key as well as by the timestamp, and stops at the cutoff instead of scanning the
recent rows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, delete, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.core.ids import id_at
from gateway.storage.models import Attempt, Delivery, Event, Receipt

DEFAULT_BATCH_SIZE = 1000

EVENTS = cast(Table, Event.__table__)
RECEIPTS = cast(Table, Receipt.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)


@dataclass(frozen=True)
class TenantScope:
    """Which tenants a purge covers: one tenant, or every tenant but some (None: every one)."""

    only: str | None = None
    excluding: tuple[str, ...] = ()

    def clause(self, column: Any) -> Any:
        if self.only is not None:
            return column == self.only
        if self.excluding:
            return column.not_in(self.excluding)
        return true()


EVERY_TENANT = TenantScope()


@dataclass
class PurgeReport:
    """What a purge deleted (or, with ``dry_run``, would delete)."""

    cutoff: datetime
    dry_run: bool
    events: int = 0
    deliveries: int = 0
    attempts: int = 0
    receipts: int = 0
    kept_pending: int = 0  # old events kept because a delivery of theirs is pending
    batches: int = 0

    def summary(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        text = (
            f"{verb} {self.events} events, {self.deliveries} deliveries, {self.attempts} "
            f"attempts and {self.receipts} receipts received before {self.cutoff.isoformat()} "
            f"({self.batches} batches)"
        )
        if self.kept_pending:
            text += f"; kept {self.kept_pending} old events whose deliveries are still pending"
        return text


def _pending_delivery(event_id: Any) -> Any:
    return exists().where(DELIVERIES.c.event_id == event_id, DELIVERIES.c.status == "pending")


def _old_event(cutoff: datetime, scope: TenantScope = EVERY_TENANT) -> Any:
    """Events this purge removes: made before the cutoff and with nothing left to deliver."""
    return and_(
        scope.clause(EVENTS.c.tenant),
        EVENTS.c.id < id_at("evt", cutoff),
        EVENTS.c.received_at < cutoff,
        ~_pending_delivery(EVENTS.c.id),
    )


async def purge(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    days: float,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    scope: TenantScope = EVERY_TENANT,
) -> PurgeReport:
    """Delete events, their finished deliveries and attempts, and receipts, older than ``days``.

    Args:
        sessions: the database.
        now: the current time (the cutoff is ``now - days``).
        days: how old a row must be to go.
        batch_size: rows per transaction.
        dry_run: count what would go, delete nothing.
        scope: the tenants it covers (each tenant's own retention is a purge of its own).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = PurgeReport(cutoff=now - timedelta(days=days), dry_run=dry_run)
    await _purge_events(sessions, report, batch_size, scope)
    await _purge_receipts(sessions, report, batch_size, scope)
    async with sessions() as session:
        report.kept_pending = (
            await session.execute(
                select(func.count())
                .select_from(EVENTS)
                .where(
                    scope.clause(EVENTS.c.tenant),
                    EVENTS.c.id < id_at("evt", report.cutoff),
                    EVENTS.c.received_at < report.cutoff,
                    _pending_delivery(EVENTS.c.id),
                )
            )
        ).scalar_one()
    return report


async def _purge_events(
    sessions: async_sessionmaker[AsyncSession],
    report: PurgeReport,
    batch_size: int,
    scope: TenantScope,
) -> None:
    after = ""
    while True:
        async with sessions() as session, session.begin():
            ids = list(
                (
                    await session.execute(
                        select(EVENTS.c.id)
                        .where(EVENTS.c.id > after, _old_event(report.cutoff, scope))
                        .order_by(EVENTS.c.id)
                        .limit(batch_size)
                    )
                ).scalars()
            )
            if not ids:
                return
            after = ids[-1]
            finished = select(DELIVERIES.c.id).where(
                DELIVERIES.c.event_id.in_(ids), DELIVERIES.c.status != "pending"
            )
            if report.dry_run:
                report.attempts += await _count(
                    session, ATTEMPTS, ATTEMPTS.c.delivery_id.in_(finished)
                )
                report.deliveries += await _count(
                    session,
                    DELIVERIES,
                    and_(DELIVERIES.c.event_id.in_(ids), DELIVERIES.c.status != "pending"),
                )
                report.events += len(ids)
            else:
                report.attempts += await _delete(
                    session, ATTEMPTS, ATTEMPTS.c.delivery_id.in_(finished)
                )
                report.deliveries += await _delete(
                    session,
                    DELIVERIES,
                    and_(DELIVERIES.c.event_id.in_(ids), DELIVERIES.c.status != "pending"),
                )
                # re-checked here: a redelivery queued since the select keeps its event
                report.events += await _delete(
                    session,
                    EVENTS,
                    and_(
                        EVENTS.c.id.in_(ids),
                        ~exists().where(DELIVERIES.c.event_id == EVENTS.c.id),
                    ),
                )
        report.batches += 1
        await asyncio.sleep(0)  # let other work on this loop reach the database in between


async def _purge_receipts(
    sessions: async_sessionmaker[AsyncSession],
    report: PurgeReport,
    batch_size: int,
    scope: TenantScope,
) -> None:
    # A receipt stays while an event that is not being purged was made from it.
    kept_event = exists().where(
        EVENTS.c.id == RECEIPTS.c.event_id,
        EVENTS.c.receipt_id == RECEIPTS.c.id,
        ~_old_event(report.cutoff, scope),
    )
    after = ""
    while True:
        async with sessions() as session, session.begin():
            ids = list(
                (
                    await session.execute(
                        select(RECEIPTS.c.id)
                        .where(
                            scope.clause(RECEIPTS.c.tenant),
                            RECEIPTS.c.id > after,
                            RECEIPTS.c.id < id_at("rcp", report.cutoff),
                            RECEIPTS.c.received_at < report.cutoff,
                            ~kept_event,
                        )
                        .order_by(RECEIPTS.c.id)
                        .limit(batch_size)
                    )
                ).scalars()
            )
            if not ids:
                return
            after = ids[-1]
            if report.dry_run:
                report.receipts += len(ids)
            else:
                report.receipts += await _delete(
                    session, RECEIPTS, and_(RECEIPTS.c.id.in_(ids), ~kept_event)
                )
        report.batches += 1
        await asyncio.sleep(0)


async def _count(session: AsyncSession, table: Table, where: Any) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(table).where(where))).scalar_one()
    )


async def _delete(session: AsyncSession, table: Table, where: Any) -> int:
    result = await session.execute(delete(table).where(where))
    return int(cast(Any, result).rowcount or 0)


async def overdue_seconds(
    sessions: async_sessionmaker[AsyncSession], plan: list[tuple[TenantScope, int]], now: datetime
) -> float:
    """How far past its cutoff the oldest stored event is, over every purge of ``plan`` (0:
    none is overdue). Events kept for a pending delivery count: they are still stored."""
    worst = 0.0
    async with sessions() as session:
        for scope, days in plan:
            cutoff = now - timedelta(days=days)
            oldest = (
                await session.execute(
                    select(func.min(EVENTS.c.received_at)).where(
                        scope.clause(EVENTS.c.tenant),
                        EVENTS.c.id < id_at("evt", cutoff),
                        EVENTS.c.received_at < cutoff,
                    )
                )
            ).scalar()
            if oldest is not None:
                worst = max(worst, (cutoff - _aware(oldest)).total_seconds())
    return worst


def _aware(moment: datetime) -> datetime:
    """``min()`` over a column bypasses its type on SQLite: the text comes back naive (UTC)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
