"""``unihook reprocess``: quarantined receipts re-normalised once an adapter is fixed."""

from __future__ import annotations

from dataclasses import dataclass, field

from msgspec.structs import asdict
from sqlalchemy import select, update

from gateway.core.clock import utcnow
from gateway.delivery.fanout import fan_out
from gateway.ingest.commit import people_rows
from gateway.ingest.pipeline import prepare
from gateway.runtime import LiveConnection, Runtime
from gateway.storage.bulk import insert_rows
from gateway.storage.models import Connection, Event, EventPerson, Receipt
from providers.registry import UnknownProvider


@dataclass
class ReprocessReport:
    accepted: int = 0
    duplicates: int = 0
    still_quarantined: int = 0
    lines: list[str] = field(default_factory=list)


async def reprocess(runtime: Runtime, receipt_id: str | None = None) -> ReprocessReport:
    """Turn quarantined receipts that now normalise into events (deduplicated, fanned out)."""
    report = ReprocessReport()
    query = select(Receipt).where(Receipt.outcome == "quarantined").order_by(Receipt.id)
    if receipt_id:
        query = query.where(Receipt.id == receipt_id)
    async with runtime.sessions() as session:
        receipts = list((await session.execute(query)).scalars())
        connections = await session.execute(select(Connection.id, Connection.verify))
        verify = {row.id: row.verify for row in connections}
    for receipt in receipts:
        try:
            adapter = runtime.registry.get(receipt.provider)
        except UnknownProvider:
            report.still_quarantined += 1
            report.lines.append(f"{receipt.id}: provider {receipt.provider!r} is not installed")
            continue
        conn = LiveConnection(
            id=receipt.connection_id,
            provider=receipt.provider,
            tenant=receipt.tenant,
            verify=verify.get(receipt.connection_id, True),
            secrets=(),
        )
        fresh, event = prepare(
            adapter=adapter,
            connection=conn,
            body=receipt.body,
            headers=receipt.headers,
            received_at=receipt.received_at,
            receipt_id=receipt.id,
            people=runtime.people,
        )
        if event is None:
            report.still_quarantined += 1
            report.lines.append(f"{receipt.id}: still fails: {fresh.error}")
            continue
        async with runtime.sessions() as session, session.begin():
            first = (
                await session.execute(
                    select(Event.id).where(
                        Event.connection_id == event.connection_id,
                        Event.source_event_id == event.source_event_id,
                    )
                )
            ).scalar_one_or_none()
            if first is None:
                fresh_events = [event]
                for more in event.also:  # the events its body implies, unless already stored
                    found = await session.execute(
                        select(Event.id).where(
                            Event.connection_id == more.connection_id,
                            Event.source_event_id == more.source_event_id,
                        )
                    )
                    if found.scalar_one_or_none() is None:
                        fresh_events.append(more)
                columns = [asdict(e) for e in fresh_events]
                for row in columns:
                    del row["also"]
                await insert_rows(session, Event.__table__, columns)
                await insert_rows(session, EventPerson.__table__, people_rows(fresh_events))
                await fan_out(session, fresh_events, utcnow())
                outcome, event_id = "accepted", event.id
                report.accepted += 1
            else:
                outcome, event_id = "duplicate", first
                report.duplicates += 1
            await session.execute(
                update(Receipt)
                .where(Receipt.id == receipt.id)
                .values(outcome=outcome, event_id=event_id, error=None)
            )
        report.lines.append(f"{receipt.id}: {outcome} as {event_id}")
    if report.accepted:
        runtime.wake_dispatcher.set()
    return report
