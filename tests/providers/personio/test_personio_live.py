"""Personio end to end over real HTTP: unihook creates the webhook at a local Personio with a token
it makes, Personio's deliveries carry that token and are accepted, and deleting the connection
deletes the webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from gateway.core.settings import Settings
from tests.providers.personio.personio_sim import PersonioSim
from tests.support.live import LiveGateway, live_gateway

CLIENT_ID, CLIENT_SECRET = "papi-live-client", "papi-live-secret"


Live = LiveGateway[PersonioSim]


@pytest.fixture
async def live(settings: Settings, personio_sim: PersonioSim) -> AsyncIterator[Live]:
    personio_sim.add_client(CLIENT_ID, CLIENT_SECRET)
    async with live_gateway(settings, "personio", personio_sim) as gateway:
        yield gateway


async def test_provisioned_webhook_delivers_with_its_token(live: Live) -> None:
    api, sim = live.api, live.sim
    created = await live.connect({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert created.status_code == 201, created.text
    (webhook,) = sim.webhooks()
    assert webhook.url == live.ingest_url
    assert webhook.status == "ENABLED"  # Personio's default is DISABLED
    assert webhook.token is not None
    assert webhook.token.startswith("Bearer ")
    assert webhook.token.removeprefix("Bearer ") not in created.text

    (answer,) = await asyncio.to_thread(sim.deliver, "employment.started")
    assert answer.status_code == 202, answer.text
    listed = await live.events()
    assert [e["type"] for e in listed] == ["hris.employee.started"]
    assert listed[0]["source"]["signature_scope"] == "token"

    deleted = await api.delete(f"/v1/connections/{created.json()['id']}")
    assert deleted.status_code in (200, 204)
    assert sim.webhooks() == []


async def test_refused_credentials_are_a_clear_error_and_leave_nothing(live: Live) -> None:
    api, sim = live.api, live.sim
    created = await live.connect({"client_id": CLIENT_ID, "client_secret": "wrong-secret"})
    assert created.status_code == 502
    assert "wrong-secret" not in created.text
    assert sim.webhooks() == []
    assert (await api.get("/v1/connections")).json()["data"] == []
