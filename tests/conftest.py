"""Shared fixtures: one database fixture for every driver, the app, and signing helpers.

Storage and API tests take ``database_url``: SQLite always, PostgreSQL when
``UNIHOOK_TEST_POSTGRES_URL`` points at a server (``bash .ci/run`` starts one), each test on a
database of its own.

No test may send traffic off this machine, DNS included: every test runs with ``dns``, which lets
``localhost`` and IP literals through to the system resolver, answers the names a test declares
(``dns.names["hooks.example"] = ["8.8.4.4"]``, or ``None`` for a name that does not exist),
and fails the test that asks for any other name.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
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
_SYSTEM_GETADDRINFO = socket.getaddrinfo


def _is_local(name: str) -> bool:
    if name.lower().rstrip(".") == "localhost":
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


class StubResolver:
    """``socket.getaddrinfo`` for tests: localhost and IP literals as usual, declared names from
    ``names`` (``None``: no such name), every other name refused and recorded as a violation."""

    def __init__(self) -> None:
        self.names: dict[str, list[str] | None] = {}
        self.violations: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str):
            host.encode("idna")  # as the system call does first: UnicodeError for "a..b"
        name = host.decode("idna") if isinstance(host, bytes) else host
        if name is None or _is_local(name):
            return _SYSTEM_GETADDRINFO(host, port, *args, **kwargs)
        key = name.lower().rstrip(".")
        if key not in self.names:
            self.violations.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {name!r}")
        addresses = self.names[key]
        if addresses is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        number = int(port or 0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, number, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, number))
            for a in addresses
        ]


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubResolver]:
    """Every test's resolver (see the module docstring); a lookup of an undeclared name fails it."""
    resolver = StubResolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    yield resolver
    if resolver.violations:
        pytest.fail(f"the test resolved names off this machine: {sorted(set(resolver.violations))}")


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
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
