"""``unihook worker`` killed with SIGKILL loses nothing; ``subscribe``, ``deliveries``, ``demo``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from litestar.testing import AsyncTestClient

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from providers.registry import default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.delivery.conftest import ingest, subscribe
from tests.delivery.receiver import Receiver, Reply, closed_port
from tests.gateway.helpers import connect

UNIHOOK = [sys.executable, "-m", "gateway.cli"]


class Setup:
    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "unihook.db"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
        self.env.update(
            UNIHOOK_DATABASE_URL=f"sqlite+aiosqlite:///{self.db}",
            UNIHOOK_SECRET_KEY=Fernet.generate_key().decode(),
            UNIHOOK_ADMIN_TOKEN=ADMIN_TOKEN,
            UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
            UNIHOOK_LEASE_SECONDS="2",
            UNIHOOK_PER_DESTINATION_CONNECTIONS="4",
            UNIHOOK_RETRY_SCHEDULE="0.2,0.2,0.2",
            UNIHOOK_POLL_INTERVAL="0.1",
            NO_COLOR="1",
        )
        self.cwd = tmp_path

    def settings(self) -> Settings:
        return Settings.from_env(self.env)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*UNIHOOK, *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def worker(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*UNIHOOK, "worker"],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


@pytest.fixture
async def api(setup: Setup) -> AsyncIterator[AsyncTestClient[Any]]:
    """The API on the test's database, with no dispatcher: workers are separate processes."""
    services = Runtime.build(setup.settings())
    await services.migrate()
    app = create_app(runtime=services, run_worker=False, migrate=False)
    try:
        async with AsyncTestClient(app=app) as client:
            yield client
    finally:
        await services.close()


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.mark.slow
async def test_sigkill_mid_delivery_loses_nothing(setup: Setup, api: Any) -> None:
    await connect(api, "breezy")
    with Receiver(default=Reply(delay=0.4)) as receiver:
        await subscribe(api, receiver.url, headers=ADMIN)
        event_ids = {await ingest(api) for _ in range(20)}
        first = setup.worker()
        try:
            await receiver.wait_for(4, timeout=30)  # four in flight, more claimed behind them
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first, signal.SIGKILL)
        leased = setup.query(
            "SELECT count(*) FROM deliveries WHERE status = 'pending' AND lease_owner IS NOT NULL"
        )[0][0]
        assert leased >= 4  # in flight and queued when the process died
        in_flight = {r.headers["webhook-id"] for r in receiver.received()}
        receiver.default = Reply()
        second = setup.worker()
        try:
            deadline = time.monotonic() + 30
            while setup.query("SELECT count(*) FROM deliveries WHERE status != 'succeeded'")[0][0]:
                assert time.monotonic() < deadline, "deliveries did not all succeed after restart"
                time.sleep(0.1)
        finally:
            output = stop(second)
        got = [r.headers["webhook-id"] for r in receiver.received()]
    assert set(got) == event_ids  # every event arrived ...
    assert in_flight <= set(got[len(in_flight) :])  # ... the ones cut off in flight again
    assert second.returncode == 0
    assert "unihook worker" in output
    assert setup.query("SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL")[0][0] == 0


async def test_subscribe_and_deliveries_commands(setup: Setup, api: Any) -> None:
    made = setup.cli(
        "subscribe", f"http://127.0.0.1:{closed_port()}/in", "--event", "ats.*", "--tenant", "acme"
    )
    assert made.returncode == 0, made.stderr
    assert '"secret": "whsec_' in made.stdout
    assert "shown once" in made.stderr
    refused = setup.cli("subscribe", "https://x.example", "--event", "nothing.*")
    assert refused.returncode == 1
    assert "Invalid events" in refused.stderr

    await connect(api, "breezy")
    with Receiver(default=Reply(500, body=b"database down")) as receiver:
        failing = await subscribe(api, receiver.url, headers=ADMIN, events=["ats.application.*"])
        await ingest(api)
        worker = setup.worker()
        try:
            deadline = time.monotonic() + 30
            while setup.query("SELECT count(*) FROM deliveries WHERE status = 'failed'")[0][0] < 2:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        finally:
            stop(worker)
    listing = setup.cli("deliveries", "--status", "failed")
    assert listing.returncode == 0, listing.stderr
    header, *rows = listing.stdout.splitlines()
    assert header.split() == [
        "DELIVERY",
        "STATUS",
        "EVENT",
        "TYPE",
        "SUBSCRIPTION",
        "URL",
        "ATTEMPTS",
        "LAST",
        "RESULT",
        "NEXT",
    ]
    assert len(rows) == 2
    assert any("connection failed: connection refused" in row for row in rows)
    assert any("HTTP 500" in row for row in rows)
    assert all(" 4 " in row and "ats.application.created" in row for row in rows)
    assert "\033[" not in listing.stdout  # no colour when piped
    assert setup.cli("deliveries", "--status", "pending").stdout.strip().endswith("no deliveries")

    # the endpoint fixed, its failed delivery goes again with one command (no worker: it waits)
    recovered = setup.cli("recover", failing["id"], "--since", "2000-01-01T00:00:00Z")
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stdout.strip() == "queued 1 failed delivery again"
    pending = setup.query("SELECT subscription_id FROM deliveries WHERE status = 'pending'")
    assert [row[0] for row in pending] == [failing["id"]]
    again = setup.cli("recover", failing["id"], "--since", "2000-01-01T00:00:00Z")
    assert again.returncode == 1
    assert "still being delivered" in again.stderr
    assert "subscription not found" in setup.cli("recover", "sub_nope", "--since", "0").stderr


def test_demo_runs_end_to_end(setup: Setup) -> None:
    result = setup.cli("demo")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    names = default_registry().names()
    assert out.count("signature verified by the standardwebhooks library") == len(names)
    for name in names:  # one event of every loaded vendor, in the canonical shape
        assert f'"provider": "{name}"' in out
    assert "ats.application.stage_changed" in out
    assert '"tenant": "demo"' in out


def test_subscribe_takes_a_filter_and_a_format(setup: Setup) -> None:
    spec = '{"data.application.stage.name": {"$in": ["Offer", "Hired"]}}'
    made = setup.cli(
        "subscribe", "https://x.example/in", "-e", "*", "--filter", spec, "--format", "cloudevents"
    )
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert shown["filter"] == {"data.application.stage.name": {"$in": ["Offer", "Hired"]}}
    assert shown["format"] == "cloudevents"
    not_json = setup.cli("subscribe", "https://x.example/in", "-e", "*", "--filter", "{oops")
    assert not_json.returncode == 2
    assert "--filter is not JSON" in not_json.stderr
    refused = setup.cli(
        "subscribe", "https://x.example/in", "-e", "*", "--filter", '{"a": {"$x": 1}}'
    )
    assert refused.returncode == 1
    assert "unknown operator $x at a" in refused.stderr
