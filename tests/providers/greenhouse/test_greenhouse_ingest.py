"""Greenhouse through the ingest routes: every signed body is answered 200, never 202 or 4xx.

Greenhouse counts only a 200 as delivered (anything else is retried, and a failed ping creates
the web hook disabled), so accepted, quarantined and duplicate bodies all get 200.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from sqlalchemy import select

from gateway.core.clock import utcnow
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, sign, signed
from tests.gateway.test_ingest import count

ACTIONS = sorted(default_registry().get("greenhouse").event_types)


def delivery(event_id: str) -> dict[str, str]:
    return {"Greenhouse-Event-ID": event_id}


@pytest.mark.parametrize("action", ACTIONS)
async def test_every_action_is_accepted_with_200(client: Any, action: str) -> None:
    await connect(client, "greenhouse")
    body, headers = signed("greenhouse", action)
    response = await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == default_registry().get("greenhouse").event_types[action]
    assert got["source"]["event_type"] == action
    assert got["source"]["event_id"].startswith("sha256:")
    assert got["raw"] == json.loads(body)


async def test_ping_is_a_connection_test_answered_200(client: Any) -> None:
    await connect(client, "greenhouse")
    body, headers = signed("greenhouse", "ping")
    response = await client.post("/ingest/acme", content=body, headers=headers)
    assert response.status_code == 200, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "connection.test"
    assert "unihook: all events" in got["data"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"action":"hiring_team_updated","payload":{"job":{"id":1}}}',
        b'{"action":"some_action_greenhouse_adds_later"}',
    ],
)
async def test_a_signed_unknown_action_is_kept_as_unmapped_with_200(
    client: Any, body: bytes
) -> None:
    await connect(client, "greenhouse")
    response = await client.post(
        "/ingest/greenhouse/acme", content=body, headers=sign("greenhouse", body)
    )
    assert response.status_code == 200, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "unmapped"
    assert got["completeness"] == "raw"


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"",
        b'{"payload":{}}',
        b'{"action":"candidate_stage_change","payload":[]}',
        b'{"action":"offer_deleted","payload":{"offer":"x"}}',
        b'{"action":42}',
    ],
)
async def test_a_signed_unusable_body_is_quarantined_with_200(
    client: Any, services: Runtime, body: bytes
) -> None:
    await connect(client, "greenhouse")
    response = await client.post(
        "/ingest/greenhouse/acme", content=body, headers=sign("greenhouse", body)
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "quarantined"
    async with services.sessions() as session:
        receipt = (await session.execute(select(Receipt))).scalar_one()
    assert receipt.body == body
    assert receipt.outcome == "quarantined"
    assert await count(services, Event) == 0


async def test_a_retry_is_a_duplicate_though_its_delivery_id_differs(
    client: Any, services: Runtime
) -> None:
    await connect(client, "greenhouse")
    body, headers = signed("greenhouse", "candidate_stage_change")
    first = await client.post(
        "/ingest/greenhouse/acme", content=body, headers={**headers, **delivery("d-1")}
    )
    again = await client.post("/ingest/acme", content=body, headers={**headers, **delivery("d-2")})
    assert first.status_code == 200
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert await count(services, Event) == 1
    async with services.sessions() as session:
        receipts = (await session.execute(select(Receipt).order_by(Receipt.received_at))).all()
    kept = [row[0].headers.get("greenhouse-event-id") for row in receipts]
    assert sorted(kept) == ["d-1", "d-2"]  # each delivery's id is kept with its receipt


async def test_the_same_delivery_id_on_another_body_is_another_event(
    client: Any, services: Runtime
) -> None:
    await connect(client, "greenhouse")
    for action in ("job_created", "job_updated"):
        body, headers = signed("greenhouse", action)
        response = await client.post(
            "/ingest/greenhouse/acme", content=body, headers={**headers, **delivery("same")}
        )
        assert response.json()["status"] == "accepted"
    assert await count(services, Event) == 2


async def test_escaped_bytes_verify_and_a_reserialised_copy_is_401(
    client: Any, services: Runtime
) -> None:
    await connect(client, "greenhouse")
    body, headers = signed("greenhouse", "job_post_updated")
    assert b"\\u003c" in body
    reserialised = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    refused = await client.post(
        "/ingest/greenhouse/acme", content=reserialised.encode(), headers=headers
    )
    assert refused.status_code == 401
    assert refused.json() == {"status_code": 401, "detail": "invalid signature"}
    accepted = await client.post("/ingest/greenhouse/acme", content=body, headers=headers)
    assert accepted.status_code == 200
    # the re-serialised copy is kept only as an unverified receipt, never as an event
    assert await count(services, Receipt) == 2
    assert await count(services, Event) == 1


@pytest.mark.parametrize(
    "signature",
    ["sha256=deadbeef", "", "sha256 " + "0" * 64, "sha1 " + "0" * 40],
)
async def test_bad_signatures_are_401_and_store_nothing(
    client: Any, services: Runtime, signature: str
) -> None:
    await connect(client, "greenhouse")
    body, _ = signed("greenhouse", "ping")
    response = await client.post(
        "/ingest/greenhouse/acme",
        content=body,
        headers={"content-type": "application/json", "signature": signature},
    )
    assert response.status_code == 401
    assert await count(services, Receipt) == 1  # kept only unverified, to re-verify


async def test_other_vendors_still_get_202(client: Any) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    response = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    assert response.status_code == 202
    quarantined = b"not json"
    response = await client.post(
        "/ingest/breezy/acme", content=quarantined, headers=sign("breezy", quarantined)
    )
    assert (response.status_code, response.json()["status"]) == (202, "quarantined")


class TestDetectionAmongSeveralVendors:
    """One tenant, every vendor connected: each request lands on its own vendor's connection."""

    VENDORS = [
        ("breezy", "candidateAdded", 202),
        ("hatchbeacon", "job_created", 202),
        ("bindbee", "connector_synced", 202),
        ("greenhouse", "job_created", 200),
        ("greenhouse", "ping", 200),
    ]

    async def test_each_request_lands_on_its_vendor(self, client: Any) -> None:
        connections = {}
        for provider in ("breezy", "hatchbeacon", "bindbee", "greenhouse"):
            connections[provider] = (await connect(client, provider))["id"]
        for provider, vendor_type, status in self.VENDORS:
            body, headers = signed(provider, vendor_type)
            response = await client.post("/ingest/acme", content=body, headers=headers)
            assert response.status_code == status, (provider, response.text)
            got = (
                await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)
            ).json()
            assert got["source"]["provider"] == provider
            assert got["source"]["connection_id"] == connections[provider]

    # Detection reads headers and bodies, not the database: one driver serves (the other would
    # only store 450 more events; each driver's storage has tests of its own).
    @pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
    async def test_every_sample_of_every_vendor_lands_on_its_own_connection(
        self, client: Any
    ) -> None:
        registry = default_registry()
        connections = {}
        # base64 text: a secret every vendor accepts (Finch's is base64, the others any text)
        secret = {n: base64.b64encode(f"{n} secret".encode()).decode() for n in registry.names()}
        for name in registry.names():
            made = await client.post(
                "/v1/connections",
                json={"provider": name, "tenant": "acme", "secret": secret[name]},
                headers=ADMIN,
            )
            assert made.status_code == 201, made.text
            connections[name] = made.json()["id"]
        checked: dict[str, int] = {}
        for name in registry.names():
            adapter = registry.get(name)
            for vendor_type, sample in adapter.sample_events().items():
                body, headers = adapter.sign_request(sample, secret[name], now=utcnow())
                response = await client.post("/ingest/acme", content=body, headers=headers)
                if not response.is_success:  # refused for a reason of the vendor's own
                    direct = await client.post(
                        f"/ingest/{name}/acme", content=body, headers=headers
                    )
                    assert direct.status_code == response.status_code, (name, vendor_type)
                    continue
                event_id = response.json().get("event_id")
                if event_id is None:  # quarantined: the receipt is the vendor's
                    continue
                got = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
                assert got["source"]["connection_id"] == connections[name], (name, vendor_type)
                checked[name] = checked.get(name, 0) + 1
        assert set(checked) == set(registry.names()), checked  # every vendor was told apart
        assert checked["greenhouse"] == len(registry.get("greenhouse").event_types)

    async def test_a_greenhouse_body_with_another_tenant_s_secret_is_401(self, client: Any) -> None:
        await connect(client, "breezy")
        await connect(client, "greenhouse")
        body, headers = signed("greenhouse", "job_created", "not the secret")
        assert (await client.post("/ingest/acme", content=body, headers=headers)).status_code == 401

    async def test_greenhouse_is_not_detected_without_its_connection(self, client: Any) -> None:
        await connect(client, "breezy")
        body, headers = signed("greenhouse", "job_created")
        response = await client.post("/ingest/acme", content=body, headers=headers)
        assert response.status_code == 400
        assert "provider" in response.json()["detail"]

    async def test_a_signature_header_without_the_sha256_prefix_is_not_greenhouse(
        self, client: Any
    ) -> None:
        await connect(client, "greenhouse")
        body, headers = signed("greenhouse", "job_created")
        digest = headers["signature"].removeprefix("sha256 ")
        response = await client.post(
            "/ingest/acme",
            content=body,
            headers={"content-type": "application/json", "signature": f"sha256={digest}"},
        )
        assert response.status_code == 400
