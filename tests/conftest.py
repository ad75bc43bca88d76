"""Shared fixtures: one database fixture for every driver, the app, and signing helpers.

Storage and API tests take ``database_url``: SQLite always, PostgreSQL when
``UNIHOOK_TEST_POSTGRES_URL`` points at a server (``bash .ci/run`` starts one), each test on a
database of its own.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from litestar.testing import AsyncTestClient
from sqlalchemy.pool import NullPool

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime

POSTGRES_URL = os.environ.get("UNIHOOK_TEST_POSTGRES_URL")
POSTGRES_SKIP = (
    "PostgreSQL not available: set UNIHOOK_TEST_POSTGRES_URL=postgresql+asyncpg://... "
    "(bash .ci/run installs and starts a throwaway server)"
)
ADMIN_TOKEN = "admin-token-for-tests-0123456789"


async def _pg_admin(sql: str) -> None:
    import asyncpg

    assert POSTGRES_URL is not None
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A fresh, empty database on each driver."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/unihook.db"
        return
    async with fresh_postgres_database("unihook_test") as url:
        yield url


@contextlib.asynccontextmanager
async def fresh_postgres_database(prefix: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test (skips without a server), then dropped."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        secret_key=Fernet.generate_key().decode(),
        public_url="http://testserver.local",
        # In-process commits: a commit process per test's app would add its start-up (0.5 s)
        # to hundreds of tests. tests/gateway/test_commit_process.py and every test running
        # `unihook serve` as a process cover the default, `process`.
        ingest_writer="thread",
    )


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Runtime]:
    # The test client runs the app on its own event loop; asyncpg connections belong to one
    # loop, so PostgreSQL tests open a connection per use instead of pooling across loops.
    extra: dict[str, Any] = {} if settings.is_sqlite else {"poolclass": NullPool}
    svc = Runtime.build(settings, **extra)
    await svc.migrate()
    try:
        yield svc
    finally:
        await svc.close()


@pytest.fixture
async def client(services: Runtime) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(services=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
