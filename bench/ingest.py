"""Ingest throughput and latency: bare framework vs a hand-rolled receiver vs unihook.

Each receiver runs as its own uvicorn process on loopback; the load generator sends the same
unique, correctly signed Breezy requests over 32 keep-alive connections to each in turn. Results
are ratios against the baselines measured in the same run, because these machines are noisy.

unihook runs as operators run it: with ``--subscribers`` subscriptions (3 by default) selecting
every event, so each accepted request also queues that many deliveries in its transaction. Its
delivery worker is off (``serve --no-worker``, a separate ``unihook worker`` delivering) unless
``--worker`` is given, in which case it delivers in-process to a local subscriber as it ingests.
The load generator's own CPU share is printed beside each figure: near 100% of a core, the
generator and not the receiver set the pace.

``--stored N`` measures unihook a second time in the same sitting on a database already holding
N events (bulk-seeded as ``bench.seed`` seeds them: each with its receipt, a delivery and an
attempt), so whether ingest slows as its tables grow reads as the ratio of the two rows.

``--filtered`` measures unihook twice in one sitting, its subscriptions unfiltered and then each
with a payload filter (the fan-out decodes each event once and runs the filters), so the cost of
filters reads as the difference between two rows measured alike.

    python -m bench ingest [--requests 6000] [--concurrency 32] [--subscribers 3] [--worker]
                           [--filtered] [--stored N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import httpx

from bench.delivery import _process, _wait_http
from bench.ingest_servers import SECRET
from bench.loadgen import LoadResult, build_request, run, run_load
from bench.seed import seed
from gateway.runtime import Runtime
from gateway.storage import make_engine, make_sessionmaker
from providers.breezy import adapter

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["bare", "handrolled", "unihook"]
# matches every bench event (Breezy candidateAdded), so filtered and unfiltered queue alike
BENCH_FILTER = json.dumps(
    {
        "$and": [
            {"source.provider": "breezy"},
            {"type": {"$startsWith": "ats."}},
            {"tenant": {"$in": ["bench", "other"]}},
        ]
    }
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests(n: int, port: int, start: int = 0) -> list[bytes]:
    template = json.loads(adapter.sample_events()["candidateStatusUpdated"])
    out = []
    for i in range(start, start + n):
        template["_id"] = f"bench-{os.getpid()}-{i:08d}"
        body = json.dumps(template, separators=(",", ":"), ensure_ascii=False).encode()
        headers = adapter.sign_request(body, SECRET, now=datetime.now(UTC))[1]
        out.append(build_request(f"127.0.0.1:{port}", "/ingest/breezy/bench", body, headers))
    return out


def _start(
    kind: str, port: int, workdir: Path, db_url: str, worker: bool
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "UNIHOOK_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "bench.ingest_servers", kind, "--port", str(port), "--db", db_url]
    proc = subprocess.Popen([*args, "--worker"] if worker else args, cwd=workdir, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/ingest/breezy/bench", content=b"{}", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


def _cli(workdir: Path, db_url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=workdir,
        env={
            **os.environ,
            "UNIHOOK_DATABASE_URL": db_url,
            "UNIHOOK_ALLOW_INSECURE_DESTINATIONS": "1",
            "UNIHOOK_MAX_SUBSCRIPTIONS": "1000",
        },
        check=True,
        capture_output=True,
    )


def measure(
    kind: str,
    n: int,
    concurrency: int,
    subscribers: int = 0,
    worker: bool = False,
    filtered: bool = False,
    stored: int = 0,
) -> LoadResult:
    with (
        tempfile.TemporaryDirectory(prefix=f"unihook-bench-{kind}-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        workdir = Path(tmp)
        db_url = f"sqlite+aiosqlite:///{workdir}/bench.db"
        if kind == "unihook":
            _cli(workdir, db_url, "connect", "breezy", "bench", "--secret", SECRET)
            if subscribers:
                hook = _free_port()
                if worker:
                    stack.enter_context(_subscriber(hook, workdir))
                extra = ["--filter", BENCH_FILTER] if filtered else []
                for i in range(subscribers):
                    url = f"http://127.0.0.1:{hook}/{i}"
                    _cli(workdir, db_url, "subscribe", url, "-e", "*", *extra)
            if stored:
                started = time.perf_counter()
                asyncio.run(_seed(db_url, stored))
                print(f"seeded {stored:,} events in {time.perf_counter() - started:.0f} s")
        port = _free_port()
        proc = _start(kind, port, workdir, db_url, worker and kind == "unihook")
        try:
            warm = _requests(300, port)
            run(run_load("127.0.0.1", port, warm, concurrency))
            result = run(
                run_load("127.0.0.1", port, _requests(n, port, start=1_000_000), concurrency)
            )
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    bad = {s: c for s, c in result.statuses.items() if s not in (200, 202)}
    if bad:
        raise RuntimeError(f"{kind}: unexpected statuses {bad}")
    return result


async def _seed(db_url: str, events: int) -> None:
    """``events`` stored events (other tenants', with receipts, deliveries and attempts),
    written in bulk before the server starts."""
    engine = make_engine(db_url)
    try:
        await seed(cast(Runtime, SimpleNamespace(sessions=make_sessionmaker(engine))), events)
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _subscriber(port: int, workdir: Path) -> Iterator[None]:
    """The subscriber ``--worker`` delivers to (``bench.delivery``'s: answers 200 at once)."""
    args = [sys.executable, "-m", "bench.delivery", "--subscriber", str(port)]
    with _process(args, {**os.environ, "PYTHONPATH": str(ROOT)}, workdir):
        _wait_http(f"http://127.0.0.1:{port}/stats")
        yield


def _row(r: LoadResult) -> str:
    return (
        f"{r.rps:>10.0f}{r.percentile(50) * 1000:>10.2f}{r.percentile(99) * 1000:>10.2f}"
        f"{r.cpu_share * 100:>14.0f}%"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ingest")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--subscribers", type=int, default=3, help="unihook: subscriptions selecting every event"
    )
    parser.add_argument(
        "--worker", action="store_true", help="unihook: deliver in-process while ingesting"
    )
    parser.add_argument(
        "--filtered",
        action="store_true",
        help="unihook: also measure with a payload filter on every subscription",
    )
    parser.add_argument(
        "--stored",
        type=int,
        default=0,
        help="unihook: also measure on a database already holding this many events",
    )
    parser.add_argument("--only", choices=KINDS, help="measure one receiver (no ratios)")
    args = parser.parse_args(argv)
    kinds = [args.only] if args.only else KINDS
    results = {
        k: measure(k, args.requests, args.concurrency, args.subscribers, args.worker) for k in kinds
    }
    if args.filtered and "unihook" in results:
        results["filtered"] = measure(
            "unihook", args.requests, args.concurrency, args.subscribers, args.worker, True
        )
    if args.stored and "unihook" in results:
        results[f"{args.stored:,} stored"] = measure(
            "unihook",
            args.requests,
            args.concurrency,
            args.subscribers,
            args.worker,
            stored=args.stored,
        )
    worker = "delivering in-process" if args.worker else "delivery worker off"
    print(
        f"\nIngest, {args.requests} unique signed Breezy requests, {args.concurrency} connections;"
        f" unihook with {args.subscribers} subscribers, {worker}"
    )
    print(f"{'receiver':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'load generator':>15}")
    for kind, r in results.items():
        print(f"{kind:<18}{_row(r)}")
    if args.only:
        return 0
    u, b, a = results["unihook"], results["handrolled"], results["bare"]
    print(f"\nunihook / hand-rolled: {u.rps / b.rps:.2f}x   (target >= 8x)")
    print(f"unihook / bare:        {u.rps / a.rps:.2f}x   (target >= 0.6x)")
    print(f"unihook p99:           {u.percentile(99) * 1000:.1f} ms (target < 25 ms)")
    if "filtered" in results:
        f = results["filtered"]
        print(f"filtered / unfiltered: {f.rps / u.rps:.2f}x   (target: within noise of 1x)")
    if args.stored:
        s = results[f"{args.stored:,} stored"]
        print(f"{args.stored:,} stored / empty: {s.rps / u.rps:.2f}x   (target: within 10% of 1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
