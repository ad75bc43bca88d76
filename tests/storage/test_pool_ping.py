"""PostgreSQL's pooled connections are pinged before use only after sitting idle
(``gateway.storage.engine.PING_AFTER_IDLE_S``): one cut while it sat in the pool is replaced
before a read meets it, and one used a moment ago costs no round trip. (A server restarted under
load is ``tests/robustness/test_postgres_restart.py``.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.storage import engine as engines
from tests.conftest import fresh_postgres_database

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
