"""Tenant settings: retention per tenant applied by the worker's own pass (clock injected), and
``erase_on`` erasing the person a deletion event names once its deliveries are done."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from gateway.core.clock import utcnow
from gateway.runtime import Runtime
from gateway.services.maintenance import Maintenance
from gateway.services.tenants import retention_lag
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, sign, signed, tenant_key


async def send(client: Any, vendor_type: str, nonce: str, tenant: str = "acme") -> str:
    body, _ = signed("breezy", vendor_type)
    payload = json.loads(body)
    payload["_id"] = nonce
    body = json.dumps(payload).encode()
    response = await client.post(
        f"/ingest/breezy/{tenant}", content=body, headers=sign("breezy", body)
    )
    assert response.status_code == 202, response.text
    event_id: str = response.json()["event_id"]
    return event_id


async def status_of(client: Any, event_id: str) -> int:
    return int((await client.get(f"/v1/events/{event_id}", headers=ADMIN)).status_code)


async def test_settings_are_admin_only_and_validated(client: Any, services: Runtime) -> None:
    path = "/v1/tenants/acme/settings"
    shown = (await client.get(path, headers=ADMIN)).json()
    assert shown == {
        "tenant": "acme",
        "retention_days": None,
        "effective_retention_days": 0,
        "erase_on": [],
        "updated_at": None,
    }
    body = {"retention_days": 7, "erase_on": ["ats.candidate.deleted"]}
    changed = await client.put(path, json=body, headers=ADMIN)
    assert changed.status_code == 200, changed.text
    assert changed.json()["effective_retention_days"] == 7
    assert (await client.get(path, headers=ADMIN)).json()["erase_on"] == ["ats.candidate.deleted"]
    own_key = await tenant_key(services, "acme")
    assert (await client.get(path, headers=own_key)).status_code == 404
    assert (await client.put(path, json=body, headers=own_key)).status_code == 404
    for bad in ({"retention_days": -1}, {"retention_days": "7"}, {"erase_on": ["ats.job.deleted"]}):
        response = await client.put(path, json=bad, headers=ADMIN)
        assert response.status_code == 400, response.text
    cleared = await client.put(path, json={"retention_days": None}, headers=ADMIN)
    assert cleared.json()["retention_days"] is None
    assert cleared.json()["erase_on"] == ["ats.candidate.deleted"]


async def test_a_one_day_tenant_loses_day_old_events_and_another_keeps_them(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    await connect(client, "breezy", tenant="globex")
    put = await client.put("/v1/tenants/acme/settings", json={"retention_days": 1}, headers=ADMIN)
    assert put.status_code == 200
    short = await send(client, "candidateAdded", "n-acme")
    kept = await send(client, "candidateAdded", "n-globex", tenant="globex")
    a_day_later = utcnow() + timedelta(days=1, minutes=5)

    assert await retention_lag(services, a_day_later) > 0
    today = await Maintenance(services, now=utcnow).run_once()
    assert today.led
    assert await status_of(client, short) == 200
    report = await Maintenance(services, now=lambda: a_day_later).run_once()
    assert [p.events for p in report.purges] == [1]
    assert await status_of(client, short) == 404
    assert await status_of(client, kept) == 200
    assert await retention_lag(services, a_day_later) == 0
    metrics = (await client.get("/metrics")).text
    assert "unihook_retention_lag_seconds 0.0" in metrics


@pytest.mark.parametrize("overrides", [{"retention_days": 1}])
async def test_the_default_applies_to_tenants_without_their_own(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    await connect(client, "breezy", tenant="globex")
    await client.put("/v1/tenants/globex/settings", json={"retention_days": 0}, headers=ADMIN)
    defaulted = await send(client, "candidateAdded", "n-acme")
    forever = await send(client, "candidateAdded", "n-globex", tenant="globex")
    await Maintenance(services, now=lambda: utcnow() + timedelta(days=2)).run_once()
    assert await status_of(client, defaulted) == 404
    assert await status_of(client, forever) == 200


async def test_erase_on_erases_after_the_deletion_is_delivered(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    await client.put(
        "/v1/tenants/acme/settings", json={"erase_on": ["ats.candidate.deleted"]}, headers=ADMIN
    )
    before = await send(client, "candidateAdded", "n-before")
    sub = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["ats.candidate.deleted"]},
        headers=ADMIN,
    )
    deletion = await send(client, "candidateDeleted", "n-deleted")
    maintenance = Maintenance(services, now=utcnow)
    held = await maintenance.run_once()
    assert held.erasures == []  # its delivery is still pending
    await client.post(f"/v1/subscriptions/{sub.json()['id']}/pause", headers=ADMIN)
    await client.delete(f"/v1/subscriptions/{sub.json()['id']}", headers=ADMIN)
    done = await maintenance.run_once()
    [erasure_id] = done.erasures
    erasure = (await client.get(f"/v1/erasures/{erasure_id}", headers=ADMIN)).json()
    assert erasure["requested_by"] == "erase_on"
    assert erasure["trigger_event_id"] == deletion
    assert erasure["counts"]["events"] == 2
    for event_id in (before, deletion):
        event = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
        assert "data" not in event
        assert "erased_at" in event
    assert (await maintenance.run_once()).erasures == []  # once per deletion event
    later = await send(client, "candidateAdded", "n-later")
    assert "data" in (await client.get(f"/v1/events/{later}", headers=ADMIN)).json()
