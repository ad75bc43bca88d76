"""PostgreSQL restarts under load: two ``serve --no-worker`` and one ``worker`` keep running on a
PostgreSQL server of the test's own, which is stopped for two seconds and started again while
vendors post. Ingest answers only 202 or 503 (never a 500, never a 2xx it did not commit), every
202 is stored once and delivered, and the processes recover without being restarted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.delivery.receiver import Receiver
from tests.delivery.test_scaleout import PATHS, Cluster, _free_port, set_up, vendor_bodies
from tests.gateway.helpers import sign

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

EVENTS = 600
SENDERS = 8


class Postgres:
    """A throwaway PostgreSQL on loopback (as ``.ci/run`` starts one), run as ``nobody`` when the
    tests run as root, which initdb refuses."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        found = shutil.which("pg_ctl")
        pg_ctl = bins[-1] if bins else (Path(found) if found else None)
        if pg_ctl is None:
            pytest.skip("no PostgreSQL server binaries (pg_ctl) on this machine")
        self.bin = pg_ctl.parent
        self.dir = Path(tempfile.mkdtemp(prefix="unihook-pg-restart-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "nobody")
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self.url = f"postgresql+asyncpg://unihook@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", f"{self.dir}/data", "-U", "unihook", "--auth=trust"
        )
        self.start()

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            f"{self.dir}/data",
            "-l",
            f"{self.dir}/log",
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", f"{self.dir}/data", "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    pg = Postgres()
    try:
        pg.init()
    except (subprocess.CalledProcessError, OSError) as exc:
        pg.remove()
        pytest.skip(f"cannot start a PostgreSQL server of the test's own: {exc}")
    try:
        yield pg
    finally:
        pg.remove()


async def _post_all(urls: list[str], bodies: list[bytes], statuses: dict[int, int]) -> None:
    """Every body posted once, ``SENDERS`` at a time, alternating between the serve processes."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(bodies)):
        queue.put_nowait(i)

    async def sender(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            body = bodies[i]
            url = f"{urls[i % len(urls)]}/ingest/breezy/acme"
            response = await client.post(url, content=body, headers=sign("breezy", body))
            statuses[i] = response.status_code
            await asyncio.sleep(0.01)

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(sender(client) for _ in range(SENDERS)))


async def test_a_postgres_restart_under_load_loses_nothing(
    tmp_path: Path, postgres: Postgres
) -> None:
    cluster = Cluster(tmp_path, postgres.url)
    try:
        cluster.start(serves=2, workers=1)
        with Receiver() as receiver:
            await set_up(cluster, receiver)
            bodies = vendor_bodies(EVENTS)
            statuses: dict[int, int] = {}
            posting = asyncio.create_task(_post_all(cluster.serve_urls, bodies, statuses))
            while len(statuses) < EVENTS // 4:
                await asyncio.sleep(0.05)
            await asyncio.to_thread(postgres.stop, "fast")
            await asyncio.sleep(2)
            await asyncio.to_thread(postgres.start)
            await posting
            counts = Counter(statuses.values())
            assert set(counts) <= {202, 503}, counts
            assert counts[503] > 0, counts  # the outage was seen, and answered as one

            # the refused ones are retried, as a vendor would: the processes have recovered
            retried = [i for i, status in statuses.items() if status == 503]
            again: dict[int, int] = {}
            await _post_all(cluster.serve_urls, [bodies[i] for i in retried], again)
            assert set(again.values()) == {202}, Counter(again.values())

            rows = await cluster.query("SELECT source_event_id, id FROM events")
            stored = Counter(r[0] for r in rows)
            assert len(stored) == EVENTS  # every accepted body once, nothing else
            assert max(stored.values()) == 1
            deadline = time.monotonic() + 120
            while len({(r.headers["webhook-id"], r.path) for r in receiver.received()}) < (
                EVENTS * len(PATHS)
            ):
                assert time.monotonic() < deadline, (
                    "not every event was delivered after the restart"
                )
                await asyncio.sleep(0.2)
            delivered = {(r.headers["webhook-id"], r.path) for r in receiver.received()}
            assert delivered == {(r[1], p) for r in rows for p in PATHS}
        for proc, log in cluster.procs:
            assert proc.poll() is None, f"{log.name} exited during the restart"
    finally:
        cluster.stop()
