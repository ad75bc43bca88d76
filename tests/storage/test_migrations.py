"""The Alembic revisions build exactly the models' schema, on every driver, and are safe to run
again, to reverse, and from several processes at once."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from gateway.core.ids import new_id
from gateway.runtime import utcnow
from gateway.storage import create_schema, make_engine
from gateway.storage.migrations import alembic_config, current_revision, downgrade
from gateway.storage.models import ApiKey, Base

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        yield engine
    finally:
        await engine.dispose()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(current_revision)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


def test_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [HEAD]


async def test_upgrade_builds_exactly_the_models(engine: AsyncEngine) -> None:
    await create_schema(engine)
    assert await _revision(engine) == HEAD
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    await create_schema(engine)
    async with engine.begin() as conn:
        await conn.execute(
            insert(ApiKey).values(
                id=new_id("key"), tenant=None, key_hash="h" * 64, prefix="p", created_at=utcnow()
            )
        )
    await create_schema(engine)
    assert await _revision(engine) == HEAD
    async with engine.connect() as conn:
        assert len((await conn.execute(select(ApiKey.id))).all()) == 1
        assert await conn.run_sync(_diff) == []


async def test_downgrade_to_base_then_upgrade(engine: AsyncEngine) -> None:
    await create_schema(engine)
    async with engine.connect() as conn:
        await conn.run_sync(downgrade, "base")
    assert await _tables(engine) <= {"alembic_version"}
    assert await _revision(engine) is None
    await create_schema(engine)
    assert await _revision(engine) == HEAD
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_database_made_by_create_all_is_stamped(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(
            insert(ApiKey).values(
                id=new_id("key"), tenant="t", key_hash="k" * 64, prefix="p", created_at=utcnow()
            )
        )
    with caplog.at_level(logging.WARNING, logger="unihook.migrations"):
        await create_schema(engine)
    assert "stamping" in caplog.text
    assert await _revision(engine) == HEAD
    async with engine.connect() as conn:
        assert len((await conn.execute(select(ApiKey.id))).all()) == 1


async def test_concurrent_upgrades_from_many_connections(database_url: str) -> None:
    engines = [make_engine(database_url, poolclass=NullPool) for _ in range(4)]
    try:
        await asyncio.gather(*(create_schema(e) for e in engines))
        assert await _revision(engines[0]) == HEAD
        async with engines[0].connect() as conn:
            assert await conn.run_sync(_diff) == []
            (count,) = (await conn.execute(text("SELECT count(*) FROM alembic_version"))).one()
        assert count == 1
    finally:
        for e in engines:
            await e.dispose()


@pytest.mark.slow
async def test_concurrent_migrate_processes(database_url: str, tmp_path: Path) -> None:
    """Several ``unihook migrate`` started at once (as several ``serve``/``worker`` processes
    starting together would) all succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(UNIHOOK_DATABASE_URL=database_url, UNIHOOK_SECRET_KEY=Fernet.generate_key().decode())
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "gateway.cli",
            "migrate",
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [await p.communicate() for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert b"schema is up to date" in out
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        assert await _revision(engine) == HEAD
    finally:
        await engine.dispose()
