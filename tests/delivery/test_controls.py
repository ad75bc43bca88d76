"""Per-subscription ``rate_limit`` and ``ordering: "resource"`` across worker processes sharing
one database, on SQLite and PostgreSQL, with a worker killed by SIGKILL mid-run."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN
from tests.delivery.receiver import Received, Receiver, Reply
from tests.delivery.test_scaleout import Cluster, post_events, wait_recorded
from tests.gateway.helpers import SECRETS

pytestmark = [pytest.mark.slow]

SUBJECTS = 50
ORDERED_EVENTS = 1000
FAILURE_RATE = 0.2
DEADLINE = 240.0


class Workers(Cluster):
    """One ``serve --no-worker`` and several ``worker`` processes on SQLite or PostgreSQL."""

    def __init__(self, tmp: Path, database_url: str, **env: str) -> None:
        super().__init__(tmp, database_url)
        self.env.update(UNIHOOK_RETRY_SCHEDULE=",".join(["0.2"] * 12), **env)

    async def query(self, sql: str, *args: Any) -> list[Any]:
        if not self.database_url.startswith("sqlite"):
            return await super().query(sql, *args)
        path = self.database_url.split(":///", 1)[1]
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute(sql.replace("$1", "?"), args).fetchall()


@pytest.fixture
def workers(tmp_path: Path, database_url: str) -> Iterator[Workers]:
    cluster = Workers(tmp_path, database_url)
    with ExitStack() as stack:
        stack.callback(cluster.stop)
        cluster.start(serves=1, workers=2)
        yield cluster


async def subscribe(cluster: Cluster, url: str, **fields: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(headers=ADMIN, timeout=30) as client:
        base = cluster.serve_urls[0]
        answer = await client.post(
            f"{base}/v1/connections",
            json={"provider": "breezy", "tenant": "acme", "secret": SECRETS["breezy"]},
        )
        assert answer.status_code == 201, answer.text
        answer = await client.post(
            f"{base}/v1/subscriptions", json={"url": url, "events": ["*"], **fields}
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result


def bodies(n: int, subjects: int) -> list[bytes]:
    """Breezy stage changes; event i is about candidate ``i % subjects``."""
    from providers.registry import default_registry

    template = json.loads(
        default_registry().get("breezy").sample_events()["candidateStatusUpdated"]
    )
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        template["_id"] = f"ctl-{run}-{i:05d}"
        template["object"]["candidate"]["_id"] = f"cand-{i % subjects:03d}"
        out.append(json.dumps(template, separators=(",", ":")).encode())
    return out


async def test_ordering_per_subject_survives_a_killed_worker(workers: Workers) -> None:
    lock = threading.Lock()
    rng = random.Random(7)
    ok: list[tuple[str, str]] = []  # (subject, event id) of every 2xx answered, in order

    def decide(request: Received) -> Reply:
        event = json.loads(request.body)
        with lock:
            if rng.random() < FAILURE_RATE:
                return Reply(status=500)
            ok.append((event["subject"], event["id"]))
        return Reply(status=200, delay=0.002)

    with Receiver(decide=decide) as receiver:
        sub = await subscribe(workers, receiver.url, ordering="resource")
        posting = asyncio.ensure_future(post_events(workers, bodies(ORDERED_EVENTS, SUBJECTS)))
        victim, _ = workers.workers[0]
        owner = workers.worker_owner(0)
        started = time.monotonic()
        try:
            while len(ok) < ORDERED_EVENTS // 4 or not await workers.query(
                "SELECT 1 FROM deliveries WHERE lease_owner = $1 LIMIT 1", owner
            ):
                assert time.monotonic() - started < DEADLINE, f"only {len(ok)} delivered"
                await asyncio.sleep(0.01)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            await posting
            async with httpx.AsyncClient(headers=ADMIN, timeout=30) as client:
                shown = await client.get(f"{workers.serve_urls[0]}/v1/subscriptions/{sub['id']}")
            held_while_running = shown.json()["delivery"]["ordering_held"]
        finally:
            if not posting.done():
                posting.cancel()
        by_status = await wait_recorded(workers, ORDERED_EVENTS, DEADLINE)
        with lock:
            receipts = list(ok)

    assert victim.returncode == -signal.SIGKILL
    assert by_status == {"succeeded": ORDERED_EVENTS}
    assert held_while_running > 0  # later events of a subject were seen waiting
    accepted: dict[str, list[str]] = defaultdict(list)
    for event_id, subject in await workers.query("SELECT id, subject FROM events ORDER BY id"):
        accepted[subject].append(event_id)
    assert len(accepted) == SUBJECTS
    got: dict[str, list[str]] = defaultdict(list)
    for subject, event_id in receipts:
        if event_id not in got[subject]:  # a repeat of a sent-but-unrecorded delivery
            got[subject].append(event_id)
        else:
            assert got[subject][-1] == event_id, f"{event_id} repeated after a later one"
    for subject, ids in accepted.items():
        assert got[subject] == ids, subject  # every one, in acceptance order
    assert workers.errors() == []


async def test_rate_limit_holds_across_workers(workers: Workers) -> None:
    limit, events = 8, 48
    with Receiver(default=Reply(status=200)) as receiver:
        sub = await subscribe(workers, receiver.url, rate_limit=limit)
        assert sub["rate_limit"] == limit
        started = time.monotonic()
        await post_events(workers, bodies(events, events))
        by_status = await wait_recorded(workers, events, DEADLINE)
        elapsed = time.monotonic() - started
        arrivals = sorted(r.at for r in receiver.received())

    assert by_status == {"succeeded": events}
    assert len(arrivals) == events
    worst = max(sum(1 for t in arrivals[i:] if t < start + 1.0) for i, start in enumerate(arrivals))
    assert worst <= limit, f"{worst} deliveries in one second, limit {limit}"
    assert elapsed >= (events - limit) / limit  # it was the limit that paced them
    attempts = await workers.query("SELECT count(*) FROM attempts")
    assert attempts[0][0] == events  # waiting for a slot is not an attempt
    owners = await workers.query("SELECT DISTINCT owner FROM dispatcher_gauges")
    assert len(owners) <= 2
    assert workers.errors() == []
