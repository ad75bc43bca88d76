"""The benchmarks' bulk seed (``bench.seed``) writes rows the gateway reads as its own: the part
made in Python and the copies the database makes of it alike, every id distinct, each payload
naming its own row, and every reference pointing at a row that exists."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from sqlalchemy import func, select

from bench import seed as bench_seed
from gateway.runtime import Runtime
from gateway.services.access import ADMIN
from gateway.services.stories import timeline
from gateway.storage.models import Attempt, Delivery, Event, Receipt


async def test_copies_are_whole_events_with_their_own_ids(
    services: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_seed, "MADE_IN_PYTHON", 100)
    ids = await bench_seed.seed(services, 300)  # 100 made in Python, two copies of them
    async with services.sessions() as session:
        events = (await session.execute(select(Event))).scalars().all()
        receipts: dict[str, Any] = {
            r.id: r for r in (await session.execute(select(Receipt))).scalars()
        }
        deliveries = (await session.execute(select(Delivery))).scalars().all()
        attempts = await session.scalar(select(func.count()).select_from(Attempt))
    assert len(events) == 300
    assert len({e.id for e in events}) == 300
    assert len({(e.connection_id, e.source_event_id) for e in events}) == 300
    assert len(receipts) == 300 + bench_seed.QUARANTINED
    assert len(deliveries) == attempts == 300
    for event in events:
        stored = msgspec.json.decode(event.payload)
        assert stored["id"] == event.id
        assert stored["source"]["event_id"] == event.source_event_id
        receipt = receipts[event.receipt_id]
        assert receipt.event_id == event.id
        assert receipt.body == event.payload
    assert {d.event_id for d in deliveries} == {e.id for e in events}
    # a copy's events sort among the others by the time they were received
    by_id = sorted(events, key=lambda e: e.id)
    assert [e.received_at for e in by_id] == sorted(e.received_at for e in events)
    # the subject the benchmarks ask for has an event of each copy, read as the gateway reads it
    story = await timeline(services, ADMIN, ids["subject"])
    assert sum(len(entries) for entries in story.by_tenant.values()) == 3
