"""Requests whose signature does not verify are still ``401``, but kept (encrypted, bounded,
expiring) and recovered once the secret is right: a secret mix-up loses nothing."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Delivery, Event, Receipt
from gateway.storage.unverified import purge_unverified
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import tenant_key

WRONG = "the-secret-pasted-by-mistake"
RIGHT = {
    "ashby": "ashby-secret-token-chosen-at-provisioning",
    "greenhouse": "gh secret typed in the Dev Center",
    "lever": "lever-signature-token-of-the-webhook",
}
SAMPLES = {
    "ashby": ["candidateHire", "applicationUpdate", "candidateStageChange"],
    "greenhouse": ["hire_candidate", "reject_candidate"],
    "lever": ["candidateStageChange", "applicationCreated"],
}
KEEP = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings, unverified_per_connection=KEEP, allow_insecure_destinations=True
    )


async def _connect(client: Any, provider: str, secret: str, tenant: str = "acme") -> str:
    body = {"provider": provider, "tenant": tenant, "secret": secret}
    response = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _vendor_request(provider: str, vendor_type: str) -> tuple[bytes, dict[str, str]]:
    """The request exactly as the vendor sends it, signed with the secret it really holds."""
    adapter = default_registry().get(provider)
    return adapter.sign_request(adapter.sample_events()[vendor_type], RIGHT[provider], now=utcnow())


async def _count(services: Runtime, model: Any, *where: Any) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


def _unverified_metric(provider: str) -> float:
    value = REGISTRY.get_sample_value("unihook_ingest_unverified_total", {"provider": provider})
    return value or 0.0


async def test_a_request_that_does_not_verify_is_401_and_kept_without_its_body_shown(
    client: Any, services: Runtime
) -> None:
    connection_id = await _connect(client, "greenhouse", WRONG)
    body, headers = _vendor_request("greenhouse", "hire_candidate")
    before = _unverified_metric("greenhouse")
    response = await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid signature"
    assert _unverified_metric("greenhouse") == before + 1
    assert await _count(services, Event) == 0

    listed = await client.get(f"/v1/connections/{connection_id}/unverified", headers=ADMIN)
    assert listed.status_code == 200
    [kept] = listed.json()["data"]
    assert kept["connection_id"] == connection_id
    assert kept["provider"] == "greenhouse"
    assert kept["headers"]["signature"] == headers["signature"]
    assert "signature" in kept["error"]
    assert kept["received_at"].endswith("Z")
    assert "body" not in kept
    assert b"Johnny" not in listed.content

    async with services.sessions() as session:
        stored = (await session.execute(select(Receipt.body))).scalar_one()
    assert b"Johnny" not in stored  # encrypted at rest
    assert body not in stored


async def test_requests_to_no_connection_are_not_kept(client: Any, services: Runtime) -> None:
    body, headers = _vendor_request("greenhouse", "hire_candidate")
    response = await client.post("/ingest/greenhouse/nobody", content=body, headers=headers)
    assert response.status_code == 404
    assert await _count(services, Receipt) == 0


async def test_each_connection_keeps_only_its_newest(client: Any, services: Runtime) -> None:
    connection_id = await _connect(client, "greenhouse", WRONG)
    other = await _connect(client, "greenhouse", WRONG, tenant="globex")
    sent = []
    for n in range(KEEP + 4):
        body = json.dumps({"action": "ping", "payload": {"n": n}}).encode()
        headers = {"signature": f"sha256 {'0' * 64}"}
        assert (
            await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
        ).status_code == 401
        sent.append(n)
    body = b'{"action": "ping"}'
    await client.post("/ingest/greenhouse/globex", content=body, headers={"signature": "x"})
    listed = (
        await client.get(f"/v1/connections/{connection_id}/unverified", headers=ADMIN)
    ).json()["data"]
    assert len(listed) == KEEP
    assert await _count(services, Receipt, Receipt.connection_id == connection_id) == KEEP
    assert await _count(services, Receipt, Receipt.connection_id == other) == 1
    # the newest are the ones kept, newest first
    ids = [r["id"] for r in listed]
    assert ids == sorted(ids, reverse=True)


async def test_they_expire(client: Any, services: Runtime) -> None:
    connection_id = await _connect(client, "greenhouse", WRONG)
    body, headers = _vendor_request("greenhouse", "hire_candidate")
    await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
    ttl = services.settings.unverified_ttl
    assert await purge_unverified(services.sessions, now=utcnow(), ttl=ttl) == 0
    later = utcnow() + timedelta(seconds=ttl + 1)
    assert await purge_unverified(services.sessions, now=later, ttl=ttl) == 1
    listed = await client.get(f"/v1/connections/{connection_id}/unverified", headers=ADMIN)
    assert listed.json()["data"] == []


async def test_another_tenants_key_sees_none_of_them(client: Any, services: Runtime) -> None:
    connection_id = await _connect(client, "greenhouse", WRONG)
    body, headers = _vendor_request("greenhouse", "hire_candidate")
    await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
    other = await tenant_key(services, "globex")
    own = await tenant_key(services, "acme")
    base = f"/v1/connections/{connection_id}/unverified"
    assert (await client.get(base, headers=other)).status_code == 404
    assert (await client.post(f"{base}/verify", headers=other)).status_code == 404
    assert len((await client.get(base, headers=own)).json()["data"]) == 1
    assert (await client.get(base)).status_code == 401


@pytest.mark.parametrize("provider", sorted(SAMPLES))
async def test_a_secret_mix_up_is_recovered_by_rotating_and_reverifying(
    client: Any, services: Runtime, provider: str
) -> None:
    """The vendor holds one secret, unihook another: every request is 401 (Ashby never retries
    one, Greenhouse disables the hook). Rotating to the right secret and re-verifying ingests
    each exactly once, with its deliveries; a second re-verify, or the vendor's own retry, adds
    nothing."""
    connection_id = await _connect(client, provider, WRONG)
    subscription = await client.post(
        "/v1/subscriptions",
        json={"url": "http://127.0.0.1:9/hook", "events": ["*"]},
        headers=ADMIN,
    )
    assert subscription.status_code == 201, subscription.text
    requests = [_vendor_request(provider, vendor_type) for vendor_type in SAMPLES[provider]]
    for body, headers in requests:
        answer = await client.post(f"/ingest/{provider}/acme", content=body, headers=headers)
        assert answer.status_code == 401
    base = f"/v1/connections/{connection_id}/unverified"
    assert (await client.post(f"{base}/verify", headers=ADMIN)).json() == {
        "recovered": 0,
        "still_unverified": len(requests),
    }

    rotated = await client.post(
        f"/v1/connections/{connection_id}/secrets",
        json={"secret": RIGHT[provider], "previous_expires_in": 0},
        headers=ADMIN,
    )
    assert rotated.status_code == 200, rotated.text
    answer = await client.post(f"{base}/verify", headers=ADMIN)
    assert answer.status_code == 200
    assert answer.json() == {"recovered": len(requests), "still_unverified": 0}
    assert await _count(services, Event) == len(requests)
    assert await _count(services, Delivery) == len(requests)
    assert (await client.get(base, headers=ADMIN)).json()["data"] == []
    events = (await client.get("/v1/events", headers=ADMIN)).json()["data"]
    assert {e["source"]["connection_id"] for e in events} == {connection_id}

    again = await client.post(f"{base}/verify", headers=ADMIN)
    assert again.json() == {"recovered": 0, "still_unverified": 0}
    body, headers = requests[0]
    retry = await client.post(f"/ingest/{provider}/acme", content=body, headers=headers)
    assert retry.status_code == 200
    assert retry.json()["status"] == "duplicate"
    assert await _count(services, Delivery) == len(requests)
