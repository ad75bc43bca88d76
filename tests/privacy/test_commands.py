"""``unihook erase`` and ``unihook audit`` from the command line, on a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def test_erase_and_audit_commands(database_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(UNIHOOK_DATABASE_URL=database_url, UNIHOOK_SECRET_KEY=Fernet.generate_key().decode())

    def unihook(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    missing = unihook("erase", "--tenant", "acme")
    assert missing.returncode == 2
    assert "give at least one of" in missing.stderr
    erased = unihook("erase", "--tenant", "acme", "--email", "jo@example.com")
    assert erased.returncode == 0, erased.stderr
    result = json.loads(erased.stdout)
    assert result["status"] == "completed"
    assert result["counts"] == {"events": 0, "receipts": 0, "deliveries": 0}
    assert "jo@example.com" not in erased.stdout
    created = unihook("keys", "create", "--tenant", "acme")
    assert created.returncode == 0, created.stderr
    audit = unihook("audit")
    assert audit.returncode == 0, audit.stderr
    lines = [line.split("\t") for line in audit.stdout.splitlines()]
    assert [(line[1], line[2], line[4], line[5]) for line in lines] == [
        ("admin", "key.create", "acme", "local"),
        ("admin", "erasure.create", "acme", "local"),
    ]
    assert lines[1][3] == result["id"]
    assert created.stdout.strip() not in audit.stdout
    only = unihook("audit", "--action", "key.create")
    assert len(only.stdout.splitlines()) == 1
