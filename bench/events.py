"""The events API on a large table: list, each filter, a subject's timeline and the candidate
search, p50 and p99, on SQLite and on PostgreSQL, with each list query's plan checked.

The table is seeded in bulk (``bench.seed``'s rows: events over two days, three tenants, two
providers, each with its receipt, delivery and attempt), written with executemany straight into
the tables, not through HTTP. The list and its filters are then asked through the real HTTP API
of a ``unihook serve --no-worker`` process (one request at a time, keep-alive), and so are the
console's timeline and candidate search pages, signed in as the operator.

    python -m bench events [--events 100000] [--requests 200] [--keep PATH]
                           [--keep-postgres NAME]

PostgreSQL runs when ``UNIHOOK_BENCH_POSTGRES_URL`` (or ``UNIHOOK_TEST_POSTGRES_URL``) is set,
in a database dropped afterwards. ``--keep PATH`` (a SQLite file) and ``--keep-postgres
NAME`` (database ``unihook_bench_NAME`` on that server) seed once and keep what they seeded,
with the ids the queries need beside it, so a large table is measured again on later runs
without seeding it again; each measures only its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.delivery import _free_port, _percentile, _wait_http
from bench.results import record
from bench.seed import seed

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin-token-0123456789abcdef"


def _env(url: str, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        PYTHONPATH=str(ROOT),
        UNIHOOK_DATABASE_URL=url,
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_SECRET_KEY=key,
        UNIHOOK_INGEST_WRITER="thread",
    )
    return env


def _queries(ids: dict[str, Any]) -> dict[str, dict[str, str]]:
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return {
        "list": {},
        "type": {"type": "ats.candidate.hired"},
        "provider": {"provider": "hatchbeacon"},
        "tenant": {"tenant": "globex"},
        "tenant + type": {"tenant": "globex", "type": "ats.candidate.hired"},
        "since 1 h ago": {"since": since},
        "subject": {"subject": ids["subject"]},
    }


def _plans(url: str, queries: dict[str, dict[str, str]]) -> dict[str, str]:
    """Per list query, how SQLite reads it: an index range, or the primary key in order
    (unfiltered: the walk stops at the limit), or "READS THE TABLE" and its plan."""
    import sqlite3

    from sqlalchemy.dialects import sqlite

    from gateway.services.access import ADMIN as OPERATOR
    from gateway.services.common import parse_time_param
    from gateway.services.events import events_query

    path = url.split("///", 1)[1]
    out = {}
    with sqlite3.connect(path) as conn:
        for name, params in queries.items():
            args: dict[str, Any] = {k: v for k, v in params.items() if k != "since"}
            if "since" in params:
                args["start"] = parse_time_param("since", params["since"])
            query = events_query(OPERATOR, **args).limit(51)
            sql = str(
                query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            steps = [str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            scans = [s for s in steps if s.startswith("SCAN") or "TEMP B-TREE" in s]
            if not scans:
                out[name] = "index range"
            elif not params and steps == ["SCAN events USING INDEX sqlite_autoindex_events_1"]:
                out[name] = "primary key, newest first, stops at the limit"
            else:
                out[name] = "READS THE TABLE: " + "; ".join(steps)
    return out


def _list_query(params: dict[str, str]) -> Any:
    from gateway.services.access import ADMIN as OPERATOR
    from gateway.services.common import parse_time_param
    from gateway.services.events import events_query

    args: dict[str, Any] = {k: v for k, v in params.items() if k != "since"}
    if "since" in params:
        args["start"] = parse_time_param("since", params["since"])
    return events_query(OPERATOR, **args).limit(51)


async def _postgres_plans(runtime: Any, queries: dict[str, dict[str, str]]) -> dict[str, str]:
    """Per list query: its plan's nodes on events, flagged when it reads the table or sorts
    the whole filtered range before the limit."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    out = {}
    async with runtime.sessions() as session:
        for name, params in queries.items():
            query = _list_query(params)
            sql = str(
                query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            )
            lines = [str(r[0]) for r in await session.execute(text(f"EXPLAIN {sql}"))]
            nodes = [line.strip().lstrip("-> ").split("  (")[0] for line in lines]
            nodes = [n for n in nodes if " on events" in n or n.startswith("Sort")]
            if any(n.startswith("Seq Scan") for n in nodes):
                nodes.insert(0, "READS THE TABLE:")
            elif any(n.startswith("Sort") for n in nodes):
                nodes.insert(0, "SORTS ITS WHOLE RANGE:")
            out[name] = " ".join(nodes)
    return out


def _http(port: int, queries: dict[str, dict[str, str]], requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    headers = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as client:
        for name, params in queries.items():
            client.get("/v1/events", params={**params, "limit": "50"}).raise_for_status()
            lat = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get("/v1/events", params={**params, "limit": "50"}).raise_for_status()
                lat.append((time.perf_counter() - started) * 1000)
            times[name] = lat
    return times


def _pages(ids: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The console's timeline and candidate search, as a browser asks for them."""
    return {
        "console: timeline": {"subject": ids["subject"]},
        # a sixth of the table, a fiftieth, and one candidate's email
        'console: search "ana lima"': {"q": "ana lima"},
        'console: search "ana lima 5"': {"q": "ana lima 5"},
        'console: search "c7@mail."': {"q": "c7@mail."},
    }


def _console(port: int, pages: dict[str, dict[str, str]], requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        form = client.get("/console/").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf, form[:300]
        signed_in = client.post("/console/login", data={"token": ADMIN, "csrf_token": csrf[1]})
        assert signed_in.status_code in (200, 303), signed_in.text[:300]
        for name, params in pages.items():
            client.get("/console/timeline", params=params).raise_for_status()
            lat = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get("/console/timeline", params=params).raise_for_status()
                lat.append((time.perf_counter() - started) * 1000)
            times[name] = lat
    return times


def measure(backend: str, url: str, events: int, requests: int, kept: Path | None = None) -> None:
    """Seed ``url`` and time the queries; with ``kept`` (a file of the ids the queries need),
    a database seeded by an earlier run is measured again as it is, when that file exists."""
    from cryptography.fernet import Fernet

    from gateway.core.settings import Settings
    from gateway.runtime import Runtime

    key = Fernet.generate_key().decode()
    env = _env(url, key)

    async def prepare() -> dict[str, Any]:
        runtime = Runtime.build(Settings.from_env(env))
        await runtime.migrate()
        ids = known or await _seed(runtime, backend, events)
        if backend == "postgresql":
            plans.update(await _postgres_plans(runtime, _queries(ids)))
        await runtime.close()
        return ids

    plans: dict[str, str] = {}
    known = json.loads(kept.read_text()) if kept is not None and kept.exists() else None
    ids = asyncio.run(prepare())
    if kept is not None:
        kept.write_text(json.dumps(ids))
    queries = _queries(ids)
    if backend == "sqlite":
        plans.update(_plans(url, queries))
    port = _free_port()
    cmd = [sys.executable, "-m", "gateway.cli", "serve", "--no-worker", "--port", str(port)]
    with _process(cmd, env):
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        timings = _http(port, queries, requests)
        timings.update(_console(port, _pages(ids), requests))
    print(f"{'query':<28}{'p50 ms':>9}{'p99 ms':>9}  plan")
    for name, lat in timings.items():
        p50, p99 = _percentile(lat, 50), _percentile(lat, 99)
        print(f"{name:<28}{p50:>9.2f}{p99:>9.2f}  {plans.get(name, '')}", flush=True)
        record(f"events.{backend}.{name}.p50_ms", p50, "ms", higher_is_better=False)
        record(f"events.{backend}.{name}.p99_ms", p99, "ms", higher_is_better=False)


async def _seed(runtime: Any, backend: str, events: int) -> dict[str, Any]:
    started = time.perf_counter()
    ids = await seed(runtime, events)
    if backend == "postgresql":
        from sqlalchemy import text

        async with runtime.sessions() as session, session.begin():
            await session.execute(text("ANALYZE"))
    took = time.perf_counter() - started
    print(f"{backend}: seeded {events:,} events in {took:.0f} s ({events / took:,.0f} a second)")
    return ids


@contextmanager
def _process(cmd: list[str], env: dict[str, str]) -> Iterator[None]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench events", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per query")
    parser.add_argument(
        "--keep",
        type=Path,
        help="SQLite database file: seeded and kept if it does not exist, else measured as it is",
    )
    parser.add_argument(
        "--keep-postgres",
        metavar="NAME",
        help="PostgreSQL database unihook_bench_NAME (on the server of "
        "UNIHOOK_BENCH_POSTGRES_URL): created, seeded and kept on a first run, else measured",
    )
    args = parser.parse_args(argv)
    pg = os.environ.get("UNIHOOK_BENCH_POSTGRES_URL") or os.environ.get("UNIHOOK_TEST_POSTGRES_URL")
    if args.keep:
        kept = args.keep.with_name(args.keep.name + ".ids.json")
        url = f"sqlite+aiosqlite:///{args.keep.resolve()}"
        measure("sqlite", url, args.events, args.requests, kept)
        return 0
    if args.keep_postgres:
        if not pg:
            parser.error("--keep-postgres needs UNIHOOK_BENCH_POSTGRES_URL")
        from bench.postgres import kept_database

        url, kept = kept_database(pg, args.keep_postgres)
        measure("postgresql", url, args.events, args.requests, kept)
        return 0
    with tempfile.TemporaryDirectory(prefix="unihook-bench-events-") as tmp:
        measure(
            "sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'events.db'}", args.events, args.requests
        )
    if pg:
        from bench.postgres import fresh_database

        with fresh_database(pg) as url:
            measure("postgresql", url, args.events, args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
