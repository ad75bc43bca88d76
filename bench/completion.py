"""Completing thin events: the ingest rate with completion on and off, and completions a second.

1. Ingest: the real gateway (``bench.ingest_servers unihook``, its worker off) takes the same
   unique, signed Lever ``candidateStageChange`` requests over keep-alive connections, for a
   connection without ``complete`` and for one with it, in ``--rounds`` alternating rounds (off,
   on, off, on, ...: a machine whose load drifts moves both alike), each on a fresh database.
   The fetch is off the ingest path (completion adds a ``completions`` row and queues the
   deliveries not yet due, in the same transaction), so the two rates should be within noise of
   each other: the rounds' spread is printed beside the medians so the noise can be read.
2. Completions a second per worker: held events of ``--tenants`` Lever connections are queued,
   then one ``unihook worker`` completes them against a local Lever read API that answers every
   call after ``--vendor-ms`` (100 ms) and delivers them to a local subscriber. Lever reads one
   record per call, so each event is an opportunity read (its posting and stages are read once
   a batch); a worker completes for up to eight connections at once.

    python -m bench completion [--requests 6000] [--rounds 3] [--concurrency 32]
                               [--events 400] [--tenants 8] [--vendor-ms 100]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.delivery import _free_port, _process, _wait_http
from bench.ingest import _cli, _start
from bench.loadgen import LoadResult, build_request, process_tree_cpu, run, run_load
from providers.lever import adapter
from providers.testing import SimRequest, VendorSimulator, route

ROOT = Path(__file__).resolve().parent.parent
SECRET = "lever-bench-signing-token"
API_KEY = "lever-bench-api-key"


class LeverReads(VendorSimulator):
    """Lever's record reads, every answer after ``latency`` seconds; any key is accepted."""

    name = "bench-lever"
    first_call: float | None = None
    """``time.monotonic()`` of the first read: when the worker began completing."""

    @route("GET", "/v1/opportunities/{record_id}")
    def opportunity(self, request: SimRequest) -> tuple[int, Any]:
        if self.first_call is None:
            self.first_call = time.monotonic() - self.latency  # the answer waited that long
        record_id = request.params["record_id"]
        return 200, {
            "data": {
                "id": record_id,
                "name": "Bench Candidate",
                "contact": "contact-" + record_id,
                "emails": [f"{record_id}@example.com"],
                "stage": {"id": "stage-onsite", "text": "On-site"},
                "applications": [{"id": "app-" + record_id, "posting": "posting-1"}],
            }
        }

    @route("GET", "/v1/postings/{record_id}")
    def posting(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"data": {"id": request.params["record_id"], "text": "Engineer"}}

    @route("GET", "/v1/stages/{record_id}")
    def stage(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"data": {"id": request.params["record_id"], "text": "Screen"}}


def _body(tag: str, i: int) -> bytes:
    data = {
        "opportunityId": f"opp-{tag}-{i:08d}",
        "contactId": f"contact-{i}",
        "toStageId": "stage-onsite",
        "fromStageId": "stage-screen",
    }
    return json.dumps({"event": "candidateStageChange", "data": data}).encode()


def _requests(n: int, port: int, tenant: str, tag: str) -> list[bytes]:
    out = []
    for i in range(n):
        body, headers = adapter.sign_request(_body(tag, i), SECRET, now=datetime.now(UTC))
        out.append(build_request(f"127.0.0.1:{port}", f"/ingest/lever/{tenant}", body, headers))
    return out


def _connect(workdir: Path, db_url: str, tenant: str, complete: bool) -> None:
    extra = ["--complete", "--credential", f"api_key={API_KEY}"] if complete else []
    _cli(workdir, db_url, "connect", "lever", tenant, "--secret", SECRET, *extra)


def ingest_rate(
    n: int, concurrency: int, complete: bool, subscribers: int
) -> tuple[LoadResult, float | None]:
    """The load's result, and the gateway's CPU (server and commit process) a request, in us."""
    with tempfile.TemporaryDirectory(prefix="unihook-bench-completion-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite+aiosqlite:///{workdir}/bench.db"
        _connect(workdir, db_url, "bench", complete)
        hook = _free_port()  # nobody listens: the worker is off, deliveries only queue
        for i in range(subscribers):
            _cli(workdir, db_url, "subscribe", f"http://127.0.0.1:{hook}/{i}", "-e", "*")
        port = _free_port()
        proc = _start("unihook", port, workdir, db_url, worker=False)
        try:
            run(run_load("127.0.0.1", port, _requests(300, port, "bench", "warm"), concurrency))
            requests = _requests(n, port, "bench", "load")
            cpu_before = process_tree_cpu(proc.pid)
            result = run(run_load("127.0.0.1", port, requests, concurrency))
            cpu_after = process_tree_cpu(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        with sqlite3.connect(workdir / "bench.db", timeout=30) as conn:
            held = conn.execute("SELECT count(*) FROM completions").fetchone()[0]
    bad = {s: c for s, c in result.statuses.items() if s not in (200, 202)}
    if bad:
        raise RuntimeError(f"unexpected statuses {bad}")
    if complete and held < n:
        raise RuntimeError(f"only {held} of {n} events were held for completion")
    if cpu_before is None or cpu_after is None:
        return result, None
    return result, (cpu_after - cpu_before) / n * 1e6


@contextlib.contextmanager
def _subscriber(port: int, workdir: Path) -> Iterator[None]:
    args = [sys.executable, "-m", "bench.delivery", "--subscriber", str(port)]
    with _process(args, {**os.environ, "PYTHONPATH": str(ROOT)}, workdir):
        _wait_http(f"http://127.0.0.1:{port}/stats")
        yield


def completions_per_second(events: int, tenants: int, vendor_ms: float) -> tuple[float, float]:
    """(completions a second from the worker's first read at the vendor until every event was
    delivered; the same from the worker's start, its start-up included)."""
    with (
        tempfile.TemporaryDirectory(prefix="unihook-bench-completion-") as tmp,
        LeverReads() as lever,
    ):
        lever.latency = vendor_ms / 1000
        workdir = Path(tmp)
        db = workdir / "bench.db"
        db_url = f"sqlite+aiosqlite:///{db}"
        names = [f"t{i}" for i in range(tenants)]
        for name in names:
            _connect(workdir, db_url, name, complete=True)
        hook = _free_port()
        _cli(workdir, db_url, "subscribe", f"http://127.0.0.1:{hook}/s", "-e", "*")
        port = _free_port()
        proc = _start("unihook", port, workdir, db_url, worker=False)
        try:
            per = events // tenants
            for name in names:
                run(run_load("127.0.0.1", port, _requests(per, port, name, name), 16))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        total = per * tenants
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")},
            "PYTHONPATH": str(ROOT),
            "UNIHOOK_DATABASE_URL": db_url,
            "UNIHOOK_ALLOW_INSECURE_DESTINATIONS": "1",
            "UNIHOOK_PROVIDER_LEVER_API_URL": lever.base_url + "/v1",
            "UNIHOOK_POLL_INTERVAL": "0.1",
        }
        with (
            _subscriber(hook, workdir),
            _process([sys.executable, "-m", "gateway.cli", "worker"], env, workdir),
        ):
            started = time.monotonic()
            deadline = started + 600
            while True:
                with sqlite3.connect(db, timeout=30) as conn:
                    done = conn.execute(
                        "SELECT count(*) FROM completions WHERE status != 'pending'"
                    ).fetchone()[0]
                    sent = conn.execute(
                        "SELECT count(*) FROM deliveries WHERE status = 'succeeded'"
                    ).fetchone()[0]
                now = time.monotonic()
                if done >= total and sent >= total:
                    break
                if now > deadline:
                    raise RuntimeError(f"{done} of {total} completed, {sent} delivered")
                time.sleep(0.02)
            with sqlite3.connect(db, timeout=30) as conn:
                failed = conn.execute(
                    "SELECT count(*) FROM completions WHERE status != 'completed'"
                ).fetchone()[0]
        if failed:
            raise RuntimeError(f"{failed} events were not completed")
        return total / (now - (lever.first_call or started)), total / (now - started)


def _row(name: str, r: LoadResult, gateway_cpu: float | None) -> str:
    cpu = "n/a" if gateway_cpu is None else f"{gateway_cpu:.0f} us"
    return (
        f"{name:<16}{r.rps:>10.0f}{r.percentile(50) * 1000:>10.2f}{r.percentile(99) * 1000:>10.2f}"
        f"{r.cpu_share * 100:>14.0f}%{cpu:>17}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench completion")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--subscribers", type=int, default=3)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--vendor-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    offs: list[tuple[LoadResult, float | None]] = []
    ons: list[tuple[LoadResult, float | None]] = []
    for _ in range(args.rounds):
        offs.append(ingest_rate(args.requests, args.concurrency, False, args.subscribers))
        ons.append(ingest_rate(args.requests, args.concurrency, True, args.subscribers))
    print(
        f"\nIngest, {args.requests} unique signed Lever requests, {args.concurrency} connections,"
        f" {args.subscribers} subscribers, worker off, {args.rounds} alternating rounds"
    )
    print(
        f"{'completion':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'load generator':>15}"
        f"{'gateway CPU/req':>17}"
    )
    for i, (off, on) in enumerate(zip(offs, ons, strict=True), 1):
        print(_row(f"off, round {i}", *off))
        print(_row(f"on, round {i}", *on))
    off_rate = statistics.median(r.rps for r, _ in offs)
    on_rate = statistics.median(r.rps for r, _ in ons)
    pairs = zip(offs, ons, strict=True)
    ratios = ", ".join(f"{on.rps / off.rps:.2f}" for (off, _), (on, _) in pairs)
    spread = (max(r.rps for r, _ in offs) - min(r.rps for r, _ in offs)) / off_rate
    print(
        f"median on / off: {on_rate:.0f} / {off_rate:.0f} req/s = {on_rate / off_rate:.2f}x"
        f"   (each round: {ratios}; off's own spread {spread:.0%}; target: within noise of 1x)"
    )
    off_cpu = [c for _, c in offs if c is not None]
    on_cpu = [c for _, c in ons if c is not None]
    if off_cpu and on_cpu:
        off_us, on_us = statistics.median(off_cpu), statistics.median(on_cpu)
        print(
            f"median gateway CPU a request: on {on_us:.0f} us, off {off_us:.0f} us"
            f" ({on_us / off_us:.2f}x: what holding an event costs the ingest path)"
        )
    rows = []
    for tenants in sorted({1, args.tenants}):
        rate, end_to_end = completions_per_second(args.events, tenants, args.vendor_ms)
        rows.append((tenants, rate, end_to_end))
    print(
        f"\nCompletion, one `unihook worker`, Lever read API answering in {args.vendor_ms:.0f} ms,"
        f" {args.events} held events"
    )
    print(f"{'connections':<14}{'completions/s':>15}{'incl. worker start-up':>24}")
    for tenants, rate, end_to_end in rows:
        print(f"{tenants:<14}{rate:>15.1f}{end_to_end:>24.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
