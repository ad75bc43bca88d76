"""What unauthenticated clients send never grows the server's memory for good."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from gateway import runtime as runtime_module
from gateway.runtime import Runtime
from tests.gateway.helpers import connect, signed


# The caches are the process's, whatever the database: PostgreSQL would only add 800 connections.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_unknown_tenants_do_not_grow_the_connection_cache(
    client: Any, services: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime_module, "CONNECTION_CACHE_ENTRIES", 50)
    await connect(client, "breezy", "acme")
    body, headers = signed("breezy", "candidateAdded")
    for _ in range(400):
        name = uuid.uuid4().hex * 6
        assert (await client.post(f"/ingest/breezy/{name}", content=body)).status_code == 404
        assert (await client.post(f"/ingest/{name}", content=body)).status_code == 404
    assert len(services._connections) <= 50
    assert len(services._tenant_providers) <= 50
    response = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    assert response.status_code == 202  # a known connection is still found


async def test_tenant_names_longer_than_any_tenant_are_not_looked_up(
    client: Any, services: Runtime
) -> None:
    name = "x" * 30_000
    assert (await client.post(f"/ingest/breezy/{name}", content=b"{}")).status_code == 404
    assert (await client.post(f"/ingest/{name}", content=b"{}")).status_code == 404
    assert services._connections == {}
    assert services._tenant_providers == {}


async def test_provider_names_longer_than_any_provider_are_not_looked_up(
    client: Any, services: Runtime
) -> None:
    """Bounded by the longest loaded adapter's name: refused before the registry, the caches or
    the answer see it (a 404 that echoed the segment would send 30 KB back for every request)."""
    await connect(client, "breezy", "acme")
    longest = max(len(name) for name in services.registry.names())
    for name in ("y" * 30_000, "b" * (longest + 1)):
        response = await client.post(f"/ingest/{name}/acme", content=b"{}")
        assert response.status_code == 404
        assert name not in response.text
        assert len(response.content) < 200
    assert services._connections == {}
