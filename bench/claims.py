"""The dispatcher's claim from a small and from a deep backlog, side by side, on SQLite and on
PostgreSQL: what a claim reads (SQLite's virtual-machine steps, PostgreSQL's buffers and rows)
and deliveries claimed a second, while a worker holds ``--held`` leased deliveries (as a busy
worker does) and ``--saturated`` of the ``--subscriptions`` are left out as saturated.

Each size gets a fresh database: ``--subscriptions`` subscriptions and N pending deliveries
written in one INSERT ... SELECT (events x subscriptions), not through ingest. A round claims up
to 1,000 and marks them delivered, as a recorded batch does.

    python -m bench claims [--sizes 8000 1000000] [--rounds 20] [--held 4000]
                           [--subscriptions 100] [--saturated 0]

PostgreSQL runs when ``UNIHOOK_BENCH_POSTGRES_URL`` (or ``UNIHOOK_TEST_POSTGRES_URL``) is set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.dialects import postgresql, sqlite

from bench.results import record
from gateway.core.ids import id_floor
from gateway.core.settings import Settings
from gateway.delivery import queue
from gateway.runtime import Runtime
from gateway.storage.models import Connection, Event, Subscription

CLAIM = 1000
HELD_BY = "bench-other-worker"


def _settings(url: str) -> Settings:
    from cryptography.fernet import Fernet

    return Settings.from_env(
        {
            "UNIHOOK_DATABASE_URL": url,
            "UNIHOOK_ADMIN_TOKEN": "bench-admin-token-0123456789abcdef",
            "UNIHOOK_SECRET_KEY": Fernet.generate_key().decode(),
            "UNIHOOK_INGEST_WRITER": "thread",
        }
    )


async def seed(runtime: Runtime, deliveries: int, subscriptions: int, now: datetime) -> list[str]:
    """``deliveries`` pending deliveries due at ``now``, spread evenly over ``subscriptions``;
    returns the subscription ids."""
    subs = [f"sub_bench{i:06d}" for i in range(subscriptions)]
    events = max(1, deliveries // subscriptions)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            insert(Connection),
            [
                {
                    "id": "con_bench",
                    "provider": "breezy",
                    "tenant": "bench",
                    "verify": True,
                    "created_at": now,
                }
            ],
        )
        await session.execute(
            insert(Subscription),
            [
                {
                    "id": s,
                    "owner": "admin",
                    "url": f"http://127.0.0.1:{20000 + i}/",
                    "events": ["*"],
                    "include_raw": False,
                    "status": "active",
                    "successful_deliveries": 0,
                    "failed_deliveries": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, s in enumerate(subs)
            ],
        )
    base = id_floor(int((now - timedelta(hours=1)).timestamp() * 1000))[:10]
    for start in range(0, events, 5000):
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                insert(Event),
                [
                    {
                        "id": f"evt_{base}{i:016d}",
                        "tenant": "bench",
                        "provider": "breezy",
                        "connection_id": "con_bench",
                        "type": "ats.candidate.created",
                        "source_event_id": f"b{i}",
                        "occurred_at": now,
                        "received_at": now,
                        "receipt_id": f"rcp_{base}{i:016d}",
                        "payload": b"{}",
                    }
                    for i in range(start, min(events, start + 5000))
                ],
            )
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO deliveries (id, event_id, subscription_id, status, attempts, "
                "next_attempt_at, created_at, updated_at) "
                "SELECT 'dlv_' || substr(e.id, 5) || substr(s.id, 10), e.id, s.id, 'pending', 0, "
                ":due, :due, :due FROM events e CROSS JOIN subscriptions s"
            ).bindparams(due=now - timedelta(minutes=1)),
        )
        if runtime.settings.database_url.startswith("postgresql"):
            await session.execute(text("ANALYZE"))
    if runtime.settings.database_url.startswith("sqlite"):
        # The seed's write-ahead log holds the whole backlog: fold it into the database now,
        # or the first measured commits pay for that checkpoint.
        async with runtime.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return subs


def _sql(query: Any, url: str) -> str:
    dialect = postgresql.dialect() if url.startswith("postgresql") else sqlite.dialect()
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def sqlite_reads(path: Path, query: Any) -> tuple[int, list[str]]:
    """The claim query's virtual-machine steps (to within 100) and its plan."""
    sql = _sql(query, "sqlite")
    with sqlite3.connect(path) as conn:
        steps = [0]

        def tick() -> int:
            steps[0] += 1
            return 0

        conn.set_progress_handler(tick, 100)
        conn.execute(sql).fetchall()
        conn.set_progress_handler(None, 0)
        plan = [str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    return steps[0] * 100, plan


async def postgres_reads(runtime: Runtime, query: Any) -> tuple[int, list[str]]:
    """Shared buffers the claim query touched (hit + read) and its plan, from EXPLAIN ANALYZE."""
    sql = _sql(query, "postgresql")
    async with runtime.sessions() as session, session.begin():
        lines = [
            str(r[0])
            for r in await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}"))
        ]
    buffers = 0
    for line in lines[:3]:
        if "Buffers:" in line:
            for part in line.split("Buffers:")[1].replace(",", " ").split():
                if "=" in part and part.split("=")[0] in ("hit", "read"):
                    buffers += int(part.split("=")[1])
            break
    return buffers, lines


async def measure(
    url: str, size: int, args: argparse.Namespace, path: Path | None
) -> dict[str, Any]:
    runtime = Runtime.build(_settings(url))
    await runtime.migrate()
    now = datetime.now(UTC)
    subs = await seed(runtime, size, args.subscriptions, now)
    # A busy worker's holdings: leased, still pending, due as long ago as the rest.
    async with runtime.sessions() as session, session.begin():
        _, unleased = queue.claim_queries(now=now, limit=args.held)
        ids = [r.id for r in await session.execute(unleased)]
        for start in range(0, len(ids), 500):
            await session.execute(
                update(queue.DELIVERIES)
                .where(queue.DELIVERIES.c.id.in_(ids[start : start + 500]))
                .values(lease_owner=HELD_BY, lease_expires_at=now + timedelta(hours=1))
            )
    exclude = subs[: args.saturated]
    _, probe = queue.claim_queries(now=now, limit=CLAIM, exclude=exclude)
    if path is not None:
        reads, plan = sqlite_reads(path, probe)
    else:
        reads, plan = await postgres_reads(runtime, probe)
    claimed = 0
    started = time.perf_counter()
    for _ in range(args.rounds):
        got, _found = await queue.claim(
            runtime.sessions,
            owner="bench",
            now=now,
            lease_seconds=60,
            limit=CLAIM,
            pick=lambda c: c,
            exclude=exclude,
        )
        if not got:
            break
        claimed += len(got)
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                update(queue.DELIVERIES)
                .where(queue.DELIVERIES.c.id.in_([c.id for c in got]))
                .values(status="succeeded", lease_owner=None, lease_expires_at=None)
            )
    elapsed = time.perf_counter() - started
    await runtime.close()
    return {"rate": claimed / elapsed if elapsed else 0.0, "reads": reads, "plan": plan}


@contextmanager
def _database(backend: str) -> Iterator[tuple[str, Path | None]]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="unihook-bench-claims-") as tmp:
            path = Path(tmp) / "claims.db"
            yield f"sqlite+aiosqlite:///{path}", path
    else:
        from bench.postgres import fresh_database

        with fresh_database(_postgres_url() or "") as url:
            yield url, None


def _postgres_url() -> str | None:
    return os.environ.get("UNIHOOK_BENCH_POSTGRES_URL") or os.environ.get(
        "UNIHOOK_TEST_POSTGRES_URL"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench claims", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--held", type=int, default=4000)
    parser.add_argument("--subscriptions", type=int, default=100)
    parser.add_argument("--saturated", type=int, default=0)
    parser.add_argument("--plans", action="store_true", help="print each claim query's plan")
    args = parser.parse_args(argv)
    backends = ["sqlite"] + (["postgresql"] if _postgres_url() else [])
    print(
        f"claims of {CLAIM} while {args.held:,} are held; {args.subscriptions} subscriptions, "
        f"{args.saturated} saturated"
    )
    print(f"{'database':<12}{'pending':>12}{'claimed/s':>12}{'reads':>12}  reads are")
    for backend in backends:
        unit = "VM steps" if backend == "sqlite" else "buffers"
        rates = []
        for size in args.sizes:
            with _database(backend) as (url, path):
                out = asyncio.run(measure(url, size, args, path))
            rates.append(out["rate"])
            print(
                f"{backend:<12}{size:>12,}{out['rate']:>12,.0f}{out['reads']:>12,}  {unit}",
                flush=True,
            )
            if args.plans:
                for line in out["plan"]:
                    print(f"      {line}")
            record(
                f"claims.{backend}.{size}.claimed_per_s", out["rate"], "/s", higher_is_better=True
            )
            record(f"claims.{backend}.{size}.reads", out["reads"], unit, higher_is_better=False)
        if len(rates) > 1 and rates[0]:
            print(
                f"{backend:<12}{'ratio':>12}{rates[-1] / rates[0]:>12.2f}  "
                f"(largest / smallest backlog; target within 10%: >= 0.90)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
