"""``Runtime.read``: a page's reads in one trip to the database, on every driver.

On a SQLite file the function runs in a reader thread over ``sqlite3``; it must see what the
async engine committed a moment before, run several at once, refuse nothing an ORM read needs,
and stop its threads with the runtime. Elsewhere it runs on the async engine."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.pool import NullPool

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.engine import read_records
from gateway.storage.models import ApiKey


async def _add_key(runtime: Runtime, key_id: str, tenant: str) -> None:
    row = {"id": key_id, "tenant": tenant, "key_hash": f"hash-{key_id}", "prefix": key_id[:8]}
    async with runtime.engine.begin() as conn:
        await conn.execute(insert(ApiKey).values(**row, created_at=utcnow()))


async def test_a_read_sees_what_was_just_committed(services: Runtime) -> None:
    await _add_key(services, "key_a", "acme")
    query = select(ApiKey.id, ApiKey.tenant).where(ApiKey.id == "key_a")
    row = await services.read(lambda conn: conn.execute(query).first())
    assert row is not None
    assert (row.id, row.tenant) == ("key_a", "acme")


async def test_records_read_by_the_orm_come_back_loaded(services: Runtime) -> None:
    await _add_key(services, "key_b", "globex")
    records = await services.read(lambda conn: read_records(conn, select(ApiKey)))
    assert [(r.id, r.tenant, r.key_hash) for r in records] == [("key_b", "globex", "hash-key_b")]


async def test_reads_run_side_by_side_and_each_gets_its_own_answer(services: Runtime) -> None:
    for n in range(8):
        await _add_key(services, f"key_{n}", f"tenant-{n}")

    def tenant_of(n: int) -> Any:
        query = select(ApiKey.tenant).where(ApiKey.id == f"key_{n}")
        return lambda conn: conn.execute(query).scalar_one()

    answers = await asyncio.gather(*(services.read(tenant_of(n)) for n in range(8)))
    assert answers == [f"tenant-{n}" for n in range(8)]


async def test_a_sqlite_file_is_read_off_the_event_loop_and_its_threads_stop(
    settings: Settings,
) -> None:
    extra: dict[str, Any] = {} if settings.is_sqlite else {"poolclass": NullPool}
    runtime = Runtime.build(settings, **extra)
    await runtime.migrate()
    where: list[str] = []

    def reads(conn: Connection) -> int:
        where.append(threading.current_thread().name)
        return int(conn.execute(select(1)).scalar_one())

    try:
        assert await runtime.read(reads) == 1
    finally:
        await runtime.close()
    if settings.sqlite_path() is not None:
        assert where[0].startswith("unihook-reader")
        assert not any(t.name.startswith("unihook-reader") for t in threading.enumerate())
    else:  # the async engine's run_sync: on the event loop's thread, in a greenlet
        assert where == [threading.main_thread().name]
