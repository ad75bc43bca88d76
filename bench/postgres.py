"""Scale-out on PostgreSQL: ingest with 1 and 2 ``serve --no-worker`` processes, delivery with 1
and 2 ``worker`` processes, and the ratios (2 processes / 1) measured in the same run.

- ingest: unique, correctly signed Breezy requests over 32 keep-alive connections in all (split
  evenly between the serve processes), req/s and p50/p99 latency (``bench.loadgen``), with 3
  subscriptions selecting every event (no worker runs, so they are queued, not sent);
- delivery: a queue pre-filled with N events x 1 subscription (the ingest commit path, minus
  HTTP), then the workers deliver it to a local subscriber (``bench.delivery``'s): deliveries/s
  from the first arrival until every result is recorded.

Each measurement runs on a fresh database, dropped afterwards. The CPU each kind of process used
during the measured window is printed too (from /proc), to show what limits scaling.

    UNIHOOK_BENCH_POSTGRES_URL=postgresql+asyncpg://user@host/postgres python -m bench.postgres
    [--requests 4000] [--events 5000] [--concurrency 32]

(``UNIHOOK_TEST_POSTGRES_URL`` is used when ``UNIHOOK_BENCH_POSTGRES_URL`` is not set; the user
must be allowed to create databases.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.delivery import _arrivals, _bodies, _free_port, _wait_http
from bench.ingest import _requests
from bench.ingest_servers import SECRET
from bench.loadgen import LoadResult, run_load

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin-token-0123456789abcdef"
UNIHOOK = [sys.executable, "-m", "gateway.cli"]
TICK = os.sysconf("SC_CLK_TCK")


def _dsn(url: str) -> str:
    """The asyncpg DSN for a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(url: str, sql: str) -> str | None:
    import asyncpg

    conn = await asyncpg.connect(_dsn(url))
    try:
        if sql.lstrip().upper().startswith("SELECT"):
            value = await conn.fetchval(sql)
            return None if value is None else str(value)
        await conn.execute(sql)
        return None
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[str]:
    name = f"unihook_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(url, f'CREATE DATABASE "{name}"'))
    base, _, _ = url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def kept_database(url: str, name: str) -> tuple[str, Path]:
    """The URL of database ``unihook_bench_<name>`` on ``url``'s server and the file that keeps
    the ids of what a benchmark seeded in it. Without that file (a first run, or one stopped while
    seeding) the database is made anew, empty, for the benchmark to seed. The prefix keeps this
    from ever dropping a database the benchmark did not make."""
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
        raise SystemExit(f"not a plain name (a-z, 0-9, _; at most 40): {name!r}")
    database = f"unihook_bench_{name}"
    ids = Path(tempfile.gettempdir()) / f"{database}.ids.json"
    if not ids.exists():
        asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        asyncio.run(_admin(url, f'CREATE DATABASE "{database}"'))
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}", ids


# ---- CPU accounting ---------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) / TICK for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


@dataclass
class CpuMeter:
    """CPU seconds used by labelled processes (and every postgres process) over a window."""

    processes: dict[str, list[int]]
    start: dict[int, float] = field(default_factory=dict)
    began: float = 0.0
    used: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0
    machine: tuple[float, float] = (0.0, 0.0)

    def __enter__(self) -> CpuMeter:
        self.began = time.monotonic()
        pids = [p for group in self.processes.values() for p in group] + _postgres_pids()
        self.start = {pid: _cpu_seconds(pid) for pid in pids}
        self.machine = _machine_busy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.began
        busy, total = _machine_busy()
        self.machine = (busy - self.machine[0], total - self.machine[1])
        for label, pids in self.processes.items():
            self.used[label] = sum(_cpu_seconds(p) - self.start.get(p, 0.0) for p in pids)
        # postgres backends come and go (one per pooled connection): count the ones alive at the
        # end from zero if they started during the window
        self.used["postgres"] = sum(
            _cpu_seconds(p) - self.start.get(p, 0.0) for p in _postgres_pids()
        )

    def summary(self) -> str:
        """CPU use as % of one CPU, and everything else the machine ran meanwhile."""
        parts = [f"{label} {100 * s / self.wall:.0f}%" for label, s in self.used.items()]
        busy, total = self.machine
        cores = os.cpu_count() or 1
        other = max(0.0, busy - sum(self.used.values()))
        parts.append(f"other {100 * other / self.wall:.0f}%")
        return (
            ", ".join(parts) + f"; machine {busy / total if total else 0:.0%} busy of {cores} CPUs"
        )


# ---- processes --------------------------------------------------------------------------------


INGEST_SUBSCRIBERS = 3


def _env(database_url: str, **extra: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        PYTHONPATH=str(ROOT),
        NO_COLOR="1",
        UNIHOOK_DATABASE_URL=database_url,
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_SECRET_KEY=Fernet.generate_key().decode(),
        UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
        **extra,
    )
    return env


@contextlib.contextmanager
def _processes(
    commands: list[list[str]], env: dict[str, str], workdir: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for i, command in enumerate(commands):
            log = (workdir / f"proc{i}.log").open("wb")
            logs.append(log)
            procs.append(subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log))
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def _check(procs: list[subprocess.Popen[bytes]], workdir: Path) -> None:
    for i, proc in enumerate(procs):
        if proc.poll() is not None:
            log = (workdir / f"proc{i}.log").read_text(errors="replace")
            raise RuntimeError(f"process {i} exited {proc.returncode}:\n{log[-3000:]}")


def _wait_up(url: str, procs: list[subprocess.Popen[bytes]], workdir: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        _check(procs, workdir)
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.05)


def _log_notes(workdir: Path, what: str) -> None:
    """Say so when the processes logged errors (they slow the run down, or worse)."""
    text = "".join(log.read_text(errors="replace") for log in sorted(workdir.glob("proc*.log")))
    tracebacks = text.count("Traceback (most recent call last)")
    deadlocks = text.count("deadlock detected")
    if tracebacks:
        print(f"  note: {what} logged {tracebacks} tracebacks ({deadlocks} deadlocks detected)")


# ---- ingest -----------------------------------------------------------------------------------


def _merge(results: list[LoadResult]) -> LoadResult:
    statuses: dict[int, int] = {}
    for r in results:
        for status, count in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return LoadResult(
        requests=sum(r.requests for r in results),
        seconds=max(r.seconds for r in results),
        latencies=[x for r in results for x in r.latencies],
        statuses=statuses,
    )


async def _load(ports: list[int], per_port: list[list[bytes]], concurrency: int) -> LoadResult:
    share = max(1, concurrency // len(ports))
    runs = [run_load("127.0.0.1", p, reqs, share) for p, reqs in zip(ports, per_port, strict=True)]
    return _merge(list(await asyncio.gather(*runs)))


def ingest(url: str, processes: int, requests: int, concurrency: int) -> tuple[LoadResult, str]:
    """req/s and latency with ``processes`` serve processes, and the CPU each kind used."""
    with (
        fresh_database(url) as database_url,
        tempfile.TemporaryDirectory(prefix="unihook-bench-pg-") as tmp,
    ):
        workdir = Path(tmp)
        env = _env(database_url)
        ports = [_free_port() for _ in range(processes)]
        commands = [[*UNIHOOK, "serve", "--no-worker", "--port", str(p)] for p in ports]
        with _processes(commands, env, workdir) as procs:
            for port in ports:
                _wait_up(f"http://127.0.0.1:{port}/healthz", procs, workdir)
            api = f"http://127.0.0.1:{ports[0]}/v1"
            auth = {"Authorization": f"Bearer {ADMIN}"}
            httpx.post(
                f"{api}/connections",
                json={"provider": "breezy", "tenant": "bench", "secret": SECRET},
                headers=auth,
                timeout=30,
            ).raise_for_status()
            for i in range(INGEST_SUBSCRIBERS):  # as operators run it: fan-out in every commit
                httpx.post(
                    f"{api}/subscriptions",
                    json={"url": f"http://127.0.0.1:9/{i}", "events": ["*"]},
                    headers=auth,
                    timeout=30,
                ).raise_for_status()
            per = requests // processes
            warm = [_requests(200, p, start=i * 10_000_000) for i, p in enumerate(ports)]
            asyncio.run(_load(ports, warm, concurrency))
            batches = [
                _requests(per, p, start=i * 10_000_000 + 1_000_000) for i, p in enumerate(ports)
            ]
            with CpuMeter({"serve": [p.pid for p in procs], "loadgen": [os.getpid()]}) as meter:
                result = asyncio.run(_load(ports, batches, concurrency))
        _log_notes(workdir, f"{processes} serve")
    bad = {s: c for s, c in result.statuses.items() if s not in (200, 202)}
    if bad:
        raise RuntimeError(f"ingest with {processes} serve processes: unexpected statuses {bad}")
    return result, meter.summary()


# ---- delivery ---------------------------------------------------------------------------------


async def _fill(env: dict[str, str], subscriber_port: int, events: int) -> None:
    """A connection, one subscription to the subscriber, ``events`` accepted events with their
    deliveries queued: the same group-commit code ingest runs on PostgreSQL."""
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

    services = Runtime.build(Settings.from_env(env))
    try:
        await services.migrate()
        admin = Principal("admin", None)
        await create_connection(
            services, admin, ConnectionCreate(provider="breezy", tenant="bench", secret=SECRET)
        )
        await create_subscription(
            services,
            admin,
            SubscriptionCreate(url=f"http://127.0.0.1:{subscriber_port}/s0", events=["*"]),
        )
        connection = await services.connection("breezy", "bench")
        assert connection is not None
        bodies = _bodies(events, f"pg{uuid.uuid4().hex[:6]}")
        for start in range(0, events, 500):
            batch = []
            for body in bodies[start : start + 500]:
                receipt, event = prepare(
                    adapter=adapter,
                    connection=connection,
                    body=body,
                    headers={},
                    received_at=utcnow(),
                )
                batch.append((receipt, event))
            async with services.engine.begin() as conn:
                await conn.run_sync(commit_batch, batch, utcnow())
    finally:
        await services.close()


async def _succeeded(database_url: str) -> int:
    return int(
        await _admin(database_url, "SELECT count(*) FROM deliveries WHERE status = 'succeeded'")
        or 0
    )


def delivery(url: str, processes: int, events: int, subscriber_port: int) -> tuple[float, str]:
    """Deliveries/s with ``processes`` workers, and the CPU each kind used."""
    with (
        fresh_database(url) as database_url,
        tempfile.TemporaryDirectory(prefix="unihook-bench-pg-") as tmp,
    ):
        workdir = Path(tmp)
        env = _env(database_url, UNIHOOK_POLL_INTERVAL="0.1")
        asyncio.run(_fill(env, subscriber_port, events))
        httpx.post(f"http://127.0.0.1:{subscriber_port}/reset", timeout=30)

        async def watch(deadline: float) -> int:
            import asyncpg

            conn = await asyncpg.connect(_dsn(database_url))
            try:
                while True:
                    done = await conn.fetchval(
                        "SELECT count(*) FROM deliveries WHERE status = 'succeeded'"
                    )
                    if done >= events:
                        return time.monotonic_ns()
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"only {done} of {events} deliveries succeeded")
                    await asyncio.sleep(0.02)
            finally:
                await conn.close()

        commands = [[*UNIHOOK, "worker"] for _ in range(processes)]
        with _processes(commands, env, workdir) as procs:
            with CpuMeter({"worker": [p.pid for p in procs]}) as meter:
                finished = asyncio.run(watch(time.monotonic() + 120))
            _check(procs, workdir)
        _log_notes(workdir, f"{processes} worker")
        arrivals = _arrivals(subscriber_port)
        httpx.post(f"http://127.0.0.1:{subscriber_port}/reset", timeout=30)
    first = min(t for t, _ in arrivals)
    repeats = len(arrivals) - len({m for _, m in arrivals})
    if repeats:
        print(f"  note: {repeats} deliveries arrived twice with {processes} workers")
    return events / ((finished - first) / 1e9), meter.summary()


# ---- main -------------------------------------------------------------------------------------


def _pg_facts(url: str) -> str:
    async def facts() -> str:
        import asyncpg

        conn = await asyncpg.connect(_dsn(url))
        try:
            version = await conn.fetchval("SHOW server_version")
            fsync = await conn.fetchval("SHOW fsync")
            sync = await conn.fetchval("SHOW synchronous_commit")
            await conn.execute("CREATE TEMP TABLE unihook_probe (n int)")
            took = []
            for i in range(200):
                started = time.perf_counter()
                async with conn.transaction():
                    await conn.execute("INSERT INTO unihook_probe VALUES ($1)", i)
                took.append(time.perf_counter() - started)
            took.sort()
            commit = took[len(took) // 2] * 1000
        finally:
            await conn.close()
        return (
            f"PostgreSQL {version.split()[0]} (fsync={fsync}, synchronous_commit={sync}); "
            f"one-row INSERT + COMMIT round trip p50 {commit:.2f} ms"
        )

    return asyncio.run(facts())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.postgres")
    parser.add_argument("--requests", type=int, default=4000, help="ingest requests per run")
    parser.add_argument("--events", type=int, default=5000, help="queued deliveries per run")
    parser.add_argument("--concurrency", type=int, default=32, help="ingest connections in all")
    args = parser.parse_args(argv)
    url = os.environ.get("UNIHOOK_BENCH_POSTGRES_URL") or os.environ.get(
        "UNIHOOK_TEST_POSTGRES_URL"
    )
    if not url:
        print(
            "bench.postgres needs a PostgreSQL server: set UNIHOOK_BENCH_POSTGRES_URL (or "
            "UNIHOOK_TEST_POSTGRES_URL) to postgresql+asyncpg://user@host:port/postgres, "
            "a user allowed to CREATE DATABASE",
            file=sys.stderr,
        )
        return 2
    if not url.startswith("postgresql"):
        print(f"not a PostgreSQL URL: {url}", file=sys.stderr)
        return 2
    began = time.monotonic()
    print(_pg_facts(url))
    print(f"{os.cpu_count()} CPUs; everything (PostgreSQL too) on this machine\n", flush=True)

    ingest_runs = {}
    for n in (1, 2):
        ingest_runs[n] = ingest(url, n, args.requests, args.concurrency)
        r, cpu = ingest_runs[n]
        print(f"ingest,   {n} serve:  {r.rps:7.0f} req/s   cpu: {cpu}", flush=True)

    port = _free_port()
    sub_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    delivery_runs = {}
    with (
        tempfile.TemporaryDirectory(prefix="unihook-bench-pg-sub-") as tmp,
        _processes(
            [[sys.executable, "-m", "bench.delivery", "--subscriber", str(port)]],
            sub_env,
            Path(tmp),
        ) as subscriber,
    ):
        _wait_http(f"http://127.0.0.1:{port}/stats")
        for n in (1, 2):
            delivery_runs[n] = delivery(url, n, args.events, port)
            rate, cpu = delivery_runs[n]
            print(f"delivery, {n} worker: {rate:7.0f} /s      cpu: {cpu}", flush=True)
        del subscriber

    one, two = ingest_runs[1][0], ingest_runs[2][0]
    d1, d2 = delivery_runs[1][0], delivery_runs[2][0]
    print(
        f"\nPostgreSQL scale-out: ingest {args.requests} signed Breezy requests over "
        f"{args.concurrency} connections, {INGEST_SUBSCRIBERS} subscriptions; "
        f"delivery of {args.events} queued events x 1 subscription"
    )
    print(f"{'':<22}{'1 process':>12}{'2 processes':>14}{'2 / 1':>8}")
    rows = [
        ("ingest req/s", one.rps, two.rps, "{:>12.0f}", "{:>14.0f}"),
        (
            "ingest p50 ms",
            one.percentile(50) * 1000,
            two.percentile(50) * 1000,
            "{:>12.1f}",
            "{:>14.1f}",
        ),
        (
            "ingest p99 ms",
            one.percentile(99) * 1000,
            two.percentile(99) * 1000,
            "{:>12.1f}",
            "{:>14.1f}",
        ),
        ("delivery /s", d1, d2, "{:>12.0f}", "{:>14.0f}"),
    ]
    for label, a, b, fa, fb in rows:
        print(f"{label:<22}{fa.format(a)}{fb.format(b)}{b / a:>7.2f}x")
    print(f"\n({time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
