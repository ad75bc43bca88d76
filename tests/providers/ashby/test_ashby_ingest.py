"""Ashby through the gateway: its signature's edge cases, duplicates with and without
``webhookActionId``, and detection on the single ingest URL beside other vendors."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.ashby import SAMPLES
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, count
from tests.gateway.helpers import signed as signed_other

TOKEN = "9f3c1a7e5b2d4f6081a3c5e7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d"


def body_of(action: str, **changes: Any) -> bytes:
    payload = {**SAMPLES[action], **changes}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def ashby_headers(body: bytes, secret: str = TOKEN, prefix: str = "sha256=") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "Ashby-Signature": prefix + digest}


async def test_signed_event_is_accepted_with_webhook_action_id(
    client: Any, services: Runtime
) -> None:
    con = await connect(client, "ashby", secret=TOKEN)
    body = body_of("candidateStageChange")
    response = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    assert response.status_code == 202, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "ats.application.stage_changed"
    assert got["source"]["connection_id"] == con["id"]
    action_id = SAMPLES["candidateStageChange"]["webhookActionId"]
    assert got["source"]["event_id"] == f"{action_id}:candidateStageChange"
    assert got["data"]["application"]["stage"]["name"] == "Portfolio Review"
    assert got["raw"] == json.loads(body)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"content-type": "application/json"}, id="missing"),
        pytest.param({"Ashby-Signature": ""}, id="empty"),
        pytest.param({"Ashby-Signature": "sha256="}, id="prefix-only"),
    ],
)
async def test_missing_signature_is_401_and_nothing_is_stored(
    client: Any, services: Runtime, headers: dict[str, str]
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = body_of("applicationSubmit")
    response = await client.post("/ingest/ashby/acme", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid signature"
    assert await count(services, Event) == 0
    assert await count(services, Receipt) == 1  # kept only unverified, to re-verify


@pytest.mark.parametrize(
    "prefix", ["", "sha1=", "SHA-256=", "sha256 ", "sha512=", "v1,", "sha256=sha256="]
)
async def test_a_right_digest_under_a_wrong_prefix_is_401(
    client: Any, services: Runtime, prefix: str
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = body_of("applicationSubmit")
    response = await client.post(
        "/ingest/ashby/acme", content=body, headers=ashby_headers(body, prefix=prefix)
    )
    assert response.status_code == 401
    assert await count(services, Event) == 0


async def test_tampered_body_wrong_secret_and_reformatted_body_are_401(
    client: Any, services: Runtime
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = body_of("offerUpdate")
    headers = ashby_headers(body)
    tampered = body.replace(b"WaitingOnCandidateResponse", b"CandidateAccepted")
    assert tampered != body
    assert (
        await client.post("/ingest/ashby/acme", content=tampered, headers=headers)
    ).status_code == 401
    wrong = ashby_headers(body, secret=TOKEN[:-1] + "0")
    assert (await client.post("/ingest/ashby/acme", content=body, headers=wrong)).status_code == 401
    # Ashby signs the raw bytes: the same JSON re-serialised is not what was signed.
    pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False).encode()
    assert (
        await client.post("/ingest/ashby/acme", content=pretty, headers=headers)
    ).status_code == 401
    assert await count(services, Event) == 0


async def test_uppercase_hex_and_rotated_secret_verify(client: Any) -> None:
    con = await connect(client, "ashby", secret=TOKEN)
    body = body_of("jobUpdate")
    upper = ashby_headers(body)
    upper["Ashby-Signature"] = "sha256=" + upper["Ashby-Signature"][7:].upper()
    assert (await client.post("/ingest/ashby/acme", content=body, headers=upper)).status_code == 202
    rotated = await client.post(
        f"/v1/connections/{con['id']}/secrets", json={"secret": "new-token"}, headers=ADMIN
    )
    assert rotated.status_code in (200, 201), rotated.text
    other = body_of("jobCreate")
    for secret in (TOKEN, "new-token"):  # both verify until the old one expires
        response = await client.post(
            "/ingest/ashby/acme",
            content=other,
            headers=ashby_headers(other, secret=secret),
        )
        assert response.status_code in (200, 202), response.text


async def test_retry_with_the_same_webhook_action_id_is_a_duplicate(
    client: Any, services: Runtime
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = body_of("candidateHire")
    first = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    # The same event may reach unihook through a second webhook of the same type; the id is
    # Ashby's, so even a body that differs in its bytes is the same event.
    pretty = json.dumps(json.loads(body), indent=1).encode()
    again = await client.post("/ingest/ashby/acme", content=pretty, headers=ashby_headers(pretty))
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert await count(services, Event) == 1
    assert await count(services, Receipt) == 2


async def test_without_webhook_action_id_identical_bytes_are_a_duplicate(
    client: Any, services: Runtime
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    payload = {k: v for k, v in SAMPLES["applicationUpdate"].items() if k != "webhookActionId"}
    body = json.dumps(payload, separators=(",", ":")).encode()
    first = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    again = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    assert first.status_code == 202
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    got = (await client.get(f"/v1/events/{first.json()['event_id']}", headers=ADMIN)).json()
    assert got["source"]["event_id"] == "sha256:" + hashlib.sha256(body).hexdigest()
    # A different body without an id is another event.
    other = json.dumps({**payload, "data": {"application": {"id": "x"}}}).encode()
    third = await client.post("/ingest/ashby/acme", content=other, headers=ashby_headers(other))
    assert third.status_code == 202
    assert await count(services, Event) == 2


async def test_distinct_ids_are_distinct_events(client: Any, services: Runtime) -> None:
    await connect(client, "ashby", secret=TOKEN)
    for action_id in (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
    ):
        body = body_of("applicationSubmit", webhookActionId=action_id)
        response = await client.post(
            "/ingest/ashby/acme", content=body, headers=ashby_headers(body)
        )
        assert response.status_code == 202
    assert await count(services, Event) == 2


async def test_ping_is_a_connection_test(client: Any) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = body_of("ping")
    response = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    assert response.status_code == 202
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "connection.test"


async def test_no_connection_is_404(client: Any) -> None:
    """Ashby does not retry a 404: create the connection before the webhooks."""
    body = body_of("applicationSubmit")
    response = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    assert response.status_code == 404


async def test_unreadable_signed_body_is_quarantined_not_refused(
    client: Any, services: Runtime
) -> None:
    await connect(client, "ashby", secret=TOKEN)
    body = b'{"webhookActionId":"x","action":"applicationSubmit","data":"not an object"}'
    response = await client.post("/ingest/ashby/acme", content=body, headers=ashby_headers(body))
    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"
    assert await count(services, Receipt) == 1


class TestSingleIngestUrl:
    async def test_ashby_is_told_apart_from_the_tenant_s_other_vendors(self, client: Any) -> None:
        await connect(client, "ashby", secret=TOKEN)
        for provider in ("breezy", "hatchbeacon", "bindbee"):
            await connect(client, provider)
        body = body_of("interviewScheduleCreate")
        response = await client.post("/ingest/acme", content=body, headers=ashby_headers(body))
        assert response.status_code == 202, response.text
        got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
        assert got["source"]["provider"] == "ashby"
        assert got["type"] == "ats.interview.scheduled"
        # The others still reach their own connections on the same URL.
        for provider, vendor_type in (
            ("breezy", "candidateAdded"),
            ("bindbee", "connector_synced"),
        ):
            other, headers = signed_other(provider, vendor_type)
            answer = await client.post("/ingest/acme", content=other, headers=headers)
            assert answer.status_code == 202, (provider, answer.text)
            event = (
                await client.get(f"/v1/events/{answer.json()['event_id']}", headers=ADMIN)
            ).json()
            assert event["source"]["provider"] == provider

    async def test_bad_ashby_signature_on_the_single_url_is_401(self, client: Any) -> None:
        await connect(client, "ashby", secret=TOKEN)
        await connect(client, "breezy")
        body = body_of("applicationSubmit")
        headers = ashby_headers(body, secret="not-the-token")
        assert (await client.post("/ingest/acme", content=body, headers=headers)).status_code == 401

    async def test_ashby_header_without_an_ashby_connection_is_400(self, client: Any) -> None:
        await connect(client, "breezy")
        body = body_of("applicationSubmit")
        response = await client.post("/ingest/acme", content=body, headers=ashby_headers(body))
        assert response.status_code == 400
