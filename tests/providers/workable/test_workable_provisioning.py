"""Provisioning Workable through ``POST /v1/connections``: subscriptions made at the local Workable
(``tests/providers/workable/workable_sim.py``) over real HTTP, the token kept as the connection's secret,
health, event changes, errors and cleanup."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

import pytest

from gateway.core.settings import Settings
from providers.workable import EVENT_TYPES, SAMPLES
from tests.conftest import ADMIN
from tests.providers.workable.workable_sim import WorkableSim

SUBDOMAIN = "groove-tech"
TOKEN = "wk-provisioned-token-9c8b7a6f5e4d3c2b1a0f"
PUBLIC = "https://hooks.example.test"


@pytest.fixture
def sim(workable_sim: WorkableSim) -> WorkableSim:
    workable_sim.add_token(SUBDOMAIN, TOKEN)
    workable_sim.rate_interval = 0.5
    return workable_sim


@pytest.fixture
def settings(settings: Settings, sim: WorkableSim) -> Settings:
    env = {"UNIHOOK_PROVIDER_WORKABLE_API_URL": sim.api_url_template}
    return replace(settings, provider_env=env, public_url=PUBLIC)


def body(**provision: Any) -> dict[str, Any]:
    return {
        "provider": "workable",
        "tenant": "acme",
        "provision": {"subdomain": SUBDOMAIN, "api_token": TOKEN, **provision},
    }


async def test_provision_check_change_and_delete(client: Any, sim: WorkableSim) -> None:
    created = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert created.status_code == 201, created.text
    assert TOKEN not in created.text
    con = created.json()
    assert con["ingest_url"] == f"{PUBLIC}/ingest/workable/acme"
    assert con["provisioned"]["status"] == "active"
    subs = sim.subscriptions(SUBDOMAIN)
    assert sorted(s.event for s in subs) == sorted(EVENT_TYPES)
    assert {s.target for s in subs} == {
        f"{PUBLIC}/ingest/workable/acme?event={s.event}" for s in subs
    }

    # The token is the connection's secret: what Workable signs with it is accepted.
    payload = json.dumps(SAMPLES["candidate_created"]).encode()
    signature = hmac.new(TOKEN.encode(), payload, hashlib.sha256).hexdigest()
    ingested = await client.post(
        "/ingest/workable/acme",
        content=payload,
        headers={"content-type": "application/json", "x-workable-signature": signature},
    )
    assert ingested.status_code == 200, ingested.text
    assert ingested.json()["status"] == "accepted"

    seen = (await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).json()
    assert seen["provisioned"]["status"] == "active"
    assert TOKEN not in json.dumps(seen)

    changed = await client.patch(
        f"/v1/connections/{con['id']}", json={"events": ["candidate_moved"]}, headers=ADMIN
    )
    assert changed.status_code == 200, changed.text
    assert [s.event for s in sim.subscriptions()] == ["candidate_moved"]

    deleted = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert deleted.status_code in (200, 204)
    assert sim.subscriptions() == []


async def test_a_refused_token_is_502_and_nothing_is_made(client: Any, sim: WorkableSim) -> None:
    response = await client.post(
        "/v1/connections", json=body(api_token="not-the-token-at-all"), headers=ADMIN
    )
    assert response.status_code == 502, response.text
    assert "not-the-token-at-all" not in response.text
    assert sim.subscriptions() == []
    listed = (await client.get("/v1/connections", headers=ADMIN)).json()["data"]
    assert listed == []


async def test_invalid_events_are_400_before_workable_is_asked(
    client: Any, sim: WorkableSim
) -> None:
    response = await client.post(
        "/v1/connections", json=body(events=["candidateAdded"]), headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert "Invalid events" in response.text
    assert sim.calls == []


async def test_a_target_already_registered_is_502_with_workables_conflict(
    client: Any, sim: WorkableSim
) -> None:
    first = await client.post(
        "/v1/connections", json=body(events=["candidate_moved"]), headers=ADMIN
    )
    assert first.status_code == 201
    await client.delete(f"/v1/connections/{first.json()['id']}", headers=ADMIN)
    # Someone registered the same target at Workable by hand in between.
    sim.fail_next(201, {"id": 1})
    sim.fail_next(409, {"error": "Conflict: the target URL is already registered"})
    again = await client.post(
        "/v1/connections",
        json=body(events=["candidate_created", "candidate_moved"]),
        headers=ADMIN,
    )
    assert again.status_code == 502, again.text
    assert "409" in again.json()["detail"]
    assert sim.subscriptions() == []


async def test_the_workers_renew_subscriptions_before_valid_until(
    client: Any, sim: WorkableSim, services: Any
) -> None:
    """Workable's subscriptions end at ``valid_until`` (a year after creation); a worker's
    renewal round makes them anew before that and the connection keeps their new ids."""
    import time
    from datetime import UTC, datetime

    from gateway.services.provisioning import renew_due

    start = time.time()
    sim.clock = lambda: start
    created = await client.post(
        "/v1/connections", json=body(events=["candidate_moved"]), headers=ADMIN
    )
    assert created.status_code == 201, created.text
    [old] = sim.subscriptions(SUBDOMAIN)
    assert await renew_due(services, datetime.fromtimestamp(start, tz=UTC)) == 0
    later = start + 350 * 86400
    sim.clock = lambda: later
    assert await renew_due(services, datetime.fromtimestamp(later, tz=UTC)) == 1
    [new] = sim.subscriptions(SUBDOMAIN)
    assert new.id != old.id
    assert new.valid_until > old.valid_until
    shown = (await client.get(f"/v1/connections/{created.json()['id']}", headers=ADMIN)).json()
    assert shown["provisioned"]["endpoint_id"] == str(new.id)
    assert shown["provisioned"]["status"] == "active"
