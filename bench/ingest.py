"""Ingest throughput and latency: bare framework vs a hand-rolled receiver vs unihook.

Each receiver runs as its own uvicorn process on loopback; the load generator sends the same
unique, correctly signed Breezy requests over 32 keep-alive connections to each in turn. Results
are ratios against the baselines measured in the same run, because these machines are noisy.

    python -m bench ingest [--requests 6000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.ingest_servers import SECRET
from bench.loadgen import LoadResult, build_request, run_load
from providers.breezy import adapter

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["bare", "handrolled", "unihook"]


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
        headers = adapter.sign(body, SECRET)
        out.append(build_request(f"127.0.0.1:{port}", "/ingest/breezy/bench", body, headers))
    return out


def _start(kind: str, port: int, workdir: Path, db_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "UNIHOOK_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.ingest_servers", kind, "--port", str(port), "--db", db_url],
        cwd=workdir,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/ingest/breezy/bench", content=b"{}", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


def measure(kind: str, n: int, concurrency: int) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix=f"unihook-bench-{kind}-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite+aiosqlite:///{workdir}/bench.db"
        if kind == "unihook":
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gateway.cli",
                    "connect",
                    "breezy",
                    "bench",
                    "--secret",
                    SECRET,
                ],
                cwd=workdir,
                env={**os.environ, "UNIHOOK_DATABASE_URL": db_url},
                check=True,
                capture_output=True,
            )
        port = _free_port()
        proc = _start(kind, port, workdir, db_url)
        try:
            warm = _requests(300, port)
            asyncio.run(run_load("127.0.0.1", port, warm, concurrency))
            result = asyncio.run(
                run_load("127.0.0.1", port, _requests(n, port, start=1_000_000), concurrency)
            )
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    bad = {s: c for s, c in result.statuses.items() if s not in (200, 202)}
    if bad:
        raise RuntimeError(f"{kind}: unexpected statuses {bad}")
    return result


def _row(r: LoadResult) -> str:
    return f"{r.rps:>10.0f}{r.percentile(50) * 1000:>10.2f}{r.percentile(99) * 1000:>10.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ingest")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", choices=KINDS, help="measure one receiver (no ratios)")
    args = parser.parse_args(argv)
    if args.only:
        r = measure(args.only, args.requests, args.concurrency)
        print(f"{args.only}: {_row(r)}")
        return 0
    results = {k: measure(k, args.requests, args.concurrency) for k in KINDS}
    print(
        f"\nIngest, {args.requests} unique signed Breezy requests, {args.concurrency} connections"
    )
    print(f"{'receiver':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, r in results.items():
        print(f"{kind:<12}{_row(r)}")
    u, b, a = results["unihook"], results["handrolled"], results["bare"]
    print(f"\nunihook / hand-rolled: {u.rps / b.rps:.2f}x   (target >= 5x)")
    print(f"unihook / bare:        {u.rps / a.rps:.2f}x   (target >= 0.5x)")
    print(f"unihook p99:           {u.percentile(99) * 1000:.1f} ms (target < 25 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
