"""The real thing: ``unihook serve`` as a process, the CLI as a user runs it, and a crash."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.gateway.helpers import sign

UNIHOOK = [sys.executable, "-m", "gateway.cli"]
ADMIN = "live-admin-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gateway:
    def __init__(self, workdir: Path, port: int, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.port = port
        self.env = env
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[str] | None = None
        self.banner = ""

    def start(self, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [*UNIHOOK, "serve", "--port", str(self.port), *extra],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Generous: beside other test workers a start-up (imports, migrations, the commit
        # process) can take many times its usual second or two.
        deadline = time.monotonic() + 90
        # One client for every poll: a new one reads the CA bundle again (~50 ms of CPU), which
        # the server starting beside it pays for.
        with httpx.Client(timeout=1) as http:
            while time.monotonic() < deadline:
                try:
                    if http.get(f"{self.url}/readyz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(f"serve exited: {self.stop()}")
                time.sleep(0.1)
        raise RuntimeError(f"serve did not become ready: {self.stop()}")

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, _ = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.proc = None
        return out or ""

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*UNIHOOK, *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"unihook {' '.join(args)} failed: {result.stdout}{result.stderr}")
        return result


@pytest.fixture
def workdir(tmp_path: Path) -> Gateway:
    """A gateway's working directory and environment, not started: for the commands that only
    read and write the database (``serve`` costs seconds of start-up beside other workers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    port = free_port()
    env.update(
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_PUBLIC_URL=f"http://127.0.0.1:{port}",
        UNIHOOK_MAX_BODY_BYTES="65536",
        NO_COLOR="1",
    )
    return Gateway(tmp_path, port, env)


@pytest.fixture
def gateway(workdir: Gateway) -> Iterator[Gateway]:
    gw = workdir
    gw.start()
    try:
        yield gw
    finally:
        gw.stop()


def test_tour_connect_send_test_and_events(gateway: Gateway) -> None:
    for provider, secret in [("breezy", "whsec_tour"), ("hatchbeacon", "hb"), ("bindbee", "bb")]:
        connected = json.loads(gateway.cli("connect", provider, "acme", "--secret", secret).stdout)
        assert connected["ingest_url"] == f"{gateway.url}/ingest/{provider}/acme"
    sent = [
        gateway.cli(
            "send-test",
            "breezy",
            "acme",
            "--event",
            "candidateStatusUpdated",
            "--secret",
            "whsec_tour",
        ),
        gateway.cli(
            "send-test", "hatchbeacon", "acme", "--event", "interview_scheduled", "--secret", "hb"
        ),
        gateway.cli(
            "send-test", "bindbee", "acme", "--event", "connector_sync_error", "--secret", "bb"
        ),
    ]
    assert all('"status":"accepted"' in r.stdout for r in sent)
    wrong = gateway.cli(
        "send-test", "bindbee", "acme", "--event", "connector_synced", "--secret", "no", check=False
    )
    assert wrong.returncode == 1
    assert "401" in wrong.stdout
    lines = gateway.cli("events").stdout.strip().splitlines()
    assert len(lines) == 3
    assert "ats.application.stage_changed" in lines[0]
    assert "José Álvarez" in lines[0]
    assert "ats.interview.scheduled" in lines[1]
    assert "connection.sync.failed" in lines[2]
    assert "error:" in lines[2]
    assert "\033[" not in "".join(lines)  # no colour when piped


def test_banner_and_generated_admin_token_is_kept(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    gw = Gateway(tmp_path, free_port(), env)
    tokens = []
    for _ in range(2):
        gw.start()
        banner = gw.stop()
        assert gw.url in banner
        assert "/ingest/{provider}/{tenant}" in banner
        token = next(line.split()[2] for line in banner.splitlines() if "admin token" in line)
        tokens.append(token)
    assert tokens[0] == tokens[1]
    token_file = tmp_path / "unihook.db.admin-token"
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "unihook.db.key").stat().st_mode & 0o777 == 0o600


def test_tenant_key_from_cli(gateway: Gateway) -> None:
    gateway.cli("connect", "breezy", "acme", "--secret", "s1")
    gateway.cli("connect", "breezy", "globex", "--secret", "s2")
    made = gateway.cli("keys", "create", "--tenant", "acme")
    key = made.stdout.strip()
    assert key.startswith("uh_tk_")
    assert "shown once" in made.stderr
    listed = httpx.get(
        f"{gateway.url}/v1/connections", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [c["tenant"] for c in listed["data"]] == ["acme"]
    admin = gateway.cli("keys", "create").stdout.strip()
    everything = httpx.get(
        f"{gateway.url}/v1/connections", headers={"Authorization": f"Bearer {admin}"}
    ).json()
    assert len(everything["data"]) == 2


def test_providers_command_lists_mappings(workdir: Gateway) -> None:
    out = workdir.cli("providers").stdout
    for name in ["breezy", "hatchbeacon", "bindbee"]:
        assert name in out
    assert "candidateStatusUpdated" in out
    assert "ats.application.stage_changed" in out
    assert "3 providers loaded" in out or "providers loaded" in out


def test_oversized_streamed_body_is_413(gateway: Gateway) -> None:
    gateway.cli("connect", "breezy", "acme", "--secret", "s")

    def chunks() -> Iterator[bytes]:  # chunked transfer: no content-length to trust
        for _ in range(200):
            yield b"x" * 1024

    response = httpx.post(
        f"{gateway.url}/ingest/breezy/acme", content=chunks(), headers=sign("breezy", b"x", "s")
    )
    assert response.status_code == 413
    declared = httpx.post(
        f"{gateway.url}/ingest/breezy/acme", content=b"y" * 70000, headers=sign("breezy", b"y", "s")
    )
    assert declared.status_code == 413


@pytest.mark.timeout(300)
def test_nothing_acknowledged_is_lost_when_the_process_is_killed(gateway: Gateway) -> None:
    gateway.cli("connect", "breezy", "acme", "--secret", "crash")
    template = json.loads(
        '{"_id":"","type":"candidateAdded","object":{"candidate":{"_id":"c","name":"Ana"}},'
        '"creation_date":"2025-01-01T00:00:00Z"}'
    )

    async def blast() -> list[str]:
        accepted: list[str] = []

        async def one(i: int, client: httpx.AsyncClient) -> None:
            body = json.dumps({**template, "_id": f"crash-{i}"}).encode()
            try:
                r = await client.post(
                    f"{gateway.url}/ingest/breezy/acme",
                    content=body,
                    headers=sign("breezy", body, "crash"),
                )
            except httpx.HTTPError:
                return
            if r.status_code == 202:
                accepted.append(r.json()["event_id"])

        # Generous waits: beside other test workers the 400 requests can take many seconds
        # before the first 202, and requests given up on early would acknowledge nothing.
        async with httpx.AsyncClient(timeout=60) as client:
            tasks = [asyncio.create_task(one(i, client)) for i in range(400)]
            deadline = time.monotonic() + 60
            while len(accepted) < 50 and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            assert gateway.proc is not None
            gateway.proc.send_signal(signal.SIGKILL)  # mid-stream, no clean shutdown
            await asyncio.gather(*tasks)
        return accepted

    accepted = asyncio.run(blast())
    gateway.stop()
    assert accepted, "the gateway acknowledged nothing before the kill; the test proves nothing"
    db = sqlite3.connect(gateway.workdir / "unihook.db")
    stored = {row[0] for row in db.execute("SELECT id FROM events")}
    db.close()
    missing = [event_id for event_id in accepted if event_id not in stored]
    assert missing == [], f"{len(missing)} of {len(accepted)} acknowledged events lost"


def test_banner_shows_only_a_prefix_of_an_admin_token_from_the_environment(
    gateway: Gateway,
) -> None:
    banner = gateway.stop()
    line = next(line for line in banner.splitlines() if "admin token" in line)
    assert ADMIN not in banner
    assert ADMIN[:6] in line
    assert "UNIHOOK_ADMIN_TOKEN" in line


@pytest.mark.parametrize("tenant", ["", "..", "a/b"])
def test_keys_create_refuses_an_empty_or_invalid_tenant(workdir: Gateway, tenant: str) -> None:
    made = workdir.cli("keys", "create", "--tenant", tenant, check=False)
    assert made.returncode == 2
    assert "tenant" in made.stderr
    assert "uh_" not in made.stdout
    assert "Traceback" not in made.stderr


def test_send_test_greenhouse_signs_as_greenhouse_and_gets_200(gateway: Gateway) -> None:
    """Greenhouse counts only 200 as delivered: ``send-test`` sees 200 for every kept body."""
    gateway.cli("connect", "greenhouse", "acme", "--secret", "gh typed secret")
    for action in ("ping", "job_post_updated", "candidate_stage_change"):
        sent = gateway.cli(
            "send-test", "greenhouse", "acme", "--event", action, "--secret", "gh typed secret"
        )
        assert sent.stdout.startswith("200 "), sent.stdout
        assert '"status":"accepted"' in sent.stdout
    again = gateway.cli(
        "send-test", "greenhouse", "acme", "--event", "ping", "--secret", "gh typed secret"
    )
    assert again.stdout.startswith("200 ")
    assert '"status":"duplicate"' in again.stdout
    wrong = gateway.cli(
        "send-test", "greenhouse", "acme", "--event", "ping", "--secret", "other", check=False
    )
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("401 ")
    lines = gateway.cli("events").stdout.strip().splitlines()
    assert len(lines) == 3
    assert any("connection.test" in line and "greenhouse" in line for line in lines)
    assert any("ats.job_posting.updated" in line for line in lines)
    assert any("ats.application.stage_changed" in line and "Giuseppe" in line for line in lines)
