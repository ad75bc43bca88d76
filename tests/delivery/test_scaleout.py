"""Scale-out on PostgreSQL: two ``serve --no-worker`` and two ``worker`` processes share a database.

Every (event, subscription) pair reaches the subscriber exactly once while both workers live; with
one worker killed by SIGKILL mid-run every pair still arrives, and the only repeats are deliveries
the dead worker had claimed and sent but not recorded, each repeated once.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.fernet import Fernet
from standardwebhooks import Webhook

from bench.loadgen import build_request, run_load
from gateway.core.settings import Settings
from gateway.delivery.concurrency import total_budget
from providers.registry import default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN, fresh_postgres_database
from tests.delivery.receiver import Received, Receiver, Reply
from tests.gateway.helpers import SECRETS, sign

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

UNIHOOK = [sys.executable, "-m", "gateway.cli"]
EVENTS = 2000
PATHS = ("/s0", "/s1", "/s2")
SENDERS = 16  # requests in flight from the "vendors", spread over both serve processes
DEADLINE = 120.0  # seconds for every delivery to arrive
SAMPLE = 60  # signatures checked with the standardwebhooks library
REPLY_DELAY = 0.01  # the receiver's answer time when a worker is killed: requests in flight


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for the whole cluster."""
    async with fresh_postgres_database("unihook_scale") as url:
        yield url


class Cluster:
    """The gateway's processes on one PostgreSQL database, outputs in files under ``tmp``."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp = tmp
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
        self.env.update(
            UNIHOOK_DATABASE_URL=database_url,
            UNIHOOK_SECRET_KEY=Fernet.generate_key().decode(),
            UNIHOOK_ADMIN_TOKEN=ADMIN_TOKEN,
            UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
            UNIHOOK_LEASE_SECONDS="3",  # a killed worker's claims come back within ~3 s
            UNIHOOK_POLL_INTERVAL="0.1",  # a worker is not woken by another process's commit
            UNIHOOK_RETRY_SCHEDULE="0.5,0.5,0.5",
            NO_COLOR="1",
        )
        self.settings = Settings.from_env(self.env)
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.serve_urls: list[str] = []
        self.workers: list[tuple[subprocess.Popen[bytes], Path]] = []

    def _spawn(self, name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.tmp / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*UNIHOOK, *args], env=self.env, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT
            )
        self.procs.append((proc, log))
        return proc, log

    def start(self, serves: int = 2, workers: int = 2) -> None:
        """All at once on the fresh database: each creates the schema as it starts."""
        for i in range(serves):
            port = _free_port()
            self._spawn(f"serve{i}", "serve", "--no-worker", "--port", str(port))
            self.serve_urls.append(f"http://127.0.0.1:{port}")
        for i in range(workers):
            self.workers.append(self._spawn(f"worker{i}", "worker"))
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=1) as http:  # one for every poll (see test_live's Gateway)
            for url in self.serve_urls:
                while True:
                    self._check_alive()
                    try:
                        if http.get(f"{url}/healthz").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    assert time.monotonic() < deadline, f"{url} did not come up"
                    time.sleep(0.1)
        for i in range(workers):
            while self.worker_owner(i) is None:
                self._check_alive()
                assert time.monotonic() < deadline, f"worker {i} did not start"
                time.sleep(0.1)

    def worker_owner(self, index: int) -> str | None:
        """The lease owner id the worker printed when it started."""
        for line in self.workers[index][1].read_text(errors="replace").splitlines():
            if line.startswith("unihook worker "):
                return line.split()[2]
        return None

    def errors(self) -> list[str]:
        """The last line of every traceback the processes logged (a deadlock, a failed commit)."""
        found = []
        for _, log in self.procs:
            lines = log.read_text(errors="replace").splitlines()
            for i, line in enumerate(lines):
                if line.startswith("Traceback (most recent call last)"):
                    end = next((j for j in range(i + 1, len(lines)) if lines[j][:1] not in " "), i)
                    found.append(f"{log.name}: {lines[end]}")
        return found

    def _check_alive(self) -> None:
        for proc, log in self.procs:
            if proc.poll() is not None and proc.returncode != -signal.SIGKILL:
                raise AssertionError(f"{log.name} exited {proc.returncode}:\n{log.read_text()}")

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    async def query(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.database_url.replace("postgresql+asyncpg", "postgresql"))
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()


@pytest.fixture
def cluster(tmp_path: Path, pg_url: str) -> Iterator[Cluster]:
    c = Cluster(tmp_path, pg_url)
    with ExitStack() as stack:
        stack.callback(c.stop)
        c.start()
        yield c


async def set_up(cluster: Cluster, receiver: Receiver) -> dict[str, str]:
    """A Breezy connection and three subscriptions (one per receiver path), through the API of
    both serve processes; returns each path's signing secret."""
    base = f"http://127.0.0.1:{receiver.port}"
    secrets: dict[str, str] = {}
    async with httpx.AsyncClient(headers=ADMIN, timeout=30) as client:
        response = await client.post(
            f"{cluster.serve_urls[0]}/v1/connections",
            json={"provider": "breezy", "tenant": "acme", "secret": SECRETS["breezy"]},
        )
        assert response.status_code == 201, response.text
        for i, path in enumerate(PATHS):
            response = await client.post(
                f"{cluster.serve_urls[i % len(cluster.serve_urls)]}/v1/subscriptions",
                json={"url": base + path, "events": ["ats.*"], "description": path},
            )
            assert response.status_code == 201, response.text
            secrets[path] = response.json()["secret"]
    return secrets


def vendor_bodies(n: int) -> list[bytes]:
    template = json.loads(default_registry().get("breezy").sample_events()["candidateAdded"])
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        template["_id"] = f"scale-{run}-{i:05d}"
        out.append(json.dumps(template, separators=(",", ":")).encode())
    return out


async def post_events(cluster: Cluster, bodies: list[bytes]) -> None:
    """Post signed vendor requests, half to each serve process, ``SENDERS`` keep-alive
    connections in all (raw HTTP/1.1: the test process also runs the receiver)."""
    shares: list[list[bytes]] = [[] for _ in cluster.serve_urls]
    for i, body in enumerate(bodies):
        shares[i % len(shares)].append(body)
    runs = []
    for url, share in zip(cluster.serve_urls, shares, strict=True):
        host, port = url.removeprefix("http://").split(":")
        requests = [
            build_request(f"{host}:{port}", "/ingest/breezy/acme", body, sign("breezy", body))
            for body in share
        ]
        runs.append(run_load(host, int(port), requests, SENDERS // len(shares)))
    results = await asyncio.gather(*runs)
    statuses: Counter[int] = Counter()
    for result in results:
        statuses.update(result.statuses)
    assert statuses == {202: len(bodies)}, statuses


async def event_ids(cluster: Cluster) -> set[str]:
    return {r[0] for r in await cluster.query("SELECT id FROM events")}


async def wait_for(receiver: Receiver, count: int, started: float) -> None:
    while len(receiver.requests) < count:
        if time.monotonic() - started > DEADLINE:
            raise AssertionError(
                f"receiver got {len(receiver.requests)} requests in {DEADLINE:g} s, expected {count}"
            )
        await asyncio.sleep(0.05)


async def wait_recorded(cluster: Cluster, total: int, within: float = 30) -> dict[str, int]:
    """Delivery rows by status once none is pending (results are written just after sending)."""
    deadline = time.monotonic() + within
    while True:
        rows = await cluster.query("SELECT status, count(*) FROM deliveries GROUP BY status")
        by_status = {r[0]: r[1] for r in rows}
        if not by_status.get("pending") and sum(by_status.values()) >= total:
            return by_status
        assert time.monotonic() < deadline, f"deliveries still not settled: {by_status}"
        await asyncio.sleep(0.1)


def check_signatures(requests: list[Received], secrets: dict[str, str]) -> None:
    for request in random.sample(requests, SAMPLE):
        payload = Webhook(secrets[request.path]).verify(request.body, request.headers)
        assert payload["id"] == request.headers["webhook-id"]
        assert payload["type"] == "ats.application.created"
        assert payload["tenant"] == "acme"


async def test_two_serves_two_workers_deliver_every_pair_once(cluster: Cluster) -> None:
    with Receiver() as receiver:
        secrets = await set_up(cluster, receiver)
        started = time.monotonic()
        await post_events(cluster, vendor_bodies(EVENTS))
        ingested = time.monotonic()
        await wait_for(receiver, EVENTS * len(PATHS), started)
        delivered = time.monotonic()
        by_status = await wait_recorded(cluster, EVENTS * len(PATHS))
        await asyncio.sleep(0.5)  # anything sent twice would arrive about now
        requests = receiver.received()
    print(
        f"\n{EVENTS} events ingested in {ingested - started:.1f} s; "
        f"{len(requests)} deliveries received {delivered - started:.1f} s after the first post"
    )

    events = await event_ids(cluster)
    assert len(events) == EVENTS
    pairs = Counter((r.headers["webhook-id"], r.path) for r in requests)
    assert set(pairs) == {(e, p) for e in events for p in PATHS}  # every pair arrived ...
    assert max(pairs.values()) == 1  # ... once
    assert by_status == {"succeeded": EVENTS * len(PATHS)}
    leased = await cluster.query("SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL")
    assert leased[0][0] == 0
    # the subscriptions' stats add up across both workers
    per_sub = await cluster.query(
        "SELECT successful_deliveries, failed_deliveries FROM subscriptions"
    )
    assert sorted(tuple(r) for r in per_sub) == [(EVENTS, 0)] * len(PATHS)
    check_signatures(requests, secrets)
    assert cluster.errors() == []


async def test_sigkill_one_worker_mid_run_every_pair_arrives(cluster: Cluster) -> None:
    victim, victim_log = cluster.workers[0]
    victim_owner = cluster.worker_owner(0)
    # requests the victim can have in flight: its total (UNIHOOK_WORKER_CONCURRENCY, else derived
    # from the descriptor limit) and towards the receiver (all three paths are one destination)
    # at most UNIHOOK_PER_DESTINATION_CONNECTIONS
    settings = cluster.settings
    in_flight_limit = total_budget(settings.worker_concurrency)
    per_destination = min(in_flight_limit, settings.per_destination_connections)
    total = EVENTS * len(PATHS)
    with Receiver(default=Reply(delay=REPLY_DELAY)) as receiver:
        secrets = await set_up(cluster, receiver)
        started = time.monotonic()
        posting = asyncio.ensure_future(post_events(cluster, vendor_bodies(EVENTS)))
        try:
            await wait_for(receiver, total // 3, started)
            # kill it mid-work, while it holds claims: stopped first, so that what it holds
            # cannot change between looking and killing
            while True:
                victim.send_signal(signal.SIGSTOP)
                if await cluster.query(
                    "SELECT 1 FROM deliveries WHERE lease_owner = $1 AND status = 'pending' "
                    "LIMIT 1",
                    victim_owner,
                ):
                    break
                victim.send_signal(signal.SIGCONT)
                assert time.monotonic() - started < DEADLINE, "the worker never held claims"
                await asyncio.sleep(0.005)
            victim.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            victim.wait(10)
            received_at_kill = len(receiver.requests)
            # what it had claimed and not recorded (sent or not): its leases, until they lapse
            held = await cluster.query(
                "SELECT d.event_id, s.url FROM deliveries d "
                "JOIN subscriptions s ON s.id = d.subscription_id "
                "WHERE d.lease_owner = $1 AND d.status = 'pending'",
                victim_owner,
            )
            await posting
        finally:
            if not posting.done():
                posting.cancel()
        await wait_for(receiver, total, started)
        delivered = time.monotonic()
        by_status = await wait_recorded(cluster, total)
        await asyncio.sleep(0.5)
        requests = receiver.received()

    pairs = Counter((r.headers["webhook-id"], r.path) for r in requests)
    duplicates = {pair: n for pair, n in pairs.items() if n > 1}
    firsts = {
        pair: min(r.at for r in requests if (r.headers["webhook-id"], r.path) == pair)
        for pair in duplicates
    }
    # a first copy that reached the receiver less than REPLY_DELAY before the kill had no answer
    # yet: in flight; an older one had been answered, but its result was not yet recorded
    unanswered = sum(1 for at in firsts.values() if at > killed_at - REPLY_DELAY)
    repeats = sum(n - 1 for n in duplicates.values())
    print(
        f"\nworker {victim_owner} killed after {received_at_kill} deliveries, holding "
        f"{len(held)} claims; all {total} pairs delivered "
        f"{delivered - started:.1f} s after the first post; {repeats} repeated "
        f"({unanswered} unanswered at the kill, {repeats - unanswered} answered but not yet "
        f"recorded; in flight at most {in_flight_limit}, {per_destination} per destination)"
    )
    assert victim.returncode == -signal.SIGKILL, victim_log.read_text()
    assert held  # it died holding claims: the survivor had to take them over
    victim_pairs = {(r[0], r[1].removeprefix(f"http://127.0.0.1:{receiver.port}")) for r in held}

    events = await event_ids(cluster)
    assert len(events) == EVENTS
    assert set(pairs) == {(e, p) for e in events for p in PATHS}  # every pair arrived
    # repeats only of what the victim had claimed and not recorded, sent before it died, once
    assert set(duplicates) <= victim_pairs, duplicates
    assert all(at <= killed_at + 0.25 for at in firsts.values())
    assert max(pairs.values()) <= 2
    # a worker holds at most 2 x UNIHOOK_WORKER_CONCURRENCY claims, counting sends answered but
    # not yet recorded (they stay held, their leases renewed, until their result commits)
    assert repeats <= 2 * in_flight_limit, duplicates
    assert by_status == {"succeeded": total}
    leased = await cluster.query("SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL")
    assert leased[0][0] == 0
    check_signatures(requests, secrets)
    assert cluster.errors() == []
