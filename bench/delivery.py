"""Delivery throughput and ingest-to-delivered latency, against baselines measured in the same run.

Everything runs on loopback in separate processes: a subscriber (a bare asyncio HTTP server that
answers 200 and notes when each request arrived), ``unihook worker`` or ``unihook serve``, and
this script. Numbers on shared machines move a lot between runs; the ratios to the baselines
measured alongside them move much less.

- baseline: plain ``httpx.AsyncClient`` POSTs/s (default transport, 8 keep-alive connections,
  the bodies deliveries carry), and unihook's delivery transport (``PinnedTransport.post``);
- throughput: N events queued with fan-out to 1 and to 10 subscriptions, then one
  ``unihook worker`` delivers them all: deliveries/s from its first delivery until every result
  is recorded;
- latency: ``unihook serve`` (in-process worker, woken by each commit), events sent one at a time
  (idle) and at a steady rate (load); ingest request sent -> subscriber got it, p50/p99;
- brokers: N events to one subscription each on HTTP, RabbitMQ and NATS JetStream (Debian's
  servers, started on loopback), drained by one ``unihook worker``: deliveries/s.

    python -m bench.delivery [--events 3000] [--idle 100] [--rate 150] [--seconds 5]
                             [--only scenarios|pipeline|brokers] [--scale 1.0] [--backlog 1000000]

The scenarios at realistic subscriber latencies (``bench.scenarios``) run first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin-token-0123456789abcdef"
SECRET = "whsec_bench_vendor_secret"
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# ---- the subscriber (its own process) ---------------------------------------------------------


def serve_subscriber(port: int) -> None:
    """Answer 200 to everything; ``GET /stats`` returns arrivals (monotonic ns by webhook-id)."""
    arrivals: list[tuple[int, str]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                now = time.monotonic_ns()
                length = 0
                msg_id = ""
                for line in head.split(b"\r\n"):
                    lower = line[:16].lower()
                    if lower.startswith(b"content-length:"):
                        length = int(line[15:])
                    elif lower.startswith(b"webhook-id:"):
                        msg_id = line[11:].strip().decode()
                if length:
                    await reader.readexactly(length)
                if head.startswith(b"GET /stats"):
                    body = json.dumps(arrivals).encode()
                    writer.write(
                        b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body
                    )
                elif head.startswith(b"POST /reset"):
                    arrivals.clear()
                    writer.write(OK)
                else:
                    arrivals.append((now, msg_id))
                    writer.write(OK)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    _run(main())


def _run(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _arrivals(port: int) -> list[tuple[int, str]]:
    data: list[tuple[int, str]] = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=30).json()
    return data


@contextmanager
def _process(args: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_http(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


# ---- baselines --------------------------------------------------------------------------------


async def _post_rate(url: str, n: int, body: bytes) -> float:
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    async with httpx.AsyncClient(limits=limits, timeout=15) as client:
        sem = asyncio.Semaphore(8)

        async def one() -> None:
            async with sem:
                response = await client.post(url, content=body)
                response.raise_for_status()

        return await _rate(one, n)


async def _transport_rate(url: str, n: int, body: bytes) -> float:
    from gateway.delivery.transport import PinnedTransport

    transport = PinnedTransport()
    target = httpx.URL(url)
    headers = {"content-type": "application/json"}
    sem = asyncio.Semaphore(8)

    async def one() -> None:
        async with sem:
            reply = await transport.post(target, headers, body)
            if reply.status != 200:
                raise RuntimeError(f"baseline subscriber answered {reply.status}")

    try:
        return await _rate(one, n)
    finally:
        await transport.aclose()


async def _rate(one: Any, n: int) -> float:
    await asyncio.gather(*(one() for _ in range(200)))
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n / (time.perf_counter() - started)


def baselines(port: int, n: int, body: bytes) -> tuple[float, float]:
    url = f"http://127.0.0.1:{port}/baseline"
    plain = _run(_post_rate(url, n, body))
    ours = _run(_transport_rate(url, n, body))
    httpx.post(f"http://127.0.0.1:{port}/reset")
    return plain, ours


# ---- setting up a database with queued deliveries -----------------------------------------------


def _env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        PYTHONPATH=str(ROOT),
        UNIHOOK_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
        **extra,
    )
    return env


def _bodies(n: int, tag: str) -> list[bytes]:
    from providers.breezy import adapter

    template = json.loads(adapter.sample_events()["candidateStatusUpdated"])
    out = []
    for i in range(n):
        template["_id"] = f"bench-{tag}-{os.getpid()}-{i:08d}"
        out.append(json.dumps(template, separators=(",", ":"), ensure_ascii=False).encode())
    return out


async def _queue(
    env: dict[str, str],
    port: int,
    events: int,
    fanout: int,
    destination: dict[str, Any] | None = None,
) -> None:
    """A connection, ``fanout`` subscriptions to the subscriber (or to ``destination``),
    ``events`` accepted events (the ingest commit path itself, minus HTTP), their deliveries
    queued."""
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

    settings = Settings.from_env(env)
    services = Runtime.build(settings)
    await services.migrate()
    admin = Principal("admin", None)
    await create_connection(
        services, admin, ConnectionCreate(provider="breezy", tenant="bench", secret=SECRET)
    )
    for i in range(fanout):
        data = (
            SubscriptionCreate(url=f"http://127.0.0.1:{port}/s{i}", events=["*"])
            if destination is None
            else SubscriptionCreate(destination=destination, events=["*"])
        )
        await create_subscription(services, admin, data)
    connection = await services.connection("breezy", "bench")
    assert connection is not None
    assert services.writer_engine is not None
    bodies = _bodies(events, f"q{fanout}")
    for start in range(0, events, 500):
        batch = []
        for body in bodies[start : start + 500]:
            receipt, event = prepare(
                adapter=adapter, connection=connection, body=body, headers={}, received_at=utcnow()
            )
            batch.append((receipt, event))
        with services.writer_engine.begin() as conn:
            commit_batch(conn, batch, utcnow())
    await services.close()


def throughput(workdir: Path, port: int, events: int, fanout: int) -> float:
    env = _env(workdir)
    _run(_queue(env, port, events, fanout))
    db = workdir / "bench.db"
    total = events * fanout
    httpx.post(f"http://127.0.0.1:{port}/reset")  # forget arrivals from earlier measurements
    with _process([sys.executable, "-m", "gateway.cli", "worker"], env, workdir):
        deadline = time.monotonic() + 300
        while True:
            with sqlite3.connect(db, timeout=30) as conn:
                done = conn.execute(
                    "SELECT count(*) FROM deliveries WHERE status = 'succeeded'"
                ).fetchone()[0]
            if done >= total:
                finished = time.monotonic_ns()
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {done} of {total} deliveries succeeded")
            time.sleep(0.02)
    arrivals = _arrivals(port)
    httpx.post(f"http://127.0.0.1:{port}/reset")
    first = min(t for t, _ in arrivals)
    return total / ((finished - first) / 1e9)


def drained(workdir: Path, env: dict[str, str], total: int) -> float:
    """Run ``unihook worker`` until ``total`` deliveries succeeded: deliveries/s from its first
    attempt to its last, as the attempts recorded them (the same measure for every type)."""
    db = workdir / "bench.db"
    with _process([sys.executable, "-m", "gateway.cli", "worker"], env, workdir):
        deadline = time.monotonic() + 300
        while True:
            with sqlite3.connect(db, timeout=30) as conn:
                done = conn.execute(
                    "SELECT count(*) FROM deliveries WHERE status = 'succeeded'"
                ).fetchone()[0]
            if done >= total:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {done} of {total} deliveries succeeded")
            time.sleep(0.05)
    with sqlite3.connect(db, timeout=30) as conn:
        first, last = conn.execute(
            "SELECT min(attempted_at), max(attempted_at) FROM attempts"
        ).fetchone()
    span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return total / max(span, 1e-6)


def brokers(tmp: Path, port: int, events: int) -> int:
    """Deliveries a second to RabbitMQ and NATS JetStream beside HTTP, one subscription each,
    the brokers being Debian's servers started here on loopback (as the tests start them)."""
    from tests.support.brokers import NATS, RABBITMQ, NATSServer, RabbitMQServer

    if not RABBITMQ.exists() or not Path(NATS).exists():
        print("brokers: skipped (apt-get install rabbitmq-server nats-server)")
        return 0
    rabbit = RabbitMQServer(tmp / "rabbitmq")
    nats_server = NATSServer(tmp / "nats")
    for server in (rabbit, nats_server):
        server.base.mkdir()
    try:
        rabbit.start()
        nats_server.start()
        _run(_declare(rabbit.url, nats_server.url))
        targets: list[tuple[str, dict[str, Any] | None]] = [
            ("http", None),
            ("rabbitmq", {"type": "rabbitmq", "url": rabbit.url, "exchange": "bench"}),
            ("nats", {"type": "nats", "url": nats_server.url, "subject": "bench.events"}),
        ]
        print(f"{'destination':>12}{'deliveries/s':>14}  ({events} events, one subscription)")
        for name, destination in targets:
            workdir = tmp / f"broker-{name}"
            workdir.mkdir()
            env = _env(workdir)
            _run(_queue(env, port, events, 1, destination))
            rate = drained(workdir, env, events)
            print(f"{name:>12}{rate:>14.0f}", flush=True)
    finally:
        rabbit.close()
        nats_server.close()
    return 0


async def _declare(rabbit_url: str, nats_url: str) -> None:
    """What an operator declares before subscribing: an exchange with a queue, a stream."""
    import aio_pika
    import nats

    connection = await aio_pika.connect(rabbit_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange("bench", aio_pika.ExchangeType.FANOUT)
    queue = await channel.declare_queue("bench")
    await queue.bind(exchange)
    await connection.close()
    client = await nats.connect(nats_url)
    await client.jetstream().add_stream(name="bench", subjects=["bench.>"])
    await client.close()


# ---- latency through `unihook serve` ------------------------------------------------------------


async def _send(port: int, bodies: list[bytes], rate: float | None) -> dict[str, int]:
    """Post signed bodies (one at a time with a pause when ``rate`` is None, else at ``rate``/s
    over 16 keep-alive connections); returns event id -> monotonic ns when its request went."""
    from providers.breezy import adapter

    sent: dict[str, int] = {}
    queue: asyncio.Queue[bytes] = asyncio.Queue()

    async def connection_worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                body = await queue.get()
                headers = adapter.sign_request(body, SECRET, now=datetime.now(UTC))[1]
                head = [
                    "POST /ingest/breezy/bench HTTP/1.1",
                    f"host: 127.0.0.1:{port}",
                    f"content-length: {len(body)}",
                ]
                head += [f"{k}: {v}" for k, v in headers.items()]
                started = time.monotonic_ns()
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                response = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in response.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line[15:])
                answer = json.loads(await reader.readexactly(length))
                sent[answer["event_id"]] = started
                queue.task_done()
        finally:
            writer.close()

    workers = [asyncio.create_task(connection_worker()) for _ in range(1 if rate is None else 16)]
    started = time.perf_counter()
    for i, body in enumerate(bodies):
        if rate is None:
            queue.put_nowait(body)
            await queue.join()
            await asyncio.sleep(0.03)  # let the delivery land: idle between events
        else:
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait(body)
    await queue.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return sent


def latency(
    workdir: Path, port: int, fanout: int, idle: int, rate: float, seconds: float
) -> dict[str, float]:
    gw_port = _free_port()
    env = _env(workdir, UNIHOOK_PUBLIC_URL=f"http://127.0.0.1:{gw_port}")
    cmd = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(gw_port)]
    base = f"http://127.0.0.1:{gw_port}"
    auth = {"Authorization": f"Bearer {ADMIN}"}
    results: dict[str, float] = {}
    with _process(cmd, env, workdir):
        _wait_http(f"{base}/healthz")
        httpx.post(
            f"{base}/v1/connections",
            json={"provider": "breezy", "tenant": "bench", "secret": SECRET},
            headers=auth,
        ).raise_for_status()
        for i in range(fanout):
            httpx.post(
                f"{base}/v1/subscriptions",
                json={"url": f"http://127.0.0.1:{port}/s{i}", "events": ["*"]},
                headers=auth,
            ).raise_for_status()
        _run(_send(gw_port, _bodies(20, f"warm{fanout}"), None))
        for label, count, pace in (("idle", idle, None), ("load", int(rate * seconds), rate)):
            httpx.post(f"http://127.0.0.1:{port}/reset")
            sent = _run(_send(gw_port, _bodies(count, f"{label}{fanout}"), pace))
            expected = len(sent) * fanout
            deadline = time.monotonic() + 60
            while len(arrivals := _arrivals(port)) < expected and time.monotonic() < deadline:
                time.sleep(0.1)
            lat = [(t - sent[msg]) / 1e6 for t, msg in arrivals if msg in sent]
            results[f"{label}_p50"] = _percentile(lat, 50)
            results[f"{label}_p99"] = _percentile(lat, 99)
            results[f"{label}_n"] = len(lat)
    return results


# ---- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery")
    parser.add_argument("--events", type=int, default=3000, help="events queued for throughput")
    parser.add_argument("--idle", type=int, default=100, help="events sent one at a time")
    parser.add_argument("--rate", type=float, default=150.0, help="events/s under load")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration under load")
    parser.add_argument("--fanout", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--subscriber", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=("scenarios", "pipeline", "brokers"),
        help="scenarios: realistic subscriber latencies against targets (bench.scenarios); "
        "pipeline: the transport baselines, throughput by fan-out and latency; "
        "brokers: deliveries/s to RabbitMQ and NATS beside HTTP",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="scenarios: backlog factor")
    parser.add_argument("--backlog", type=int, default=1_000_000, help="scenarios: RSS backlog")
    args = parser.parse_args(argv)
    if args.subscriber:
        serve_subscriber(args.subscriber)
        return 0
    status = 0
    if args.only in (None, "scenarios"):
        from bench import scenarios

        print(
            "scenario                                        before (64, 8 per destination)"
            "      now (defaults)"
        )
        status = scenarios.main(["--scale", str(args.scale), "--backlog", str(args.backlog)])
        if args.only == "scenarios":
            return status
        print()

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (
        tempfile.TemporaryDirectory(prefix="unihook-bench-delivery-") as tmp,
        _process(
            [sys.executable, "-m", "bench.delivery", "--subscriber", str(port)], env, Path(tmp)
        ),
    ):
        _wait_http(f"http://127.0.0.1:{port}/stats")
        if args.only == "brokers":
            return brokers(Path(tmp), port, args.events)
        body = _bodies(1, "size")[0]
        payload_size = len(body) + 250  # the canonical event is about this much bigger
        plain, ours = baselines(port, 3000, b"x" * payload_size)
        print(f"baseline  httpx.AsyncClient, default transport, 8 connections: {plain:8.0f} POST/s")
        print(f"baseline  unihook's transport (post), 8 connections:           {ours:8.0f} POST/s")
        print()
        columns = [("fan-out", 8), ("deliveries/s", 14), ("/httpx", 9), ("idle p50", 10)]
        columns += [("idle p99", 10), ("load", 8), ("load p50", 10), ("load p99", 10)]
        print("".join(f"{title:>{width}}" for title, width in columns))
        for fanout in args.fanout:
            workdir = Path(tmp) / f"fanout{fanout}"
            workdir.mkdir()
            events = max(1, args.events // fanout) * fanout // fanout
            rate = throughput(workdir, port, max(1, args.events // fanout), fanout)
            lat_dir = Path(tmp) / f"latency{fanout}"
            lat_dir.mkdir()
            lat = latency(lat_dir, port, fanout, args.idle, args.rate / fanout, args.seconds)
            load = args.rate / fanout * fanout
            print(
                f"{fanout:>8}{rate:>14.0f}{rate / plain:>9.2f}"
                f"{lat['idle_p50']:>8.1f}ms{lat['idle_p99']:>8.1f}ms"
                f"{load:>6.0f}/s{lat['load_p50']:>8.1f}ms{lat['load_p99']:>8.1f}ms",
                flush=True,
            )
            del events
        print()
        return brokers(Path(tmp), port, args.events) or status


if __name__ == "__main__":
    sys.exit(main())
