"""PostgreSQL's pooled connections are pinged before use only after sitting idle
(``gateway.storage.engine.PING_AFTER_IDLE_S``): one cut while it sat in the pool is replaced
before a read meets it, and one used a moment ago costs no round trip. (A server restarted under
load is ``tests/robustness/test_postgres_restart.py``.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cryptography.fernet import Fernet
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.storage import engine as engines
from tests.conftest import ADMIN, ADMIN_TOKEN, _pg_admin, fresh_postgres_database

pytestmark = pytest.mark.postgres


async def _backend(engine: AsyncEngine) -> int:
    """The server process of the connection a read is given."""
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each ping of a pooled connection, as it happens."""
    seen: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: Any) -> None:
        seen.append(1)
        ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    return seen


async def test_a_connection_cut_while_it_sat_in_the_pool_is_replaced_before_use(
    pings: list[int],
) -> None:
    async with fresh_postgres_database("unihook_ping") as url:
        engine = engines.make_engine(url)
        try:
            async with engine.connect() as other:  # a second connection, to cut the first
                first = await _backend(engine)  # back in the pool, alive, when this returns
                cut = await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
                assert cut.scalar_one() is True
            await asyncio.sleep(engines.PING_AFTER_IDLE_S * 3)
            assert await _backend(engine) != first  # no error: the dead one was found first
            assert pings
        finally:
            await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fresh_postgres_database("unihook_ping") as url:
        engine = engines.make_engine(url)
        try:
            # "a moment" made long, so that a slow machine's gap between two reads fits in it
            monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 60.0)
            backends = {await _backend(engine) for _ in range(5)}
            assert len(backends) == 1  # one pooled connection, used again and again
            assert pings == []
            monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 0.0)
            assert await _backend(engine) in backends
            assert pings == [1]
        finally:
            await engine.dispose()


async def test_a_request_that_meets_a_connection_cut_in_use_is_503_and_the_next_is_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The case the ping cannot catch: the connection was cut after its last check. The request
    meeting it is told to retry, and the pool is renewed for the next."""
    async with fresh_postgres_database("unihook_ping") as url:
        settings = Settings(
            database_url=url,
            admin_token=ADMIN_TOKEN,
            secret_key=Fernet.generate_key().decode(),
            ingest_writer="thread",
        )
        app = create_app(settings, run_worker=False)  # its own runtime and pool, on its loop
        async with AsyncTestClient(app=app) as client:
            assert (await client.get("/v1/events", headers=ADMIN)).status_code == 200
            monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 1e9)  # "cut after its last check"
            name = url.rsplit("/", 1)[1]  # the test's own database: no quoting needed
            cut = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'"
            await _pg_admin(cut % name)
            refused = await client.get("/v1/events", headers=ADMIN)
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"] == "5"
            assert refused.json() == {
                "status_code": 503,
                "detail": "storage unavailable; retry later",
            }
            assert (await client.get("/v1/events", headers=ADMIN)).status_code == 200
