"""HiBob: its signature vector, the ping Bob sends on save (signed or not), and what the gateway
answers Bob on both ingest URLs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.hibob import SAMPLES
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, count
from tests.providers.ingest_helpers import (
    TENANT_URL,
    accepted_then_duplicate,
    running_gateway,
    told_apart,
)
from tests.providers.signature_vectors import HIBOB as VECTOR

adapter = default_registry().get("hibob")
SECRET = "bob-webhook-secret-7Hc2Qp9Lw4"
URL = "/ingest/hibob/acme"


def bob_headers(body: bytes, key: str = SECRET) -> dict[str, str]:
    """What Bob sends, computed here rather than by the adapter under test: base64 of the
    HMAC-SHA512 of the raw body (Bob's "How does Bob calculate the signature")."""
    digest = hmac.new(key.encode(), body, hashlib.sha512).digest()
    return {"content-type": "application/json", "bob-signature": base64.b64encode(digest).decode()}


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


# ---- the signature ----------------------------------------------------------------------------


def test_the_vector_verifies_and_its_variants_do_not() -> None:
    """A vector computed as Bob's docs describe (base64 HMAC-SHA512 of the raw body)."""
    assert len(VECTOR.body) == 170
    assert bob_headers(VECTOR.body, VECTOR.secret)["bob-signature"] == VECTOR.signature
    headers = {"bob-signature": VECTOR.signature}
    assert adapter.verify(VECTOR.body, headers, [VECTOR.secret])
    # The same HMAC written as hex, an HMAC-SHA256, a body with a trailing newline: all refused.
    as_hex = hmac.new(VECTOR.secret.encode(), VECTOR.body, hashlib.sha512).hexdigest()
    assert not adapter.verify(VECTOR.body, {"bob-signature": as_hex}, [VECTOR.secret])
    sha256 = base64.b64encode(
        hmac.new(VECTOR.secret.encode(), VECTOR.body, hashlib.sha256).digest()
    ).decode()
    assert not adapter.verify(VECTOR.body, {"bob-signature": sha256}, [VECTOR.secret])
    assert not adapter.verify(VECTOR.body + b"\n", headers, [VECTOR.secret])


def test_the_vector_normalises_to_a_start() -> None:
    parts = adapter.normalize(VECTOR.body, received_at=datetime(2025, 2, 1, tzinfo=UTC))
    assert parts.type == "hris.employee.started"
    assert parts.timestamp == "2025-01-08T13:06:26.915906Z"  # Bob's zone-less time, read as UTC
    assert parts.completeness == "reference"
    assert parts.data.employee.id == "3332883854254932743"  # type: ignore[union-attr]
    assert parts.data.actor is None  # type: ignore[union-attr]  # "system" is no person


def test_the_header_name_is_matched_whatever_its_case() -> None:
    headers = {k.lower(): v for k, v in {"Bob-Signature": VECTOR.signature}.items()}
    assert adapter.detect(headers)


# ---- the ping -------------------------------------------------------------------------------


def test_ping_bodies_are_recognised_and_nothing_else() -> None:
    for body in (
        b"Ping test",
        b'"Ping test"',
        b'{"text":"Ping test"}',
        b' {"text": "Ping test"}\n',
    ):
        assert adapter.detect_body(body, {}), body
        assert adapter.handshake(body, {}) is not None, body
    for body in (b"Ping", b'{"text":"Ping test","x":1}', b'{"type":"employee.created"}', b""):
        assert not adapter.detect_body(body, {}), body
        assert adapter.handshake(body, {}) is None, body
    # A signed ping is an event, verified like any other: no handshake.
    assert adapter.handshake(b"Ping test", bob_headers(b"Ping test")) is None
    assert not adapter.detect_body(b"Ping test", bob_headers(b"Ping test"))


# ---- through the gateway ----------------------------------------------------------------------


async def test_accepted_then_duplicate_on_a_retry(client: Any) -> None:
    await connect(client, "hibob", secret=SECRET)
    body = compact(SAMPLES["employee.left"])
    # Bob's guide counts only 200 as established: every body taken is answered 200.
    event = await accepted_then_duplicate(client, URL, body, bob_headers(body), 200)
    assert event["type"] == "hris.employee.terminated"
    assert event["subject"] == "employee/3332883854254932743"
    assert event["completeness"] == "reference"


async def test_unsigned_ping_on_save_is_answered_200_and_not_stored(
    client: Any, services: Runtime
) -> None:
    await connect(client, "hibob", secret=SECRET)
    for url in ("/ingest/hibob/acme", "/ingest/acme"):
        for body in (b"Ping test", b'{"text":"Ping test"}'):
            response = await client.post(url, content=body, headers={"content-type": "text/plain"})
            assert response.status_code == 200, (url, body, response.text)
    assert await count(services, Receipt) == 0
    assert await count(services, Event) == 0


async def test_signed_ping_is_a_connection_test_event(client: Any) -> None:
    await connect(client, "hibob", secret=SECRET)
    response = await client.post(
        "/ingest/hibob/acme", content=b"Ping test", headers=bob_headers(b"Ping test")
    )
    assert response.status_code == 200, response.text
    event = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert event["type"] == "connection.test"
    assert event["data"] == {"message": "Ping test"}
    assert event["raw"] == "Ping test"


async def test_a_forged_signature_is_401_even_on_a_ping(client: Any, services: Runtime) -> None:
    await connect(client, "hibob", secret=SECRET)
    body = compact(SAMPLES["employee.created"])
    forged = await client.post("/ingest/hibob/acme", content=body, headers=bob_headers(body, "x"))
    assert forged.status_code == 401
    ping = await client.post(
        "/ingest/hibob/acme", content=b"Ping test", headers=bob_headers(b"Ping test", "x")
    )
    assert ping.status_code == 401
    assert await count(services, Event) == 0


async def test_detection_among_every_vendor_of_a_tenant(client: Any) -> None:
    """``/ingest/{tenant}`` tells HiBob by ``Bob-Signature`` among all connected vendors."""
    body = compact(SAMPLES["timeoff.request.approved"])
    event = await told_apart(client, "hibob", SECRET, body, bob_headers(body), 200)
    assert event["type"] == "hris.time_off.approved"
    assert event["data"]["time_off"]["id"] == "32832853"


async def test_bob_saving_a_webhook_then_sending_an_event_over_real_http(
    settings: Settings,
) -> None:
    """A running gateway on loopback: Bob's unsigned ping on save is answered 200, then a
    signed event is stored and a retry of it is a duplicate."""
    with running_gateway(settings) as public:
        async with httpx.AsyncClient(base_url=public, timeout=15) as http:
            await connect(http, "hibob", secret=SECRET)
            ping = await http.post(TENANT_URL, content=b"Ping test")
            assert (ping.status_code, ping.content) == (200, b"")
            body = compact(SAMPLES["employee.joined"])
            event = await accepted_then_duplicate(http, TENANT_URL, body, bob_headers(body), 200)
            assert event["type"] == "hris.employee.started"


async def test_a_signed_body_that_is_not_an_event_is_kept_and_answered_200(
    client: Any, services: Runtime
) -> None:
    """Bob counts only 200: a verified body unihook cannot normalise is quarantined with 200, so
    Bob does not retry it for three days, and its bytes are kept for reprocessing."""
    await connect(client, "hibob", secret=SECRET)
    body = b'{"companyId":636192,"version":"v2","data":{"employeeId":"1"}}'
    response = await client.post("/ingest/hibob/acme", content=body, headers=bob_headers(body))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "quarantined"
    assert await count(services, Receipt) == 1
    assert await count(services, Event) == 0
