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
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import event as sa_event
from sqlalchemy import insert

from gateway.core.ids import id_floor, time_ordered
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.services import connections, deliveries, events, insights, quarantine, stories
from gateway.services.access import ADMIN, Principal
from gateway.storage.models import Attempt, Connection, Delivery, Event, Receipt, Subscription

TENANTS = ("acme", "globex", "initech")
PROVIDERS = ("breezy", "hatchbeacon")
NAMES = ("Ana Lima", "José Álvarez", "李雷", "Priya Natarajan", "Sam Okafor", "Eve Martin")
TYPES = ("ats.application.created", "ats.application.stage_changed", "ats.candidate.hired")
CHUNK = 5000
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _id(prefix: str, moment: datetime) -> str:
    """An id made at ``moment`` (the gateway's own maker never goes back in time)."""
    floor = id_floor(int(moment.timestamp() * 1000))
    return f"{prefix}_{floor[:10]}{''.join(random.choices(ALPHABET, k=16))}"


def _payload(event_id: str, tenant: str, provider: str, kind: str, n: int, at: datetime) -> bytes:
    name = NAMES[n % len(NAMES)]
    candidate = {"id": f"c{n % 20000}", "name": f"{name} {n % 997}", "email": f"c{n}@mail.example"}
    body = {
        "id": event_id,
        "type": kind,
        "timestamp": at.isoformat().replace("+00:00", "Z"),
        "tenant": tenant,
        "source": {
            "provider": provider,
            "event_id": f"v{n}",
            "event_type": "x",
            "received_at": at.isoformat().replace("+00:00", "Z"),
        },
        "completeness": "full",
        "data": {
            "application": {
                "id": f"a{n % 30000}",
                "candidate": candidate,
                "job": {"id": "j1", "title": "Senior Backend Engineer"},
                "stage": {"id": "s", "name": "Phone Screen"},
            }
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


async def seed(runtime: Runtime, count: int) -> dict[str, Any]:
    """Fill the database; returns ids the timed calls need."""
    now = datetime.now(UTC)
    rng = random.Random(7)
    conns: dict[tuple[str, str], str] = {}
    subs: dict[str, str] = {}
    async with runtime.sessions() as session, session.begin():
        for tenant in TENANTS:
            for provider in PROVIDERS:
                conns[(tenant, provider)] = f"con_{time_ordered()}"
                session.add(
                    Connection(
                        id=conns[(tenant, provider)],
                        provider=provider,
                        tenant=tenant,
                        verify=True,
                        created_at=now,
                    )
                )
            subs[tenant] = f"sub_{time_ordered()}"
            session.add(
                Subscription(
                    id=subs[tenant],
                    owner="admin",
                    scope_tenant=tenant,
                    url="https://app.example/h",
                    description=None,
                    events=["*"],
                    tenants=None,
                    providers=None,
                    include_raw=False,
                    status="active",
                    disabled_reason=None,
                    successful_deliveries=0,
                    failed_deliveries=0,
                    last_delivery_at=None,
                    failing_since=None,
                    created_at=now,
                    updated_at=now,
                )
            )
    moments = sorted(now - timedelta(seconds=rng.uniform(0, 2 * 86400)) for _ in range(count))
    rows: dict[str, list[dict[str, Any]]] = {
        "events": [],
        "receipts": [],
        "deliveries": [],
        "attempts": [],
    }
    last_event = ""
    for n, at in enumerate(moments):
        tenant, provider = TENANTS[n % 3], PROVIDERS[(n // 3) % 2]
        event_id, receipt_id = _id("evt", at), _id("rcp", at)
        payload = _payload(event_id, tenant, provider, TYPES[n % 3], n, at)
        rows["receipts"].append(
            {
                "id": receipt_id,
                "connection_id": conns[(tenant, provider)],
                "provider": provider,
                "tenant": tenant,
                "received_at": at,
                "headers": {"content-type": "application/json"},
                "body": payload,
                "outcome": "accepted",
                "error": None,
                "event_id": event_id,
            }
        )
        rows["events"].append(
            {
                "id": event_id,
                "tenant": tenant,
                "provider": provider,
                "connection_id": conns[(tenant, provider)],
                "type": TYPES[n % 3],
                "source_event_id": f"v{n}",
                "occurred_at": at,
                "received_at": at,
                "receipt_id": receipt_id,
                "payload": payload,
                "subject": f"application/a{n % 30000}",
                "candidate_id": f"c{n % 20000}",
                "candidate_name": f"{NAMES[n % len(NAMES)]} {n % 997}",
                "candidate_name_key": f"{NAMES[n % len(NAMES)]} {n % 997}".casefold(),
                "candidate_email": f"c{n}@mail.example",
            }
        )
        done = at + timedelta(milliseconds=rng.uniform(5, 400))
        failed = n % 10 == 0
        delivery_id = _id("dlv", at)
        rows["deliveries"].append(
            {
                "id": delivery_id,
                "event_id": event_id,
                "subscription_id": subs[tenant],
                "status": "failed" if failed else "succeeded",
                "attempts": 1,
                "next_attempt_at": done,
                "last_status_code": 500 if failed else 200,
                "last_error": None,
                "last_attempt_at": done,
                "created_at": at,
                "updated_at": done,
            }
        )
        rows["attempts"].append(
            {
                "id": _id("att", done),
                "delivery_id": delivery_id,
                "attempted_at": done,
                "status_code": 500 if failed else 200,
                "latency_ms": 12.0,
                "response_snippet": "ok",
                "error": None,
            }
        )
        last_event = event_id
        if len(rows["events"]) >= CHUNK or n == count - 1:
            async with runtime.sessions() as session, session.begin():
                for table, model in (
                    ("receipts", Receipt),
                    ("events", Event),
                    ("deliveries", Delivery),
                    ("attempts", Attempt),
                ):
                    await session.execute(insert(model), rows[table])
            rows = {k: [] for k in rows}
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            insert(Receipt),
            [
                {
                    "id": _id("rcp", now),
                    "connection_id": conns[("acme", "breezy")],
                    "provider": "breezy",
                    "tenant": "acme",
                    "received_at": now,
                    "headers": {},
                    "body": b"not json",
                    "outcome": "quarantined",
                    "error": "body is not JSON",
                    "event_id": None,
                }
                for _ in range(200)
            ],
        )
    return {
        "connections": list(conns.values()),
        "subscription": subs["acme"],
        "event": last_event,
        "subject": f"application/a{(count - 1) % 30000}",
    }


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
