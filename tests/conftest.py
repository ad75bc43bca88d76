"""Shared fixtures: one database fixture for every driver, the app, and signing helpers.

Storage and API tests take ``database_url``: SQLite always, PostgreSQL when
``UNIHOOK_TEST_POSTGRES_URL`` points at a server (``bash .ci/run`` starts one), each test on a
database of its own, already at the newest migration: each test process migrates one template
database once and every test gets a copy of it (SQLite: the file copied; PostgreSQL:
``CREATE DATABASE ... TEMPLATE``, each copy emptied and reused by the process's next test while
its schema is still the template's), which costs a fraction of running Alembic per test. Tests
of the migrations themselves take ``empty_database_url``.

No test may send traffic off this machine, DNS included: every test runs with ``dns``, which lets
``localhost`` and IP literals through to the system resolver, answers the names a test declares
(``dns.names["hooks.example"] = ["8.8.4.4"]``, or ``None`` for a name that does not exist),
and fails the test that asks for any other name.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from litestar.testing import AsyncTestClient
from sqlalchemy.pool import NullPool

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.engine import create_private_file, create_schema, make_engine
from tests.support.apps import app_on

# The vendor simulators' fixtures, declared here once: pytest then rewrites their asserts before
# any test module imports them (a test module's own ``pytest_plugins`` comes too late when
# another module, collected first, imported the simulator already).
pytest_plugins = [
    "tests.providers.ashby.ashby_sim",
    "tests.providers.bamboohr.bamboohr_sim",
    "tests.providers.breezy.breezy_sim",
    "tests.providers.deel.deel_sim",
    "tests.providers.finch.finch_sim",
    "tests.providers.gusto.gusto_sim",
    "tests.providers.hibob.hibob_sim",
    "tests.providers.kombo.kombo_sim",
    "tests.providers.lever.lever_sim",
    "tests.providers.personio.personio_sim",
    "tests.providers.remote.remote_sim",
    "tests.providers.smartrecruiters.smartrecruiters_sim",
    "tests.providers.workable.workable_sim",
]

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


DRIVERS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DRIVERS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A fresh database on each driver, its schema at the newest migration."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/unihook.db"
        template = await _sqlite_template(tmp_path_factory)
        create_private_file(url)  # owner-only, as the gateway makes it; the copy keeps the mode
        shutil.copyfile(template, url.split(":///", 1)[1])
        yield url
        return
    async with _templated_postgres_database() as url:
        yield url


@pytest.fixture(params=DRIVERS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A fresh database on each driver with no tables: for the tests of the migrations."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/unihook.db"
        return
    async with fresh_postgres_database("unihook_test") as url:
        yield url


@contextlib.asynccontextmanager
async def fresh_postgres_database(prefix: str, template: str | None = None) -> AsyncIterator[str]:
    """A new PostgreSQL database for one test (skips without a server), then dropped: empty, or
    a copy of ``template``."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _postgres_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# PostgreSQL databases copied from this process's template, given back emptied after their
# test for the next one: a CREATE DATABASE ... TEMPLATE and a DROP DATABASE cost PostgreSQL
# 0.5 to 1 s a test on 2 cores (the copy, two checkpoints), a TRUNCATE of every table a few ms.
_spare_databases: list[str] = []


@contextlib.asynccontextmanager
async def _templated_postgres_database() -> AsyncIterator[str]:
    template = await _postgres_template()
    if _spare_databases:
        name = _spare_databases.pop()
    else:
        name = f"unihook_test_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _postgres_url(name)
    finally:
        if await _emptied(name):
            _spare_databases.append(name)
        else:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _emptied(name: str) -> bool:
    """Empty a used copy of the template for the next test: whatever is still connected is
    ended and every table truncated; False (drop it instead) if its schema is no longer the
    template's, or emptying it failed."""
    import asyncpg

    assert POSTGRES_URL is not None
    url = _postgres_url(name).replace("postgresql+asyncpg", "postgresql")
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        if await _schema_of(conn) != _template_schema["postgres"]:
            return False
        tables = ", ".join(f'"{t}"' for t in _template_tables["postgres"])
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return True
    except asyncpg.PostgresError:
        return False
    finally:
        await conn.close()


async def _schema_of(conn: Any) -> tuple[str, ...]:
    """What a copy must still have to be reused: its relations and its Alembic revision."""
    relations = await conn.fetch(
        "SELECT relname || ':' || relkind::text FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace ORDER BY 1"
    )
    revision = await conn.fetchval("SELECT string_agg(version_num, ',') FROM alembic_version")
    return (*(r[0] for r in relations), f"revision:{revision}")


def _postgres_url(name: str) -> str:
    assert POSTGRES_URL is not None
    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


# The migrated templates, made once per test process (an xdist worker is one) on first use.
# Each process has its own: PostgreSQL copies a template only while nobody else is connected to
# it, and no lock between processes is needed.
_templates: dict[str, str] = {}
_template_schema: dict[str, tuple[str, ...]] = {}
_template_tables: dict[str, list[str]] = {}


async def _migrate(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        await create_schema(engine)
    finally:
        await engine.dispose()


async def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    if "sqlite" not in _templates:
        path = tmp_path_factory.mktemp("template") / "unihook.db"
        await _migrate(f"sqlite+aiosqlite:///{path}")
        _templates["sqlite"] = str(path)  # the engine is disposed: the WAL is in the file
    return _templates["sqlite"]


async def _postgres_template() -> str:
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    if "postgres" not in _templates:
        name = f"unihook_template_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            await _migrate(_postgres_url(name))
            await _describe_template(name)
        except BaseException:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            raise
        _templates["postgres"] = name
    return _templates["postgres"]


async def _describe_template(name: str) -> None:
    """Note the template's schema and tables (all empty: migrations write no rows, which is
    checked here), so a used copy can be recognised and emptied."""
    import asyncpg

    conn = await asyncpg.connect(_postgres_url(name).replace("postgresql+asyncpg", "postgresql"))
    try:
        _template_schema["postgres"] = await _schema_of(conn)
        tables = [
            r[0]
            for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version' ORDER BY 1"
            )
        ]
        for table in tables:
            exists = f'SELECT EXISTS (SELECT 1 FROM "{table}")'  # noqa: S608 - pg_tables' names
            assert not await conn.fetchval(exists), f"the migrations wrote rows into {table}"
        _template_tables["postgres"] = tables
    finally:
        await conn.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n`` the tests marked ``slow`` (each starts processes or runs for minutes)
    go to the workers first: handed out last, one of them would run on alone while the other
    workers sat idle. A run in one process keeps the files' order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this process's PostgreSQL template and its spare copies."""
    names = [*_spare_databases, *filter(None, [_templates.pop("postgres", None)])]
    _spare_databases.clear()
    for name in names:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    async with AsyncTestClient(app=app_on(services, run_worker=False)) as test_client:
        yield test_client


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
