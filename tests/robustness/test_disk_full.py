"""The disk fills up under SQLite (a small tmpfs the test mounts): ``unihook serve`` answers 503,
never a 2xx it did not commit nor a 500, loses nothing it answered 2xx, and takes events again
once there is space."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.gateway.helpers import sign
from tests.gateway.test_live import ADMIN, Gateway, free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB filesystem of its own (room for a full write-ahead log) (needs the right to mount; skips without it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _body(n: int) -> bytes:
    return json.dumps(
        {
            "_id": f"evt-disk-{n}",
            "type": "candidateAdded",
            "creation_date": "2025-03-01T10:00:00Z",
            "object": {
                "candidate": {"_id": f"c{n}", "name": "José Álvarez", "notes": "x" * 2000},
                "position": {"_id": "p1"},
            },
        }
    ).encode()


def test_a_full_disk_is_503_and_loses_nothing(small_disk: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(UNIHOOK_ADMIN_TOKEN=ADMIN, NO_COLOR="1")
    gateway = Gateway(small_disk, free_port(), env)
    gateway.start("--no-worker")
    try:
        gateway.cli("connect", "breezy", "acme", "--secret", "s")
        accepted: dict[int, str] = {}
        statuses: list[int] = []
        filler = small_disk / "filler"
        with httpx.Client(base_url=gateway.url, timeout=30) as client:

            def post(n: int) -> int:
                body = _body(n)
                response = client.post(
                    "/ingest/breezy/acme", content=body, headers=sign("breezy", body, "s")
                )
                statuses.append(response.status_code)
                if response.status_code == 202:
                    accepted[n] = response.json()["event_id"]
                return response.status_code

            for n in range(20):
                assert post(n) == 202
            # unbuffered, and suppress outermost: closing a file on a full disk raises too
            with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as fh:
                while True:  # until the filesystem is full
                    fh.write(b"\0" * 65536)
            refused = [post(n) for n in range(20, 80)]
            assert 503 in refused
            assert set(refused) <= {202, 503}, refused
            filler.unlink()
            resumed = [post(n) for n in range(80, 100)]
            assert resumed[-1] == 202, resumed
            assert set(resumed) <= {202, 503}
        assert 500 not in statuses
    finally:
        gateway.stop()
    with sqlite3.connect(small_disk / "unihook.db") as db:
        stored = dict(db.execute("SELECT source_event_id, id FROM events").fetchall())
    for n, event_id in accepted.items():
        assert stored.get(f"evt-disk-{n}") == event_id, n  # every 2xx is there, once
    assert len(stored) == len(accepted)
