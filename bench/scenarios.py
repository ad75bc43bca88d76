"""Delivery at realistic subscriber latencies: each scenario with a ``unihook worker`` at today's
defaults and, in the same run, at the fixed concurrency unihook used before it adapted (64 in
flight, 8 per destination), each target printed beside its figure.

Subscribers are one separate process listening on as many loopback ports as the scenario needs,
each answering 200 after its delay; the backlog is queued by the ingest commit path before the
worker starts; a rate is deliveries from the first arrival until every result is recorded.

    python -m bench delivery --only scenarios [--scale 1.0] [--backlog 1000000]
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.delivery import _run

ROOT = Path(__file__).resolve().parent.parent
BEFORE = {"UNIHOOK_WORKER_CONCURRENCY": "64", "UNIHOOK_PER_DESTINATION_CONNECTIONS": "8"}
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard if hard != resource.RLIM_INFINITY else 65536, 65536)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


# ---- the subscribers (their own process) ------------------------------------------------------


def serve_subscribers(control: int, spec: list[tuple[int, float]]) -> None:
    """Each (port, delay) answers 200 after ``delay`` s; ``GET /stats`` on ``control`` returns
    ``{port: [first ns, last ns, count]}`` (when answered), ``POST /reset`` forgets them and
    every request still being answered (the slow ones of the run before), ``GET /cpu`` is the
    process's CPU seconds so far."""
    _raise_fd_limit()
    stats: dict[int, list[int]] = {}
    epoch = [0]  # bumped by each reset: a request is counted only in the run it arrived in

    def handler(port: int, delay: float) -> Callable[..., Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line[:15].lower() == b"content-length:":
                            length = int(line[15:])
                    if length:
                        await reader.readexactly(length)
                    arrived_in = epoch[0]
                    if delay:
                        await asyncio.sleep(delay)
                    if arrived_in == epoch[0]:
                        now = time.monotonic_ns()
                        entry = stats.setdefault(port, [now, now, 0])
                        entry[1] = now
                        entry[2] += 1
                    writer.write(OK)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        return handle

    async def control_handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if head.startswith(b"POST /reset"):
                stats.clear()
                epoch[0] += 1
                body = b"{}"
            elif head.startswith(b"GET /cpu"):
                body = json.dumps(time.process_time()).encode()
            else:
                body = json.dumps(stats).encode()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(control_handler, "127.0.0.1", control)]
        for port, delay in spec:
            servers.append(
                await asyncio.start_server(handler(port, delay), "127.0.0.1", port, backlog=1024)
            )
        await asyncio.Event().wait()

    _run(main())


@contextmanager
def subscribers(spec: list[tuple[int, float]], tmp: Path) -> Iterator[int]:
    # not one of the subscribers' own ports, which were free a moment ago and released
    taken = {port for port, _ in spec}
    control = next(port for port in _free_ports(len(spec) + 1) if port not in taken)
    spec_file = tmp / f"subscribers-{control}.json"
    spec_file.write_text(json.dumps(spec))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "bench.scenarios", "--subscribers", str(control), str(spec_file)]
    proc = subprocess.Popen(args, env=env, cwd=tmp)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{control}/stats", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the subscribers did not start") from None
                time.sleep(0.1)
        yield control
    finally:
        proc.terminate()
        proc.wait(10)


def _cpu(control: int) -> float:
    return float(httpx.get(f"http://127.0.0.1:{control}/cpu", timeout=30).json())


def _stats(control: int) -> dict[int, list[int]]:
    raw = httpx.get(f"http://127.0.0.1:{control}/stats", timeout=30).json()
    return {int(port): value for port, value in raw.items()}


def _free_ports(n: int) -> list[int]:
    """``n`` ports free now, below Linux's ephemeral range (32768 and up): a port the kernel
    picked for us could be handed out again, before the subscribers bind it, to one of the
    worker's own outgoing connections (one run in a few lost a scenario that way)."""
    import random
    import socket

    socks: list[socket.socket] = []
    candidates = random.sample(range(10000, 32768), 22768)
    try:
        for port in candidates:
            if len(socks) == n:
                break
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            socks.append(sock)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


# ---- a backlog, and a worker working through it -----------------------------------------------


def _env(workdir: Path, extra: dict[str, str]) -> dict[str, str]:
    from bench.delivery import ADMIN

    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        PYTHONPATH=str(ROOT),
        UNIHOOK_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
        UNIHOOK_MAX_SUBSCRIPTIONS="100000",
        **extra,
    )
    return env


async def _queue(env: dict[str, str], urls: list[str], events: int) -> None:
    """A subscription per URL and ``events`` accepted events, their deliveries queued."""
    from bench.delivery import SECRET, _bodies
    from gateway.core.clock import utcnow
    from gateway.core.settings import Settings
    from gateway.ingest.commit import commit_batch
    from gateway.ingest.pipeline import prepare
    from gateway.runtime import Runtime
    from gateway.services.access import Principal
    from gateway.services.connections import create_connection
    from gateway.services.subscriptions import create_subscription
    from providers.breezy import adapter
    from schemas.api import ConnectionCreate, SubscriptionCreate

    runtime = Runtime.build(Settings.from_env(env))
    await runtime.migrate()
    admin = Principal("admin", None)
    await create_connection(
        runtime, admin, ConnectionCreate(provider="breezy", tenant="bench", secret=SECRET)
    )
    for url in urls:
        await create_subscription(runtime, admin, SubscriptionCreate(url=url, events=["*"]))
    connection = await runtime.connection("breezy", "bench")
    assert connection is not None
    assert runtime.writer_engine is not None
    bodies = _bodies(events, f"s{len(urls)}")
    step = max(1, 20000 // len(urls))
    for start in range(0, events, step):
        batch = [
            prepare(
                adapter=adapter, connection=connection, body=b, headers={}, received_at=utcnow()
            )
            for b in bodies[start : start + step]
        ]
        with runtime.writer_engine.begin() as conn:
            commit_batch(conn, batch, utcnow())
    await runtime.close()


def _succeeded(db: Path) -> int:
    """Deliveries answered 2xx so far, from the attempts (bounded by what was delivered; the
    deliveries table has no index on finished rows, and counting them would read the backlog)."""
    with sqlite3.connect(db, timeout=30) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM attempts WHERE status_code BETWEEN 200 AND 299"
            ).fetchone()[0]
        )


@dataclass
class Run:
    rate: float  # deliveries/s, first arrival to last recorded
    stats: dict[int, list[int]]  # the subscribers' arrivals by port
    started_ns: int  # first arrival
    rss_mib: float  # the worker's resident memory at most
    subscriber_cpu: float  # the subscribers' CPU over the run: 1.0 is one core, busy throughout
    worker_cpu: float  # the worker's, likewise


def _cpu_seconds(pid: int) -> float:
    """A process's user + system CPU seconds so far (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def work(
    workdir: Path,
    control: int,
    env: dict[str, str],
    total: int,
    *,
    until: Callable[[dict[int, list[int]]], bool] | None = None,
    seconds: float = 600.0,
) -> Run:
    """Run one worker until ``total`` deliveries succeeded (or ``until(stats)`` holds, or
    ``seconds`` pass) and measure it."""
    db = workdir / "bench.db"
    httpx.post(f"http://127.0.0.1:{control}/reset")
    # the subscribers' and the worker's CPU seconds, and the time, at the first arrival
    cpu: tuple[float, float, int] | None = None
    args = [sys.executable, "-m", "gateway.cli", "worker"]
    proc = subprocess.Popen(args, env=env, cwd=workdir, stdout=subprocess.DEVNULL)
    rss = 0.0
    try:
        deadline = time.monotonic() + seconds
        while True:
            rss = max(rss, _rss_mib(proc.pid))
            done = _succeeded(db)
            if done >= total or time.monotonic() > deadline:
                break
            if until is not None and until(_stats(control)):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"the worker exited {proc.returncode}")
            if cpu is None and _stats(control):
                cpu = (_cpu(control), _cpu_seconds(proc.pid), time.monotonic_ns())
            time.sleep(0.05)
        finished = time.monotonic_ns()
        if cpu is None:
            cpu = (_cpu(control), _cpu_seconds(proc.pid), finished)
        used = (_cpu(control) - cpu[0], _cpu_seconds(proc.pid) - cpu[1])
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    stats = _stats(control)
    first = min((v[0] for v in stats.values()), default=finished)
    delivered = sum(v[2] for v in stats.values())
    span = max(1e-9, (finished - cpu[2]) / 1e9)
    rate = delivered / max(1e-9, (finished - first) / 1e9)
    return Run(rate, stats, first, rss, used[0] / span, used[1] / span)


# ---- the scenarios ------------------------------------------------------------------------------


@dataclass
class Line:
    scenario: str
    before: str
    now: str
    target: str
    met: bool | None
    subscribers_cpu: float | None = None  # of the "now" run: near 1.0, they set the pace
    worker_cpu: float | None = None


def _throughput(
    tmp: Path, name: str, delays: list[float], events: int, settings: dict[str, str]
) -> tuple[Run, Run]:
    """Runs before and now, one subscriber per port with the given delays."""
    runs = []
    ports = _free_ports(len(delays))
    with subscribers(list(zip(ports, delays, strict=True)), tmp) as control:
        urls = [f"http://127.0.0.1:{p}/hook" for p in ports]
        for label, extra in (("before", BEFORE), ("now", settings)):
            workdir = tmp / f"{name}-{label}"
            workdir.mkdir()
            env = _env(workdir, extra)
            _run(_queue(env, urls, events))
            runs.append(work(workdir, control, env, events * len(urls)))
    return runs[0], runs[1]


def slow_beside_fast(tmp: Path, events: int) -> tuple[float, float, float, float]:
    """The fast subscriber's time to take ``events`` alone and beside a slow one, before and now."""
    fast, slow = _free_ports(2)
    out = []
    with subscribers([(fast, 0.0), (slow, 2.0)], tmp) as control:
        for label, extra in (("before", BEFORE), ("now", {})):
            times = []
            alone = [f"http://127.0.0.1:{fast}/"]
            for urls in (alone, [*alone, f"http://127.0.0.1:{slow}/"]):
                workdir = tmp / f"mixed-{label}-{len(urls)}"
                workdir.mkdir()
                env = _env(workdir, extra)
                _run(_queue(env, urls, events))

                def fast_done(stats: dict[int, list[int]]) -> bool:
                    return stats.get(fast, [0, 0, 0])[2] >= events

                run = work(workdir, control, env, events * len(urls), until=fast_done)
                _, last, count = run.stats.get(fast, [0, 0, 0])
                if count < events:
                    raise RuntimeError(f"the fast subscriber got {count} of {events}")
                times.append((last - run.started_ns) / 1e9)
            out.extend(times)
    return out[0], out[1], out[2], out[3]


def backlog_rss(tmp: Path, deliveries: int, seconds: float) -> tuple[float, float]:
    """Worker RSS (MiB) at most and deliveries/s while it works through a ``deliveries`` backlog
    for ``seconds`` (1,000 subscribers answering in 200 ms)."""
    subs = 1000
    ports = _free_ports(subs)
    with subscribers([(p, 0.2) for p in ports], tmp) as control:
        workdir = tmp / "backlog"
        workdir.mkdir()
        env = _env(workdir, {})
        _run(_queue(env, [f"http://127.0.0.1:{p}/" for p in ports], 1))
        db = workdir / "bench.db"
        with sqlite3.connect(db) as conn:
            sample = conn.execute("SELECT * FROM events LIMIT 1").fetchone()
            columns = [c[1] for c in conn.execute("PRAGMA table_info(events)")]
            base = dict(zip(columns, sample, strict=True))
            events = max(1, deliveries // subs)
            rows = [
                {**base, "id": f"evt_bench{i:020d}", "source_event_id": f"bench-{i}"}
                for i in range(1, events)
            ]
            names = ", ".join(columns)
            marks = ", ".join(f":{c}" for c in columns)
            conn.executemany(f"INSERT INTO events ({names}) VALUES ({marks})", rows)  # noqa: S608 - column names from the schema itself
            conn.execute(
                "INSERT INTO deliveries (id, event_id, subscription_id, status, attempts, "
                "next_attempt_at, created_at, updated_at) "
                "SELECT 'dlv_b' || printf('%09d', e.rowid) || substr(s.id, 5), e.id, s.id, "
                "'pending', 0, d.next_attempt_at, d.created_at, d.updated_at "
                "FROM events e CROSS JOIN subscriptions s "
                "CROSS JOIN (SELECT * FROM deliveries LIMIT 1) d WHERE e.id LIKE 'evt_bench%'"
            )
            queued = conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        run = work(workdir, control, env, queued, seconds=seconds)
    return run.rss_mib, run.rate


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.scenarios")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every backlog")
    parser.add_argument("--backlog", type=int, default=1_000_000, help="deliveries, RSS scenario")
    parser.add_argument("--backlog-seconds", type=float, default=20.0)
    parser.add_argument("--subscribers", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.subscribers:
        control, spec_file = args.subscribers
        spec = [tuple(item) for item in json.loads(Path(spec_file).read_text())]
        serve_subscribers(int(control), spec)  # type: ignore[arg-type]
        return 0
    _raise_fd_limit()
    scale = args.scale
    lines: list[Line] = []
    with tempfile.TemporaryDirectory(prefix="unihook-bench-scenarios-") as name:
        tmp = Path(name)
        before, now = _throughput(tmp, "ten", [0.1] * 10, int(1500 * scale), {})
        lines.append(
            Line(
                "10 subscribers x 100 ms",
                f"{before.rate:,.0f}/s",
                f"{now.rate:,.0f}/s",
                ">= 5,000/s",
                now.rate >= 5000,
                now.subscriber_cpu,
                now.worker_cpu,
            )
        )
        _print(lines[-1])
        before, now = _throughput(tmp, "thousand", [0.2] * 1000, max(1, int(8 * scale)), {})
        lines.append(
            Line(
                "1,000 subscribers x 200 ms",
                f"{before.rate:,.0f}/s",
                f"{now.rate:,.0f}/s",
                ">= 3,000/s",
                now.rate >= 3000,
                now.subscriber_cpu,
                now.worker_cpu,
            )
        )
        _print(lines[-1])
        before, now = _throughput(tmp, "fast", [0.0], int(6000 * scale), {})
        lines.append(
            Line(
                "1 fast local receiver",
                f"{before.rate:,.0f}/s",
                f"{now.rate:,.0f}/s",
                "no worse than before",
                now.rate >= before.rate * 0.9,
                now.subscriber_cpu,
                now.worker_cpu,
            )
        )
        _print(lines[-1])
        alone_b, mixed_b, alone, mixed = slow_beside_fast(tmp, int(4000 * scale))
        lines.append(
            Line(
                "fast beside a slow (2 s) subscriber",
                f"{mixed_b / alone_b:.2f}x alone",
                f"{mixed / alone:.2f}x alone",
                "<= 1.5x alone",
                mixed / alone <= 1.5,
            )
        )
        _print(lines[-1])
        rss, rate = backlog_rss(tmp, int(args.backlog), args.backlog_seconds)
        lines.append(
            Line(
                f"{args.backlog:,}-delivery backlog",
                "",
                f"{rss:.0f} MiB RSS ({rate:,.0f}/s)",
                "< 300 MiB",
                rss < 300,
            )
        )
        _print(lines[-1])
    return 0 if all(line.met is not False for line in lines) else 1


def _print(line: Line) -> None:
    verdict = {True: "met", False: "NOT met", None: ""}[line.met]
    share, worker = line.subscribers_cpu, line.worker_cpu
    cpu = "" if share is None else f"   (CPU: worker {worker or 0:.0%}, subscribers {share:.0%})"
    print(
        f"{line.scenario:<38}{line.before:>16}{line.now:>28}   target {line.target:<22}{verdict}"
        f"{cpu}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
