"""Personio end to end over real HTTP: unihook creates the webhook at a local Personio with a token
it makes, Personio's deliveries carry that token and are accepted, and deleting the connection
deletes the webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from gateway.core.settings import Settings
from gateway.http.app import create_app
from providers.testing import LoopbackServer
from tests.conftest import ADMIN
from tests.providers.personio.personio_sim import PersonioSim

CLIENT_ID, CLIENT_SECRET = "papi-live-client", "papi-live-secret"


@pytest.fixture
async def live(
    settings: Settings, personio_sim: PersonioSim
) -> AsyncIterator[tuple[httpx.AsyncClient, PersonioSim, str]]:
    personio_sim.add_client(CLIENT_ID, CLIENT_SECRET)
    server = LoopbackServer(None, name="gateway", lifespan="on")
    public = server.bind()
    configured = replace(
        settings,
        public_url=public,
        provider_env={"UNIHOOK_PROVIDER_PERSONIO_API_URL": personio_sim.base_url},
    )
    server.app = create_app(configured, run_worker=False)  # type: ignore[assignment]
    with server:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=30) as api:
            yield api, personio_sim, public


async def test_provisioned_webhook_delivers_with_its_token(live: Any) -> None:
    api, sim, public = live
    created = await api.post(
        "/v1/connections",
        json={
            "provider": "personio",
            "tenant": "acme",
            "provision": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        },
    )
    assert created.status_code == 201, created.text
    (webhook,) = sim.webhooks()
    assert webhook.url == f"{public}/ingest/personio/acme"
    assert webhook.status == "ENABLED"  # Personio's default is DISABLED
    assert webhook.token is not None
    assert webhook.token.startswith("Bearer ")
    assert webhook.token.removeprefix("Bearer ") not in created.text

    (answer,) = await asyncio.to_thread(sim.deliver, "employment.started")
    assert answer.status_code == 202, answer.text
    listed = (await api.get("/v1/events", params={"tenant": "acme"})).json()["data"]
    assert [e["type"] for e in listed] == ["hris.employee.started"]
    assert listed[0]["source"]["signature_scope"] == "token"

    deleted = await api.delete(f"/v1/connections/{created.json()['id']}")
    assert deleted.status_code in (200, 204)
    assert sim.webhooks() == []


async def test_refused_credentials_are_a_clear_error_and_leave_nothing(live: Any) -> None:
    api, sim, _ = live
    created = await api.post(
        "/v1/connections",
        json={
            "provider": "personio",
            "tenant": "acme",
            "provision": {"client_id": CLIENT_ID, "client_secret": "wrong-secret"},
        },
    )
    assert created.status_code == 502
    assert "wrong-secret" not in created.text
    assert sim.webhooks() == []
    assert (await api.get("/v1/connections")).json()["data"] == []
