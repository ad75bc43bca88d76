"""Workable through the gateway: what Workable is answered, signing edge cases, replays, provider
detection among several vendors, and the simulator delivering to a running gateway."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers import VendorState
from providers.workable import SAMPLES
from providers.workable.provisioner import WorkableProvision, WorkableProvisioner
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, signed
from tests.providers.ingest_helpers import TENANT_URL, running_gateway, stored_event, told_apart
from tests.providers.provisioning_helpers import provision_context
from tests.providers.workable.workable_sim import WorkableSim

provisioner = WorkableProvisioner()

TOKEN = "wk-acme-api-token-5f1c0e9a8b7d6c4e3f2a1b0c"
OTHER_TOKEN = "wk-globex-api-token-0a1b2c3d4e5f6a7b8c9d"


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def workable_headers(body: bytes, key: str = TOKEN) -> dict[str, str]:
    """What Workable sends, computed here rather than by the adapter under test."""
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Workable-Signature": digest}


async def connect_workable(client: Any, tenant: str = "acme", secret: str = TOKEN) -> Any:
    body = {"provider": "workable", "tenant": tenant, "secret": secret}
    response = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()


async def count(services: Runtime, model: Any) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.mark.parametrize("vendor_type", sorted(SAMPLES))
async def test_every_type_is_accepted_with_200(client: Any, vendor_type: str) -> None:
    """Workable replays anything but 200, so an accepted delivery is answered 200."""
    await connect_workable(client)
    body = compact(SAMPLES[vendor_type])
    response = await client.post(
        "/ingest/workable/acme", content=body, headers=workable_headers(body)
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    event = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert event["source"]["provider"] == "workable"
    assert event["source"]["event_type"] == vendor_type
    assert event["raw"] == SAMPLES[vendor_type]


async def test_a_replay_is_a_duplicate_even_when_workable_re_read_the_resource(
    client: Any, services: Runtime
) -> None:
    """Workable re-reads the resource for each attempt: same type, id and fired_at, newer data."""
    await connect_workable(client)
    first_payload = SAMPLES["candidate_moved"]
    replay_payload = copy.deepcopy(first_payload)
    replay_payload["data"]["stage"] = "Interview"
    replay_payload["data"]["updated_at"] = "2025-03-05T14:31:40.000Z"
    first_body, replay_body = compact(first_payload), compact(replay_payload)
    first = await client.post(
        "/ingest/workable/acme", content=first_body, headers=workable_headers(first_body)
    )
    again = await client.post(
        "/ingest/workable/acme", content=first_body, headers=workable_headers(first_body)
    )
    replay = await client.post(
        "/ingest/workable/acme", content=replay_body, headers=workable_headers(replay_body)
    )
    event_id = first.json()["event_id"]
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": event_id}
    assert replay.status_code == 200
    assert replay.json() == {"status": "duplicate", "event_id": event_id}
    assert await count(services, Event) == 1
    assert await count(services, Receipt) == 3
    stored = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    assert stored["data"]["application"]["stage"] == {"name": "Phone Screen"}


async def test_another_firing_of_the_same_type_is_a_new_event(
    client: Any, services: Runtime
) -> None:
    await connect_workable(client)
    later = copy.deepcopy(SAMPLES["candidate_moved"])
    later["fired_at"] = "2025-03-09T08:00:00.000Z"
    later["data"]["stage"] = "Interview"
    for payload in (SAMPLES["candidate_moved"], later):
        body = compact(payload)
        response = await client.post(
            "/ingest/workable/acme", content=body, headers=workable_headers(body)
        )
        assert response.json()["status"] == "accepted"
    assert await count(services, Event) == 2


@pytest.mark.parametrize(
    "tamper",
    [
        "body_byte",
        "body_reformatted",
        "signature_digit",
        "signature_truncated",
        "wrong_key",
        "other_accounts_token",
        "empty_header",
        "missing_header",
    ],
)
async def test_tampered_or_unsigned_requests_are_401_and_store_nothing(
    client: Any, services: Runtime, tamper: str
) -> None:
    await connect_workable(client)
    body = compact(SAMPLES["candidate_created"])
    headers = workable_headers(body)
    signature = headers["X-Workable-Signature"]
    if tamper == "body_byte":
        body = body.replace(b"Office Manager", b"Office Managex", 1)
    elif tamper == "body_reformatted":
        body = json.dumps(SAMPLES["candidate_created"], indent=2).encode()
    elif tamper == "signature_digit":
        swap = "1" if signature[10] == "0" else "0"
        headers["X-Workable-Signature"] = signature[:10] + swap + signature[11:]
    elif tamper == "signature_truncated":
        headers["X-Workable-Signature"] = "SHA256=" + signature[:-1]
    elif tamper == "wrong_key":
        headers = workable_headers(body, TOKEN + "x")
    elif tamper == "other_accounts_token":
        headers = workable_headers(body, OTHER_TOKEN)
    elif tamper == "empty_header":
        headers["X-Workable-Signature"] = ""
    else:
        del headers["X-Workable-Signature"]
    response = await client.post("/ingest/workable/acme", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid signature"
    assert await count(services, Event) == 0
    assert await count(services, Receipt) == 1  # kept only unverified, to re-verify


async def test_uppercase_hex_verifies(client: Any) -> None:
    """The digest's letter case is not documented; hex is hex."""
    await connect_workable(client)
    body = compact(SAMPLES["employee_created"])
    headers = workable_headers(body)
    headers["X-Workable-Signature"] = headers["X-Workable-Signature"].upper()
    response = await client.post("/ingest/workable/acme", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


async def test_signed_body_that_is_not_workables_shape_is_quarantined(client: Any) -> None:
    await connect_workable(client)
    body = b'{"event_type": 42, "data": []}'
    response = await client.post(
        "/ingest/workable/acme", content=body, headers=workable_headers(body)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "quarantined"


async def test_rotated_token_verifies_alongside_the_old_one(client: Any) -> None:
    con = await connect_workable(client)
    new_token = "wk-acme-rotated-token-77aa88bb99cc"
    rotated = await client.post(
        f"/v1/connections/{con['id']}/secrets", json={"secret": new_token}, headers=ADMIN
    )
    assert rotated.status_code in (200, 201), rotated.text
    for key in (TOKEN, new_token):
        payload = copy.deepcopy(SAMPLES["employee_updated"])
        payload["fired_at"] = f"2024-01-09T10:22:4{len(key) % 10}.530Z"
        body = compact(payload)
        response = await client.post(
            "/ingest/workable/acme", content=body, headers=workable_headers(body, key)
        )
        assert response.status_code == 200, response.text


async def test_detection_among_every_vendor_of_a_tenant(client: Any) -> None:
    """``/ingest/{tenant}`` tells Workable by its header when the tenant has several vendors."""
    body = compact(SAMPLES["candidate_moved"])
    event = await told_apart(client, "workable", TOKEN, body, workable_headers(body), 200)
    assert event["type"] == "ats.application.stage_changed"

    breezy_body, breezy_headers = signed("breezy", "candidateAdded")
    response = await client.post(TENANT_URL, content=breezy_body, headers=breezy_headers)
    assert response.status_code == 202
    event = await stored_event(client, response)
    assert event["source"]["provider"] == "breezy"

    # Workable's body signed with the wrong token is refused, not handed to another vendor.
    forged = await client.post("/ingest/acme", content=body, headers=workable_headers(body, "x"))
    assert forged.status_code == 401
    # Without the header nothing tells the vendor.
    bare = await client.post(
        "/ingest/acme", content=body, headers={"content-type": "application/json"}
    )
    assert bare.status_code == 400


async def test_detection_needs_a_workable_connection(client: Any) -> None:
    await connect(client, "breezy")
    body = compact(SAMPLES["candidate_moved"])
    response = await client.post("/ingest/acme", content=body, headers=workable_headers(body))
    assert response.status_code == 400


async def test_workable_delivers_to_the_running_gateway(
    settings: Settings, workable_sim: WorkableSim
) -> None:
    """Subscriptions made at the simulator by the provisioner; the simulator then delivers over
    real HTTP, signed with the token, and replays while the answer is not 200."""
    workable_sim.add_token("groove-tech", TOKEN)
    with running_gateway(settings) as public:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            created = await api.post(
                "/v1/connections", json={"provider": "workable", "tenant": "acme", "secret": TOKEN}
            )
            assert created.status_code == 201, created.text
            ctx = provision_context(
                api, workable_sim.api_url_template, created.json()["ingest_url"]
            )
            result = await provisioner.provision(
                ctx, WorkableProvision(subdomain="groove-tech", api_token=TOKEN)
            )
            assert list(result.secrets) == [TOKEN]

            [delivery] = await workable_sim.deliver("groove-tech", "candidate_created", attempts=3)
            assert delivery.ok
            assert len(delivery.attempts) == 1
            answer = json.loads(delivery.attempts[0].response_body)
            assert answer["status"] == "accepted"
            event = (await api.get(f"/v1/events/{answer['event_id']}")).json()
            assert event["source"]["provider"] == "workable"
            assert event["source"]["event_id"] == (
                "candidate_created:ce4da98:2025-03-03T09:12:45.318Z"
            )

            # Workable sending the same firing again is recognised.
            [replayed] = await workable_sim.deliver("groove-tech", "candidate_created")
            assert replayed.ok
            assert json.loads(replayed.attempts[0].response_body) == {
                "status": "duplicate",
                "event_id": answer["event_id"],
            }

            events = (await api.get("/v1/events", params={"provider": "workable"})).json()["data"]
            assert len(events) == 1

            await provisioner.deprovision(ctx, VendorState(result.state, result.credentials))
            assert workable_sim.subscriptions() == []
