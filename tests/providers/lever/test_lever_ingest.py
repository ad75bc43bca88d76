"""Lever through the gateway: replays, age, tampering and detection, on every database driver.

Lever signs only ``token + triggeredAt`` inside the body: a replayed token is a duplicate, a
``triggeredAt`` older than ``UNIHOOK_PROVIDER_LEVER_MAX_AGE`` is refused, and a changed ``data``
still verifies but the event says ``signature_scope: "envelope"``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from litestar.testing import AsyncTestClient

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.registry import all_samples, default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.gateway.helpers import connect, count, signed

LEVER = default_registry().get("lever")
TOKEN_A = "lever-signature-token-applicationCreated"
TOKEN_B = "lever-signature-token-candidateHired"
MAX_AGE = 3600


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The shared settings with ``UNIHOOK_PROVIDER_LEVER_MAX_AGE`` set as an operator would."""
    env = {
        "UNIHOOK_DATABASE_URL": database_url,
        "UNIHOOK_ADMIN_TOKEN": ADMIN_TOKEN,
        "UNIHOOK_SECRET_KEY": Fernet.generate_key().decode(),
        "UNIHOOK_PUBLIC_URL": "http://testserver.local",
        "UNIHOOK_INGEST_WRITER": "thread",
        "UNIHOOK_PROVIDER_LEVER_MAX_AGE": str(MAX_AGE),
    }
    return Settings.from_env(env)


@pytest.fixture
async def client(services: Runtime) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def connect_lever(client: Any, tenant: str = "acme") -> dict[str, Any]:
    """A Lever connection holding two signature tokens (Lever gives one per webhook)."""
    connection = await connect(client, "lever", tenant, secret=TOKEN_A)
    added = await client.post(
        f"/v1/connections/{connection['id']}/secrets",
        json={"secret": TOKEN_B, "previous_expires_in": None},
        headers=ADMIN,
    )
    assert added.status_code in (200, 201), added.text
    assert [s.get("expires_at") for s in added.json()["secrets"]] == [None, None]
    return connection


def lever_request(
    vendor_type: str, secret: str = TOKEN_A, *, age: float = 0.0, user_agent: bool = True
) -> tuple[bytes, dict[str, str]]:
    """A sample as Lever sends it, triggered ``age`` seconds ago."""
    samples = all_samples(LEVER)
    moment = utcnow() - timedelta(seconds=age)
    body, headers = LEVER.sign_request(samples[vendor_type], secret, now=moment)
    if not user_agent:
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
    return body, headers


def edited(body: bytes, **fields: Any) -> bytes:
    payload = json.loads(body)
    payload.update(fields)
    return json.dumps(payload, separators=(",", ":")).encode()


async def event(client: Any, event_id: str) -> dict[str, Any]:
    got: dict[str, Any] = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    return got


async def test_each_signature_token_of_the_connection_verifies(client: Any) -> None:
    await connect_lever(client)
    for secret, vendor_type in ((TOKEN_A, "applicationCreated"), (TOKEN_B, "candidateHired")):
        body, headers = lever_request(vendor_type, secret)
        response = await client.post("/ingest/lever/acme", content=body, headers=headers)
        assert response.status_code == 202, response.text
        got = await event(client, response.json()["event_id"])
        assert got["source"]["signature_scope"] == "envelope"
        assert got["source"]["event_id"] == json.loads(body)["token"]
        assert got["completeness"] == "reference"


async def test_a_replayed_token_is_a_duplicate_even_with_other_data(
    client: Any, services: Runtime
) -> None:
    await connect_lever(client)
    body, headers = lever_request("candidateStageChange")
    first = await client.post("/ingest/lever/acme", content=body, headers=headers)
    assert first.status_code == 202
    again = await client.post("/ingest/lever/acme", content=body, headers=headers)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    # Same signed envelope, another data: still verifies (data is unsigned), still the same event.
    forged = edited(body, data={"opportunityId": "someone-else", "toStageId": "hired"})
    replay = await client.post("/ingest/lever/acme", content=forged, headers=headers)
    assert replay.status_code == 200
    assert replay.json()["event_id"] == first.json()["event_id"]
    kept = await event(client, first.json()["event_id"])
    assert kept["data"]["application"]["id"] == json.loads(body)["data"]["opportunityId"]
    assert await count(services, Event) == 1


async def test_changed_data_verifies_and_is_marked_envelope(client: Any) -> None:
    await connect_lever(client)
    body, headers = lever_request("candidateHired")
    tampered = edited(body, data={"opportunityId": "opp-forged", "contactId": "contact-forged"})
    response = await client.post("/ingest/lever/acme", content=tampered, headers=headers)
    assert response.status_code == 202
    got = await event(client, response.json()["event_id"])
    assert got["source"]["signature_scope"] == "envelope"
    assert got["data"]["candidate"]["id"] == "contact-forged"


@pytest.mark.parametrize(
    "change",
    [
        {"token": "f" * 48},
        {"triggeredAt": 1},
        {"signature": "0" * 64},
        {"signature": ""},
        {"signature": None},
    ],
    ids=["token", "triggeredAt", "signature", "empty-signature", "null-signature"],
)
async def test_tampered_envelope_is_401_and_stores_nothing(
    client: Any, services: Runtime, change: dict[str, Any]
) -> None:
    await connect_lever(client)
    body, headers = lever_request("applicationCreated")
    response = await client.post(
        "/ingest/lever/acme", content=edited(body, **change), headers=headers
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid signature"
    assert await count(services, Receipt) == 1  # kept only unverified, to re-verify


async def test_missing_triggered_at_or_token_is_401(client: Any) -> None:
    await connect_lever(client)
    body, headers = lever_request("applicationCreated")
    for field in ("token", "triggeredAt", "signature"):
        payload = json.loads(body)
        del payload[field]
        response = await client.post(
            "/ingest/lever/acme", content=json.dumps(payload).encode(), headers=headers
        )
        assert response.status_code == 401, field


async def test_stale_triggered_at_is_401_and_stores_nothing(client: Any, services: Runtime) -> None:
    await connect_lever(client)
    fresh_enough, headers = lever_request("candidateDeleted", age=MAX_AGE - 60)
    assert (
        await client.post("/ingest/lever/acme", content=fresh_enough, headers=headers)
    ).status_code == 202
    for age in (MAX_AGE + 60, -(MAX_AGE + 60), 30 * 86400):
        body, headers = lever_request("candidateDeleted", age=age)
        response = await client.post("/ingest/lever/acme", content=body, headers=headers)
        assert response.status_code == 401, age
        assert "stale" in response.json()["detail"]
    assert await count(services, Event) == 1


async def test_the_dashboard_test_request_is_connection_test(client: Any) -> None:
    await connect_lever(client)
    body, headers = lever_request("candidateHired:test")
    response = await client.post("/ingest/lever/acme", content=body, headers=headers)
    assert response.status_code == 202
    got = await event(client, response.json()["event_id"])
    assert got["type"] == "connection.test"
    assert got["source"]["event_type"] == "candidateHired"


class TestDetectionBesideOtherVendors:
    """``/ingest/{tenant}`` with Breezy, HatchBeacon, Bindbee and Lever connected."""

    async def connect_all(self, client: Any) -> None:
        for provider in ("breezy", "hatchbeacon", "bindbee"):
            await connect(client, provider)
        await connect_lever(client)

    @pytest.mark.parametrize("user_agent", [True, False], ids=["user-agent", "body-only"])
    async def test_lever_is_told_by_its_agent_or_its_body(
        self, client: Any, user_agent: bool
    ) -> None:
        await self.connect_all(client)
        body, headers = lever_request("contactUpdated", user_agent=user_agent)
        response = await client.post("/ingest/acme", content=body, headers=headers)
        assert response.status_code == 202, response.text
        assert (await event(client, response.json()["event_id"]))["source"]["provider"] == "lever"

    async def test_the_others_are_still_told_by_their_headers(self, client: Any) -> None:
        await self.connect_all(client)
        for provider, vendor_type in (
            ("breezy", "candidateAdded"),
            ("hatchbeacon", "webhook.test"),
            ("bindbee", "connector_synced"),
        ):
            body, headers = signed(provider, vendor_type)
            response = await client.post("/ingest/acme", content=body, headers=headers)
            assert response.status_code == 202, (provider, response.text)
            got = await event(client, response.json()["event_id"])
            assert got["source"]["provider"] == provider

    async def test_lever_body_with_a_bad_signature_is_401(self, client: Any) -> None:
        await self.connect_all(client)
        body, headers = lever_request("contactUpdated", "not-a-token-of-this-tenant")
        response = await client.post("/ingest/acme", content=body, headers=headers)
        assert response.status_code == 401

    async def test_a_lever_body_for_a_tenant_without_lever_is_400(self, client: Any) -> None:
        await connect(client, "breezy")
        body, headers = lever_request("contactUpdated", user_agent=False)
        response = await client.post("/ingest/acme", content=body, headers=headers)
        assert response.status_code == 400

    async def test_an_unrecognisable_body_is_400(self, client: Any) -> None:
        await self.connect_all(client)
        response = await client.post(
            "/ingest/acme",
            content=b'{"event":"x","data":{}}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 400


@pytest.mark.parametrize(
    "triggered_at", [int("9" * 400), "9" * 400, "nan", "inf"], ids=["int", "str", "nan", "inf"]
)
async def test_a_signed_triggered_at_no_clock_can_reach_is_401(
    client: Any, services: Runtime, triggered_at: int | str
) -> None:
    import hashlib
    import hmac

    await connect_lever(client)
    body, headers = lever_request("applicationCreated")
    token = json.loads(body)["token"]
    signature = hmac.new(
        TOKEN_A.encode(), f"{token}{triggered_at}".encode(), hashlib.sha256
    ).hexdigest()
    forged = edited(body, triggeredAt=triggered_at, signature=signature)
    response = await client.post("/ingest/lever/acme", content=forged, headers=headers)
    assert response.status_code == 401, response.text
    assert await count(services, Event) == 0
