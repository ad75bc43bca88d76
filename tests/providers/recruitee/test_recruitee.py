"""Recruitee: its signature recipe, ``200`` as the only delivered status, its test request
(signed: ``connection.test``; unsigned: answered ``200`` so the webhook can be created), and
detection among every vendor on ``/ingest/{tenant}``."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.registry import default_registry
from tests.gateway.helpers import connect, count
from tests.providers.ingest_helpers import stored_event, told_apart

HERE = Path(__file__).resolve().parent
ADAPTER = default_registry().get("recruitee")
SECRET = "rc-acme-webhook-secret"
AGENT = {"user-agent": "Recruitee-Webhooks", "content-type": "application/json"}

# Recruitee publishes no signature example. This vector is computed as its receivers document the
# scheme (hex HMAC-SHA256 of the raw body keyed by the webhook secret; see docs/vendors/recruitee.md)
# over a 297-byte candidate_moved body, and was computed independently of unihook's code.
VECTOR_KEY = "recruitee-test-secret"
VECTOR_BODY = (HERE / "vector.candidate_moved.bin").read_bytes()
VECTOR_SIGNATURE = "2f9cc006b079702251d2cc5109ded99d9b3fe082115dd541e9d5cd1ba92141c4"


def recruitee_headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {**AGENT, "x-recruitee-signature": digest}


def test_the_vector_verifies_and_only_over_the_raw_bytes() -> None:
    assert len(VECTOR_BODY) == 297
    headers = {"x-recruitee-signature": VECTOR_SIGNATURE}
    assert ADAPTER.detect(headers)
    assert ADAPTER.verify(VECTOR_BODY, headers, [VECTOR_KEY])
    pretty = json.dumps(json.loads(VECTOR_BODY), indent=2).encode()
    assert not ADAPTER.verify(pretty, headers, [VECTOR_KEY])
    assert not ADAPTER.verify(VECTOR_BODY, headers, ["another-secret"])
    parts = ADAPTER.normalize(VECTOR_BODY, received_at=datetime.now(UTC))
    assert (parts.type, parts.event_id) == ("ats.application.stage_changed", "123456")


async def test_every_outcome_is_answered_200(client: Any, services: Runtime) -> None:
    await connect(client, "recruitee", secret=SECRET)
    body = ADAPTER.sample_events()["candidate_moved"]
    first = await client.post(
        "/ingest/recruitee/acme", content=body, headers=recruitee_headers(body)
    )
    assert (first.status_code, first.json()["status"]) == (200, "accepted")
    got = await stored_event(client, first)
    assert got["type"] == "ats.application.stage_changed"
    assert got["data"]["previous_stage"]["name"] == "Applied"
    assert got["data"]["application"]["stage"]["name"] == "Technical interview"
    # Recruitee's retry of the same event: same id, a higher attempt_count, new bytes.
    retry = json.loads(body)
    retry["attempt_count"] = 2
    retry_body = json.dumps(retry).encode()
    again = await client.post(
        "/ingest/recruitee/acme", content=retry_body, headers=recruitee_headers(retry_body)
    )
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    broken = b"not json"
    kept = await client.post(
        "/ingest/recruitee/acme", content=broken, headers=recruitee_headers(broken)
    )
    assert (kept.status_code, kept.json()["status"]) == (200, "quarantined")
    assert await count(services, Event) == 1


async def test_a_wrong_signature_is_401(client: Any) -> None:
    await connect(client, "recruitee", secret=SECRET)
    body = ADAPTER.sample_events()["candidate_created"]
    answer = await client.post(
        "/ingest/recruitee/acme", content=body, headers=recruitee_headers(body, "not-the-secret")
    )
    assert answer.status_code == 401


async def test_a_signed_test_request_is_a_connection_test(client: Any) -> None:
    await connect(client, "recruitee", secret=SECRET)
    body = b'{"test":true}'
    answer = await client.post(
        "/ingest/recruitee/acme", content=body, headers=recruitee_headers(body)
    )
    assert answer.status_code == 200
    got = await stored_event(client, answer)
    assert (got["type"], got["source"]["event_type"]) == ("connection.test", "test")


async def test_a_test_payload_button_is_not_a_real_event(client: Any) -> None:
    await connect(client, "recruitee", secret=SECRET)
    body = ADAPTER.sample_variants()["test:test_payload"]
    answer = await client.post(
        "/ingest/recruitee/acme", content=body, headers=recruitee_headers(body)
    )
    assert answer.status_code == 200
    got = await stored_event(client, answer)
    assert got["type"] == "connection.test"


async def test_an_unsigned_test_request_is_answered_200_and_kept_nowhere(
    client: Any, services: Runtime
) -> None:
    """Recruitee's "Verify and create" needs a 200 before the operator may have pasted the
    secret; an unsigned test body proves nothing and is stored nowhere."""
    await connect(client, "recruitee", secret=SECRET)
    for path in ("/ingest/recruitee/acme", "/ingest/acme"):
        answer = await client.post(path, content=b'{"test":true}', headers=AGENT)
        assert answer.status_code == 200, (path, answer.text)
    assert await count(services, Receipt) == 0
    # Anything else unsigned is refused as usual.
    body = ADAPTER.sample_events()["candidate_created"]
    assert (
        await client.post("/ingest/recruitee/acme", content=body, headers=AGENT)
    ).status_code == 401


async def test_told_apart_from_every_other_vendor_on_the_tenant_url(client: Any) -> None:
    body = ADAPTER.sample_events()["candidate_assigned"]
    got = await told_apart(client, "recruitee", SECRET, body, recruitee_headers(body), 200)
    assert got["type"] == "ats.application.created"
