"""Start-up refuses what would fail later: keys that cannot read every stored secret, malformed
keys, and files holding personal data readable by other users."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.pool import NullPool

from gateway.core.crypto import SecretKeyMismatch
from gateway.core.settings import Settings, SettingsError
from gateway.http.app import create_app
from gateway.runtime import Runtime
from tests.conftest import ADMIN
from tests.gateway.helpers import SECRETS


async def _start(settings: Settings, secret_key: str) -> None:
    services = Runtime.build(replace(settings, secret_key=secret_key), poolclass=NullPool)
    try:
        await services.migrate()
    finally:
        await services.close()


async def _connect_with(settings: Settings, secret_key: str, provider: str) -> None:
    """Create a connection through a gateway running with ``secret_key``."""
    from litestar.testing import AsyncTestClient

    services = Runtime.build(replace(settings, secret_key=secret_key), poolclass=NullPool)
    await services.migrate()
    try:
        app = create_app(runtime=services, run_worker=False, migrate=False)
        async with AsyncTestClient(app=app) as client:
            body = {"provider": provider, "tenant": "acme", "secret": SECRETS[provider]}
            response = await client.post("/v1/connections", json=body, headers=ADMIN)
            assert response.status_code == 201, response.text
    finally:
        await services.close()


async def test_an_older_key_after_a_rotation_refuses_to_start(settings: Settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    await _connect_with(settings, old, "breezy")
    await _connect_with(settings, f"{new},{old}", "hatchbeacon")  # encrypted with the new key
    await _start(settings, f"{new},{old}")
    await _start(settings, new + "," + old)
    with pytest.raises(SecretKeyMismatch, match="cannot decrypt"):
        await _start(settings, old)  # reads breezy's secret, not hatchbeacon's
    with pytest.raises(SecretKeyMismatch, match="cannot decrypt"):
        await _start(settings, new)


@pytest.mark.parametrize("key", ["not-a-fernet-key", "abc,def", "ü" * 44])
def test_a_malformed_secret_key_is_a_settings_error(key: str) -> None:
    from gateway.core.crypto import SecretBox

    with pytest.raises(SettingsError, match="UNIHOOK_SECRET_KEY"):
        SecretBox.from_settings(Settings(secret_key=key))


def test_the_cli_reports_a_malformed_secret_key_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.cli import main

    monkeypatch.setenv("UNIHOOK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/u.db")
    monkeypatch.setenv("UNIHOOK_SECRET_KEY", "definitely-not-a-key")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "UNIHOOK_SECRET_KEY" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


async def test_the_sqlite_files_are_readable_by_their_owner_only(
    tmp_path: Path, client: Any, settings: Settings
) -> None:
    if not settings.is_sqlite:
        pytest.skip("SQLite files only")
    response = await client.post(
        "/v1/connections",
        json={"provider": "breezy", "tenant": "acme", "secret": "s"},
        headers=ADMIN,
    )
    assert response.status_code == 201
    path = settings.sqlite_path()
    assert path is not None
    files = [f for f in (path, f"{path}-wal", f"{path}-shm") if os.path.exists(f)]
    assert path in files
    assert len(files) == 3  # WAL mode: both side files exist while the database is open
    for name in files:
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o600, name
