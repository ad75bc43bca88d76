"""Ingest while an erasure runs, against ingest without one, in the same sitting: the measure
of "an erasure never holds ingest up".

A ``unihook serve --no-worker`` on SQLite, 3 subscriptions (as ``bench ingest`` runs it), and a
table seeded in bulk (``bench.seed``'s rows) in which every event of one tenant is about one
subject: erasing that subject rewrites a third of the events, their receipts and deliveries, in
the erasure's batches. Ingest (Breezy requests over 32 connections, ``bench.loadgen``) runs
before, during and after the erasure; the rate during is compared with the mean of the two
around it. The erasure must outlast the load for the figure to mean anything, and the line
says whether it did.

    python -m bench erasure [--events 100000] [--requests 3000] [--person-events N]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.delivery import _free_port, _percentile
from bench.events import _process
from bench.ingest import _requests
from bench.ingest_servers import SECRET
from bench.loadgen import run_load
from bench.postgres import ADMIN, UNIHOOK, _env, _wait_up
from bench.results import record
from bench.seed import seed

SUBJECT = "application/erase-me"


async def _seed(env: dict[str, str], events: int, person_events: int | None) -> None:
    from sqlalchemy import text

    from gateway.core.settings import Settings
    from gateway.runtime import Runtime

    runtime = Runtime.build(Settings.from_env(env))
    await runtime.migrate()
    await seed(runtime, events)
    async with runtime.sessions() as session, session.begin():
        # every acme event about one subject, or (``--person-events``) that many of them: one
        # person among a large table, the erasure a person asks for
        await session.execute(
            text(
                "UPDATE events SET subject = :subject WHERE id IN "
                "(SELECT id FROM events WHERE tenant = 'acme' ORDER BY id LIMIT :n)"
            ),
            {"subject": SUBJECT, "n": -1 if person_events is None else person_events},
        )
    await runtime.close()


def _load(port: int, n: int, start: int) -> Any:
    return asyncio.run(run_load("127.0.0.1", port, _requests(n, port, start=start), 32))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench erasure", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3000, help="per ingest measurement")
    parser.add_argument(
        "--person-events",
        type=int,
        default=None,
        help="only this many events are about the erased subject (default: all of one tenant's)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unihook-bench-erasure-") as tmp:
        env = _env(f"sqlite+aiosqlite:///{Path(tmp) / 'erasure.db'}")
        started = time.perf_counter()
        asyncio.run(_seed(env, args.events, args.person_events))
        print(f"seeded {args.events:,} events in {time.perf_counter() - started:.0f} s")
        port = _free_port()
        api = f"http://127.0.0.1:{port}/v1"
        auth = {"Authorization": f"Bearer {ADMIN}"}
        with _process([*UNIHOOK, "serve", "--no-worker", "--port", str(port)], env):
            _wait_up(f"http://127.0.0.1:{port}/healthz", [], Path(tmp))
            httpx.post(
                f"{api}/connections",
                json={"provider": "breezy", "tenant": "bench", "secret": SECRET},
                headers=auth,
                timeout=30,
            ).raise_for_status()
            for i in range(3):
                httpx.post(
                    f"{api}/subscriptions",
                    json={"url": f"http://127.0.0.1:9/{i}", "events": ["*"]},
                    headers=auth,
                    timeout=30,
                ).raise_for_status()
            _load(port, 300, 0)  # warm up
            before = _load(port, args.requests, 1_000_000)
            erased: dict[str, Any] = {}

            def erase() -> None:
                t0 = time.perf_counter()
                reply = httpx.post(
                    f"{api}/erasures",
                    json={"tenant": "acme", "subject": SUBJECT},
                    headers=auth,
                    timeout=600,
                )
                erased["seconds"] = time.perf_counter() - t0
                erased["ended"] = time.perf_counter()
                erased["reply"] = reply.json()

            thread = threading.Thread(target=erase)
            thread.start()
            time.sleep(0.2)  # the erasure's first batch is under way
            during = _load(port, args.requests, 2_000_000)
            load_ended = time.perf_counter()
            thread.join()
            after = _load(port, args.requests, 3_000_000)
    outlasted = erased.get("ended", 0.0) >= load_ended
    counts = erased.get("reply", {}).get("counts", {})
    baseline = (before.rps + after.rps) / 2
    print(f"{'ingest':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for name, result in (("before", before), ("during the erasure", during), ("after", after)):
        p50 = _percentile(result.latencies, 50) * 1000
        p99 = _percentile(result.latencies, 99) * 1000
        print(f"{name:<28}{result.rps:>9,.0f}{p50:>9.1f}{p99:>9.1f}")
    print(
        f"during / mean(before, after): {during.rps / baseline:.2f} (target: within noise, 0.9+); "
        f"the erasure took {erased.get('seconds', 0):.1f} s, erased {counts.get('events', 0):,} "
        f"events, and {'outlasted' if outlasted else 'did NOT outlast'} the load"
        + ("" if outlasted else " (raise --events)")
    )
    record("erasure.ingest_during_over_without", during.rps / baseline, "x", higher_is_better=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
