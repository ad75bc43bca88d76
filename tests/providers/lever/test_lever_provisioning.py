"""Provisioning Lever through the management API, against the local Lever over real HTTP: one
webhook per event, every signature token live, Lever's errors, health, no pause or event change,
and the webhooks deleted with the connection."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from providers.registry import default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.providers.lever.lever_sim import LeverSim

ACCOUNT = "acct-acme"
API_KEY = "lever-gateway-api-key-1234"
PUBLIC = "https://hooks.acme.example"
LEVER = default_registry().get("lever")


@pytest.fixture(scope="module")
def lever_api_url(lever_sim_server: LeverSim) -> str:
    return lever_sim_server.api_url


@pytest.fixture
def settings(database_url: str, lever_api_url: str) -> Settings:
    return Settings.from_env(
        {
            "UNIHOOK_DATABASE_URL": database_url,
            "UNIHOOK_ADMIN_TOKEN": ADMIN_TOKEN,
            "UNIHOOK_SECRET_KEY": Fernet.generate_key().decode(),
            "UNIHOOK_PUBLIC_URL": PUBLIC,
            "UNIHOOK_INGEST_WRITER": "thread",
            "UNIHOOK_PROVIDER_LEVER_API_URL": lever_api_url,
        }
    )


@pytest.fixture
def sim(lever_sim: LeverSim) -> LeverSim:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    return lever_sim


async def provision(client: Any, **fields: Any) -> Any:
    body = {
        "provider": "lever",
        "tenant": "acme",
        "provision": {"api_key": API_KEY, **fields},
    }
    return await client.post("/v1/connections", json=body, headers=ADMIN)


async def test_provisioning_makes_one_webhook_per_event_and_keeps_every_token(
    client: Any, sim: LeverSim
) -> None:
    made = await provision(client, events=["candidateHired", "contactCreated"])
    assert made.status_code == 201, made.text
    connection = made.json()
    hooks = {h.event: h for h in sim.webhooks(ACCOUNT)}
    assert set(hooks) == {"candidateHired", "contactCreated"}
    assert {h.url for h in hooks.values()} == {f"{PUBLIC}/ingest/lever/acme"}
    assert connection["provisioned"]["endpoint_id"] in {h.id for h in hooks.values()}
    for hook in hooks.values():
        assert hook.signature_token not in made.text
    live = [s for s in connection["secrets"] if s["expires_at"] is None]
    assert len(live) == 2
    for event, hook in hooks.items():
        sample = LEVER.sample_events()[event]
        body, headers = LEVER.sign_request(sample, hook.signature_token, now=utcnow())
        response = await client.post("/ingest/lever/acme", content=body, headers=headers)
        assert response.status_code == 202, (event, response.text)

    shown = (await client.get(f"/v1/connections/{connection['id']}", headers=ADMIN)).json()
    assert shown["provisioned"]["status"] == "active"

    providers = (await client.get("/v1/providers", headers=ADMIN)).json()["data"]
    lever = next(p for p in providers if p["name"] == "lever")
    assert lever["provisioning"]["capabilities"] == ["health"]
    assert (
        "api_key"
        in lever["provisioning"]["request_schema"]["$defs"]["LeverProvision"]["properties"]
    )

    deleted = await client.delete(f"/v1/connections/{connection['id']}", headers=ADMIN)
    assert deleted.status_code in (200, 204)
    assert sim.webhooks(ACCOUNT) == []


async def test_lever_cannot_pause_or_change_events(client: Any, sim: LeverSim) -> None:
    connection = (await provision(client, events=["candidateHired"])).json()
    calls = len(sim.calls)
    paused = await client.post(f"/v1/connections/{connection['id']}/pause", headers=ADMIN)
    assert paused.status_code == 400
    assert "Lever" in paused.json()["detail"]
    patched = await client.patch(
        f"/v1/connections/{connection['id']}", json={"events": ["contactCreated"]}, headers=ADMIN
    )
    assert patched.status_code == 400
    assert len(sim.calls) == calls
    assert [h.event for h in sim.webhooks(ACCOUNT)] == ["candidateHired"]


async def test_lever_refusals_come_back_and_nothing_is_left(client: Any, sim: LeverSim) -> None:
    refused = await client.post(
        "/v1/connections",
        json={"provider": "lever", "tenant": "acme", "provision": {"api_key": "wrong-key-123"}},
        headers=ADMIN,
    )
    assert refused.status_code == 502
    assert "401" in refused.json()["detail"]
    assert "wrong-key-123" not in refused.text

    # Lever's rate limit on the second create, past unihook's three retries.
    sim.fail_next(429, {"code": "TooManyRequests", "message": "Rate limit exceeded"}, after=1)
    for _ in range(3):
        sim.fail_next(429, {"code": "TooManyRequests", "message": "Rate limit exceeded"})
    limited = await provision(client, events=["candidateHired", "contactCreated"])
    assert limited.status_code == 429, limited.text
    assert sim.webhooks(ACCOUNT) == []
    listed = (await client.get("/v1/connections", headers=ADMIN)).json()["data"]
    assert listed == []


async def test_invalid_provision_blocks_are_400_before_lever_is_asked(
    client: Any, sim: LeverSim
) -> None:
    for block in (
        {"api_key": API_KEY, "events": ["jobCreated"]},
        {"api_key": API_KEY, "access_token": "t"},
        {"api_key": API_KEY, "origins": ["linkedin"]},
        {"api_key": API_KEY, "company_id": "not-lever's"},
    ):
        response = await client.post(
            "/v1/connections",
            json={"provider": "lever", "tenant": "acme", "provision": block},
            headers=ADMIN,
        )
        assert response.status_code == 400, (block, response.text)
    assert sim.calls == []
