"""The SQLite group commit in a child process (``UNIHOOK_INGEST_WRITER=process``, the default):
the same outcomes as in-process, nothing lost when the child dies, and a bad batch fails alone."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from gateway.core.clock import utcnow
from gateway.core.settings import Settings, SettingsError
from gateway.ingest.commit_process import CommitFailed, CommitProcess
from gateway.ingest.pipeline import IngestWriter, prepare
from gateway.ingest.rows import EventRow, ReceiptRow
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.registry import default_registry
from tests.conftest import ADMIN_TOKEN
from tests.gateway.helpers import connect, count, sign, signed


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    """conftest's ``services`` and ``client``, on a SQLite file with the default writer."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/unihook.db",
        admin_token=ADMIN_TOKEN,
        secret_key=Fernet.generate_key().decode(),
        ingest_writer="process",
    )


def child_of(client: Any) -> CommitProcess:
    writer: IngestWriter = client.app.state.ingest_writer
    assert writer.commit_process is not None, "SQLite on a file commits in a child process"
    return writer.commit_process


async def test_outcomes_are_those_of_the_in_process_writer(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateStatusUpdated")
    first = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    again = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    junk = b"not json at all"
    quarantined = await client.post(
        "/ingest/breezy/acme", content=junk, headers=sign("breezy", junk)
    )
    assert first.status_code == 202, first.text
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert quarantined.status_code == 202
    assert quarantined.json()["status"] == "quarantined"
    assert child_of(client).pid is not None
    assert await count(services, Event) == 1
    assert await count(services, Receipt) == 3
    stored = await client.get(
        f"/v1/events/{first.json()['event_id']}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert stored.status_code == 200
    assert stored.json()["type"] == "ats.application.stage_changed"


async def test_racing_duplicates_make_one_event(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateStatusUpdated")
    responses = await asyncio.gather(
        *(client.post("/ingest/breezy/acme", content=body, headers=headers) for _ in range(20))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [202]
    assert len({r.json()["event_id"] for r in responses}) == 1
    assert await count(services, Event) == 1


async def test_a_killed_child_is_replaced_and_every_2xx_is_stored(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    adapter = default_registry().get("breezy")
    template = adapter.sample_events()["candidateStatusUpdated"]

    async def send(i: int) -> Any:
        body = template.replace(b'"_id":"', f'"_id":"kill-{i}-'.encode(), 1)
        return await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))

    before = await asyncio.gather(*(send(i) for i in range(20)))
    pid = child_of(client).pid
    assert pid is not None
    during = asyncio.gather(*(send(i) for i in range(20, 60)))
    await asyncio.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    during_results = await during
    after = await asyncio.gather(*(send(i) for i in range(60, 80)))
    assert child_of(client).pid not in (None, pid)
    answered = [*before, *during_results, *after]
    # a request whose batch died with the child is retried on the new one: answered 2xx, never
    # twice stored, or (if even that failed) an error, and then not claimed as stored
    ok = [r for r in answered if r.status_code in (200, 202)]
    assert all(r.status_code in (200, 202, 500) for r in answered)
    assert len(ok) >= 40
    async with services.sessions() as session:
        stored = set((await session.execute(select(Event.id))).scalars())
    assert {r.json()["event_id"] for r in ok} <= stored
    assert len(stored) <= 80


async def test_a_batch_that_fails_fails_alone(services: Runtime) -> None:
    """A rolled-back batch raises in the parent; the child carries on with the next one."""
    sample = await _sample_rows(services)
    process = CommitProcess(services.settings.database_url)
    try:
        receipt, event = sample()
        # the same receipt id twice: the primary key refuses the batch
        with pytest.raises(CommitFailed, match="IntegrityError"):
            await process.commit([(receipt, event), (receipt, None)], utcnow())
        results = await process.commit([(receipt, event)], utcnow())
        assert [r.status for r in results] == ["accepted"]
        pid = process.pid
    finally:
        await process.close()
    assert pid is not None
    assert await count(services, Event) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # closing its input ended it


async def test_an_interrupt_does_not_stop_the_child(services: Runtime) -> None:
    """Ctrl-C reaches the whole process group; the child ends when its parent closes it."""
    sample = await _sample_rows(services)
    process = CommitProcess(services.settings.database_url)
    try:
        await process.commit([sample()], utcnow())
        assert process.pid is not None
        os.kill(process.pid, signal.SIGINT)
        await asyncio.sleep(0.2)
        assert [r.status for r in await process.commit([sample()], utcnow())] == ["duplicate"]
    finally:
        await process.close()


async def _sample_rows(services: Runtime) -> Callable[[], tuple[ReceiptRow, EventRow | None]]:
    """A Breezy connection, and a maker of fresh receipt and event rows for one sample event."""
    from gateway.services.access import Principal
    from gateway.services.connections import create_connection
    from schemas.api import ConnectionCreate
    from tests.gateway.helpers import SECRETS

    await create_connection(
        services,
        Principal("admin", None),
        ConnectionCreate(provider="breezy", tenant="acme", secret=SECRETS["breezy"]),
    )
    connection = await services.connection("breezy", "acme")
    assert connection is not None
    adapter = default_registry().get("breezy")
    body, _ = signed("breezy", "candidateStatusUpdated")

    def sample() -> tuple[ReceiptRow, EventRow | None]:
        return prepare(
            adapter=adapter, connection=connection, body=body, headers={}, received_at=utcnow()
        )

    return sample


def test_the_writer_is_a_setting() -> None:
    assert Settings.from_env({}).ingest_writer == "process"
    assert Settings.from_env({"UNIHOOK_INGEST_WRITER": "Thread"}).ingest_writer == "thread"
    with pytest.raises(SettingsError, match="UNIHOOK_INGEST_WRITER"):
        Settings.from_env({"UNIHOOK_INGEST_WRITER": "fork"})


def test_in_memory_sqlite_and_postgresql_commit_in_process() -> None:
    """A child cannot open the parent's in-memory database; PostgreSQL is another process
    already."""
    for url in ("sqlite+aiosqlite://", "postgresql+asyncpg://u@127.0.0.1:1/db"):
        settings = Settings(
            database_url=url, secret_key=Fernet.generate_key().decode(), ingest_writer="process"
        )
        services = Runtime.build(settings)
        assert IngestWriter(services).commit_process is None
