"""The ingest path's connection cache: one database read when an entry expires under load, and
a change made through this process is never hidden by a read that was already under way."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event

from gateway import runtime as services_module
from gateway.runtime import Runtime
from tests.gateway.helpers import connect


def count_connection_reads(services: Runtime) -> list[str]:
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM connections" in statement:
            reads.append(statement)

    event.listen(services.engine.sync_engine, "before_cursor_execute", seen)
    return reads


async def test_concurrent_misses_share_one_read(
    client: Any, services: Runtime, monkeypatch: Any
) -> None:
    await connect(client, "breezy")
    services.forget_connections()
    reads = count_connection_reads(services)
    found = await asyncio.gather(*(services.connection("breezy", "acme") for _ in range(32)))
    assert len(reads) == 1
    assert len({id(c) for c in found}) == 1
    assert found[0] is not None
    assert found[0].tenant == "acme"
    monkeypatch.setattr(services_module, "CONNECTION_CACHE_SECONDS", 0.0)
    services.forget_connections()
    await services.connection("breezy", "acme")
    await services.connection("breezy", "acme")
    assert len(reads) == 3  # expired: read again, once per miss when they do not overlap


async def test_a_change_is_not_hidden_by_a_read_under_way(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    services.forget_connections()
    under_way = asyncio.ensure_future(services.connection("breezy", "acme"))
    await asyncio.sleep(0)  # the read has started
    services.forget_connections()  # as a route does after changing the connection
    after = services.connection("breezy", "acme")
    first, second = await asyncio.gather(under_way, after)
    assert first is not None
    assert second is not None
    assert first is not second  # the request after the change read again
