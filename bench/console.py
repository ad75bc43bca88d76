"""What each console page's queries cost on a large SQLite database.

Seeds ``--events`` events (default 100,000) over the last two days across three tenants and two
providers, each with its receipt, one delivery and one attempt (one in ten failed), plus some
quarantined receipts; then runs each page's service calls and prints their time (best of
``--repeat``, default 7) and SQLite's plan for every statement they ran.

python -m bench console [--events 100000] [--repeat 7] [--keep PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import event as sa_event

from bench.seed import seed
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.services import connections, deliveries, events, insights, quarantine, stories
from gateway.services.access import ADMIN, Principal


async def measure(path: Path, count: int, repeat: int) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        admin_token="bench",
        secret_key=Fernet.generate_key().decode(),
        ingest_writer="thread",
    )
    runtime = Runtime.build(settings)
    await runtime.migrate()
    started = time.perf_counter()
    ids = await seed(runtime, count)
    print(
        f"seeded {count:,} events (with receipts, deliveries, attempts) in "
        f"{time.perf_counter() - started:.0f} s: {path}"
    )
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        statements.append((statement, params))

    sa_event.listen(runtime.engine.sync_engine, "before_cursor_execute", capture)
    tenant = Principal(key_id="k", tenant="acme")
    pages: dict[str, Callable[[], Awaitable[Any]]] = {
        "overview (operator)": lambda: insights.overview(runtime, ADMIN),
        "overview (tenant)": lambda: insights.overview(runtime, tenant),
        "connections": lambda: insights.last_events(runtime, ADMIN, ids["connections"]),
        "events, first page": lambda: events.list_events(runtime, ADMIN, limit=50),
        "events, type + provider + tenant filter": lambda: events.list_events(
            runtime, ADMIN, type="ats.candidate.*", provider="breezy", tenant="globex", limit=50
        ),
        "events, since 1 h ago": lambda: events.list_events(
            runtime, tenant, since=(datetime.now(UTC) - timedelta(hours=1)).isoformat(), limit=50
        ),
        "events, live tail poll": lambda: events.list_events(
            runtime, ADMIN, after=ids["event"], limit=100
        ),
        "event page": lambda: stories.event_story(runtime, ADMIN, ids["event"]),
        "event deliveries": lambda: deliveries.event_deliveries(runtime, ADMIN, ids["event"]),
        "timeline (one subject, by its index)": lambda: stories.timeline(
            runtime, ADMIN, ids["subject"]
        ),
        "search by name (by its index)": lambda: stories.find_candidates(
            runtime, ADMIN, "ana lima"
        ),
        "subscription deliveries, failed": lambda: _deliveries(runtime, ids["subscription"]),
        "quarantine": lambda: quarantine.quarantined(runtime, ADMIN, limit=25),
        "connections list": lambda: connections.list_connections(runtime, ADMIN, limit=50),
    }
    plans: dict[str, list[str]] = {}
    print(f"\n{'page query':44} {'best of ' + str(repeat):>12}")
    for name, call in pages.items():
        best = float("inf")
        for _ in range(repeat):
            statements.clear()
            t0 = time.perf_counter()
            await call()
            best = min(best, time.perf_counter() - t0)
        plans[name] = _plans(path, list(statements))
        print(f"{name:44} {best * 1000:10.1f} ms")
    await runtime.close()
    print()
    for name, lines in plans.items():
        print(f"== {name}")
        for line in lines:
            print(f"   {line}")


async def _deliveries(runtime: Runtime, subscription_id: str) -> Any:
    from gateway.services.subscriptions import subscription_deliveries

    return await subscription_deliveries(runtime, ADMIN, subscription_id, status="failed", limit=50)


def _plans(path: Path, statements: list[tuple[str, Any]]) -> list[str]:
    """SQLite's plan for each statement, one line per step (the statement's first words first)."""
    out: list[str] = []
    db = sqlite3.connect(path)
    try:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            steps = db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            out.append(" ".join(sql.split())[:90] + " ...")
            out.extend(f"  - {step[-1]}" for step in steps)
    finally:
        db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench console", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="database file to create (default: a temp one)")
    args = parser.parse_args(argv)
    if args.keep:
        asyncio.run(measure(args.keep, args.events, args.repeat))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(Path(folder) / "console.db", args.events, args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
