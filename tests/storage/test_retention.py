"""``unihook purge``: old events, their finished deliveries and attempts, and old receipts go, in
batches; recent rows, and events with deliveries still pending, stay; a dry run deletes nothing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, insert, select, update

from gateway.core.clock import utcnow
from gateway.core.ids import encode_id
from gateway.runtime import Runtime
from gateway.services.retention import purge
from gateway.storage.models import Attempt, Delivery, Event, Receipt, Subscription

NOW = utcnow()
OLD = NOW - timedelta(days=40)
RECENT = NOW - timedelta(days=1)
TABLES = {"events": Event, "deliveries": Delivery, "attempts": Attempt, "receipts": Receipt}


def made_at(prefix: str, moment: datetime) -> str:
    """An id as ``new_id`` would have made it at ``moment``."""
    ms = int(moment.timestamp() * 1000)
    return f"{prefix}_{encode_id((ms << 80) | random.getrandbits(80))}"


@dataclass
class Data:
    """Rows written, by what should become of them."""

    subs: list[str] = field(default_factory=list)
    purged_events: list[str] = field(default_factory=list)
    kept_events: list[str] = field(default_factory=list)
    kept_receipts: list[str] = field(default_factory=list)
    pending_event: str = ""


class Writer:
    def __init__(self) -> None:
        self.rows: dict[type, list[dict[str, object]]] = {m: [] for m in TABLES.values()}
        self.subs: list[dict[str, object]] = []

    def subscription(self) -> str:
        sid = made_at("sub", OLD)
        self.subs.append(
            {
                "id": sid,
                "owner": "admin",
                "url": "https://example.com/hook",
                "events": ["*"],
                "include_raw": False,
                "status": "active",
                "successful_deliveries": 0,
                "failed_deliveries": 0,
                "created_at": OLD,
                "updated_at": OLD,
            }
        )
        return sid

    def receipt(
        self, at: datetime, *, event_id: str | None, outcome: str = "accepted", rid: str = ""
    ) -> str:
        rid = rid or made_at("rcp", at)
        self.rows[Receipt].append(
            {
                "id": rid,
                "connection_id": "con_x",
                "provider": "breezy",
                "tenant": "acme",
                "received_at": at,
                "headers": {},
                "body": b"{}",
                "outcome": outcome,
                "error": None,
                "event_id": event_id,
            }
        )
        return rid

    def event(
        self, at: datetime, *, made: datetime | None = None, receipt_at: datetime | None = None
    ) -> str:
        eid = made_at("evt", made or at)
        rid = self.receipt(receipt_at or at, event_id=eid)
        self.rows[Event].append(
            {
                "id": eid,
                "tenant": "acme",
                "provider": "breezy",
                "connection_id": "con_x",
                "type": "ats.job.created",
                "source_event_id": eid,
                "occurred_at": at,
                "received_at": at,
                "receipt_id": rid,
                "payload": b"{}",
            }
        )
        return eid

    def delivery(self, event_id: str, sub: str, at: datetime, status: str, attempts: int) -> str:
        did = made_at("dlv", at)
        self.rows[Delivery].append(
            {
                "id": did,
                "event_id": event_id,
                "subscription_id": sub,
                "status": status,
                "attempts": attempts,
                "next_attempt_at": at,
                "created_at": at,
                "updated_at": at,
            }
        )
        for n in range(attempts):
            self.rows[Attempt].append(
                {
                    "id": made_at("att", at + timedelta(seconds=n)),
                    "delivery_id": did,
                    "attempted_at": at + timedelta(seconds=n),
                    "status_code": 200 if status == "succeeded" and n == attempts - 1 else 500,
                    "latency_ms": 1.0,
                }
            )
        return did

    async def write(self, services: Runtime) -> None:
        async with services.sessions() as session, session.begin():
            await session.execute(insert(Subscription), self.subs)
            for model in (Receipt, Event, Delivery, Attempt):
                if self.rows[model]:
                    await session.execute(insert(model), self.rows[model])


async def seed(services: Runtime) -> Data:
    """Old: 5 delivered events (2 subscriptions, 2 attempts each), 1 failed, 1 with a pending
    delivery, a duplicate and a quarantined receipt, an event reprocessed recently from an old
    receipt. Recent: 3 delivered events."""
    w = Writer()
    data = Data()
    a, b = w.subscription(), w.subscription()
    for _ in range(5):
        eid = w.event(OLD)
        w.delivery(eid, a, OLD, "succeeded", 2)
        w.delivery(eid, b, OLD, "succeeded", 2)
        data.purged_events.append(eid)
    failed = w.event(OLD)
    w.delivery(failed, a, OLD, "failed", 3)
    data.purged_events.append(failed)
    w.receipt(OLD, event_id=data.purged_events[0], outcome="duplicate")
    w.receipt(OLD, event_id=None, outcome="quarantined")

    data.pending_event = w.event(OLD)
    w.delivery(data.pending_event, a, OLD, "succeeded", 1)
    w.delivery(data.pending_event, b, OLD, "pending", 2)
    data.kept_events.append(data.pending_event)

    reprocessed = w.event(OLD, made=RECENT)
    data.kept_events.append(reprocessed)
    for _ in range(3):
        eid = w.event(RECENT)
        w.delivery(eid, a, RECENT, "succeeded", 1)
        data.kept_events.append(eid)
    w.receipt(RECENT, event_id=None, outcome="quarantined")
    await w.write(services)
    return data


async def counts(services: Runtime) -> dict[str, int]:
    async with services.sessions() as session:
        return {
            name: (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for name, model in TABLES.items()
        }


async def test_purge_deletes_old_rows_in_batches_and_keeps_the_rest(services: Runtime) -> None:
    data = await seed(services)
    before = await counts(services)

    report = await purge(services.sessions, now=NOW, days=30, batch_size=2)

    assert (report.events, report.deliveries, report.attempts, report.receipts) == (6, 11, 23, 8)
    assert report.kept_pending == 1
    assert report.batches == 3 + 4  # 6 events, then 8 receipts, two at a time
    after = await counts(services)
    assert after == {
        "events": before["events"] - 6,
        "deliveries": before["deliveries"] - 11,
        "attempts": before["attempts"] - 23,
        "receipts": before["receipts"] - 8,
    }
    async with services.sessions() as session:
        events = set((await session.execute(select(Event.id))).scalars())
        assert events == set(data.kept_events)
        # every kept event still has its receipt (its raw body), its deliveries and attempts
        receipts = set((await session.execute(select(Receipt.event_id))).scalars())
        assert set(data.kept_events) <= receipts
        pending = (
            await session.execute(
                select(Delivery.status, Delivery.attempts).where(
                    Delivery.event_id == data.pending_event
                )
            )
        ).all()
        assert sorted(pending) == [("pending", 2), ("succeeded", 1)]
        kept_attempts = (
            await session.execute(
                select(func.count())
                .select_from(Attempt)
                .join(Delivery)
                .where(Delivery.event_id == data.pending_event)
            )
        ).scalar_one()
        assert kept_attempts == 3

    again = await purge(services.sessions, now=NOW, days=30, batch_size=2)
    assert (again.events, again.deliveries, again.attempts, again.receipts) == (0, 0, 0, 0)

    # once its last delivery is done, the old event goes too
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Delivery)
            .where(Delivery.event_id == data.pending_event)
            .values(status="succeeded")
        )
    last = await purge(services.sessions, now=NOW, days=30)
    assert (last.events, last.deliveries, last.attempts, last.receipts) == (1, 2, 3, 1)
    assert last.kept_pending == 0


async def test_dry_run_counts_the_same_and_deletes_nothing(services: Runtime) -> None:
    await seed(services)
    before = await counts(services)

    dry = await purge(services.sessions, now=NOW, days=30, batch_size=3, dry_run=True)

    assert await counts(services) == before
    assert "would delete" in dry.summary()
    real = await purge(services.sessions, now=NOW, days=30, batch_size=1000)
    assert (dry.events, dry.deliveries, dry.attempts, dry.receipts, dry.kept_pending) == (
        real.events,
        real.deliveries,
        real.attempts,
        real.receipts,
        real.kept_pending,
    )
    assert real.events == 6
    assert real.batches == 2


async def test_nothing_recent_is_touched(services: Runtime) -> None:
    await seed(services)
    report = await purge(services.sessions, now=NOW, days=60)
    assert (report.events, report.deliveries, report.attempts, report.receipts) == (0, 0, 0, 0)


def test_purge_command(database_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(UNIHOOK_DATABASE_URL=database_url, UNIHOOK_SECRET_KEY=Fernet.generate_key().decode())

    def unihook(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", *args],
            env={**env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    missing = unihook("purge")
    assert missing.returncode == 2
    assert "UNIHOOK_RETENTION_DAYS" in missing.stderr
    dry = unihook("purge", "--dry-run", UNIHOOK_RETENTION_DAYS="30")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("would delete 0 events")
    real = unihook("purge", "--days", "7", "--batch-size", "10")
    assert real.returncode == 0, real.stderr
    assert real.stdout.startswith("deleted 0 events")


@pytest.mark.parametrize("batch_size", [0, -1])
async def test_batch_size_must_be_positive(services: Runtime, batch_size: int) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        await purge(services.sessions, now=NOW, days=30, batch_size=batch_size)
