"""The Alembic revisions build exactly the models' schema, on every driver, and are safe to run
again, to reverse, and from several processes at once."""

from __future__ import annotations

import asyncio
import json
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

from gateway.core.clock import utcnow
from gateway.core.crypto import SecretBox
from gateway.core.ids import new_id
from gateway.storage import create_schema, make_engine
from gateway.storage.migrations import alembic_config, current_revision, downgrade, upgrade
from gateway.storage.models import ApiKey, Base

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
async def engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(empty_database_url, poolclass=NullPool)
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


async def test_a_current_schema_is_left_alone_quietly(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """Every process start upgrades: when the schema is current Alembic is not run at all (its
    INFO lines would land after the ``serve`` banner); one revision behind, it is."""
    await create_schema(engine)
    caplog.set_level(logging.INFO)
    caplog.clear()
    await create_schema(engine)
    assert [r for r in caplog.records if r.name.startswith("alembic")] == []
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD).down_revision
    assert isinstance(previous, str)
    async with engine.connect() as conn:
        await conn.run_sync(downgrade, previous)
    assert await _revision(engine) == previous
    await create_schema(engine)
    assert await _revision(engine) == HEAD
    async with engine.connect() as conn:
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
    # What create_all made before migrations existed is the first revision's schema.
    async with engine.connect() as conn:
        await conn.run_sync(upgrade, "0001")
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE alembic_version"))
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


async def test_concurrent_upgrades_from_many_connections(empty_database_url: str) -> None:
    engines = [make_engine(empty_database_url, poolclass=NullPool) for _ in range(4)]
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
async def test_concurrent_migrate_processes(empty_database_url: str, tmp_path: Path) -> None:
    """Several ``unihook migrate`` started at once (as several ``serve``/``worker`` processes
    starting together would) all succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        UNIHOOK_DATABASE_URL=empty_database_url, UNIHOOK_SECRET_KEY=Fernet.generate_key().decode()
    )
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
    engine = make_engine(empty_database_url, poolclass=NullPool)
    try:
        assert await _revision(engine) == HEAD
    finally:
        await engine.dispose()


async def test_provisioned_connections_survive_the_move_to_one_vendor_state_column(
    engine: AsyncEngine,
) -> None:
    """A connection provisioned under the first schema (vendor ids and encrypted tokens in
    columns of their own) keeps everything, re-encrypted as one JSON document, and goes back."""
    box = SecretBox([Fernet.generate_key()])
    async with engine.connect() as conn:
        await conn.run_sync(upgrade, "0001")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO connections (id, provider, tenant, verify, created_at, "
                "vendor_account_id, vendor_endpoint_id, vendor_token_enc, vendor_partner_key_enc) "
                "VALUES ('con_a', 'breezy', 'acme', :t, :now, 'co_1', 'ep_1', :tok, :pk), "
                "('con_b', 'breezy', 'globex', :t, :now, 'co_2', 'ep_2', NULL, NULL), "
                "('con_c', 'breezy', 'initech', :t, :now, NULL, NULL, NULL, NULL)"
            ),
            {"t": True, "now": utcnow(), "tok": box.encrypt("tok-1"), "pk": box.encrypt("pk-1")},
        )
    async with engine.connect() as conn:
        await conn.run_sync(upgrade, "head", box)
    async with engine.connect() as conn:
        rows = dict(
            (await conn.execute(text("SELECT id, vendor_state_enc FROM connections"))).all()
        )
    assert json.loads(box.decrypt(rows["con_a"])) == {
        "state": {"company_id": "co_1", "endpoint_id": "ep_1"},
        "credentials": {"api_token": "tok-1", "partner_api_key": "pk-1"},
    }
    assert json.loads(box.decrypt(rows["con_b"])) == {
        "state": {"company_id": "co_2", "endpoint_id": "ep_2"},
        "credentials": None,
    }
    assert rows["con_c"] is None

    async with engine.connect() as conn:
        await conn.run_sync(downgrade, "0001", box)
        back = (
            await conn.execute(
                text(
                    "SELECT vendor_endpoint_id, vendor_token_enc FROM connections "
                    "WHERE id = 'con_a'"
                )
            )
        ).one()
    assert back.vendor_endpoint_id == "ep_1"
    assert box.decrypt(back.vendor_token_enc) == "tok-1"


async def test_moving_vendor_state_without_the_key_stops_with_a_reason(
    engine: AsyncEngine,
) -> None:
    box = SecretBox([Fernet.generate_key()])
    async with engine.connect() as conn:
        await conn.run_sync(upgrade, "0001")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO connections (id, provider, tenant, verify, created_at, "
                "vendor_account_id, vendor_endpoint_id, vendor_token_enc) "
                "VALUES ('con_a', 'breezy', 'acme', :t, :now, 'co_1', 'ep_1', :tok)"
            ),
            {"t": True, "now": utcnow(), "tok": box.encrypt("tok-1")},
        )
    with pytest.raises(RuntimeError, match="needs the secret key"):
        async with engine.connect() as conn:
            await conn.run_sync(upgrade, "head")
    assert await _revision(engine) == "0001"  # the failed upgrade changed nothing
