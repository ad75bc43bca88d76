"""Concurrent requests on one owner or one subscription: quotas hold, races end in 404, not 500."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

from gateway.runtime import Runtime
from tests.conftest import ADMIN
from tests.gateway.helpers import tenant_key

SUBSCRIPTION = {"url": "https://hooks.example.com/x", "events": ["*"]}


async def test_concurrent_creates_respect_the_quota(live: str, services: Runtime) -> None:
    headers = await tenant_key(services, "acme")
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=live, limits=limits, timeout=60) as client:
        answers = await asyncio.gather(
            *(
                client.post("/v1/subscriptions", json=SUBSCRIPTION, headers=headers)
                for _ in range(50)
            )
        )
        listed = await client.get("/v1/subscriptions", headers=headers)
    statuses = Counter(r.status_code for r in answers)
    assert statuses == {201: 10, 429: 40}, [r.text for r in answers if r.status_code >= 500][:3]
    assert all(r.json()["detail"] == "Quota exceeded" for r in answers if r.status_code == 429)
    assert len(listed.json()["data"]) == 10


async def test_a_deleted_subscription_frees_its_place(client: Any, services: Runtime) -> None:
    headers = await tenant_key(services, "acme")
    made = [
        (await client.post("/v1/subscriptions", json=SUBSCRIPTION, headers=headers)).json()
        for _ in range(10)
    ]
    full = await client.post("/v1/subscriptions", json=SUBSCRIPTION, headers=headers)
    assert full.status_code == 429
    await client.delete(f"/v1/subscriptions/{made[0]['id']}", headers=headers)
    again = await client.post("/v1/subscriptions", json=SUBSCRIPTION, headers=headers)
    assert again.status_code == 201


async def test_changes_racing_a_delete_are_404(live: str, services: Runtime) -> None:
    headers = await tenant_key(services, "acme")
    async with httpx.AsyncClient(base_url=live, timeout=60) as client:
        await _race_deletes(client, headers)


async def _race_deletes(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for _ in range(5):
        made = await client.post("/v1/subscriptions", json=SUBSCRIPTION, headers=headers)
        sid = made.json()["id"]
        path = f"/v1/subscriptions/{sid}"
        answers = await asyncio.gather(
            client.delete(path, headers=headers),
            *(client.put(path, json={"description": "x"}, headers=headers) for _ in range(4)),
            *(client.post(f"{path}/pause", headers=headers) for _ in range(2)),
            *(client.post(f"{path}/resume", headers=headers) for _ in range(2)),
            *(client.post(f"{path}/rotate-secret", headers=headers) for _ in range(2)),
        )
        assert answers[0].status_code == 200
        assert {r.status_code for r in answers[1:]} <= {200, 404}, [
            r.text for r in answers if r.status_code >= 500
        ][:3]
        assert (await client.get(path, headers=headers)).status_code == 404


async def test_a_connection_rotation_racing_its_delete_is_404(live: str, services: Runtime) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=60, headers=ADMIN) as client:
        for n in range(5):
            made = await client.post(
                "/v1/connections", json={"provider": "breezy", "tenant": f"t{n}", "secret": "s"}
            )
            path = f"/v1/connections/{made.json()['id']}"
            answers = await asyncio.gather(
                client.delete(path),
                *(client.post(f"{path}/secrets", json={"secret": f"s{i}"}) for i in range(6)),
            )
            assert answers[0].status_code in {200, 204}
            assert {r.status_code for r in answers[1:]} <= {200, 201, 404}, [
                r.text for r in answers if r.status_code >= 500
            ][:3]
