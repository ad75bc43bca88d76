"""Deel: its signature recipe (``POST`` then the raw body), ``200`` as the delivered status, the
``resource`` array, simulated deliveries flagged and kept, and detection among every vendor on
``/ingest/{tenant}``."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from gateway.runtime import Runtime
from gateway.storage.models import Event
from providers.registry import default_registry
from tests.gateway.helpers import connect, count
from tests.providers.ingest_helpers import accepted_then_duplicate, stored_event, told_apart
from tests.providers.signature_vectors import DEEL as VECTOR
from tests.providers.signature_vectors import DEEL_WITHOUT_POST

ADAPTER = default_registry().get("deel")
SECRET = "deel-acme-signing-key"
URL = "/ingest/deel/acme"


def deel_headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), b"POST" + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/json",
        "x-deel-hmac-label": "unihook",
        "x-deel-webhook-version": "1.0.0",
        "x-deel-signature": digest,
    }


def test_the_vector_verifies_and_only_with_the_post_prefix() -> None:
    assert len(VECTOR.body) == 287
    headers = {"x-deel-signature": VECTOR.signature}
    assert ADAPTER.detect(headers)
    assert ADAPTER.verify(VECTOR.body, headers, [VECTOR.secret])
    assert not ADAPTER.verify(VECTOR.body, {"x-deel-signature": DEEL_WITHOUT_POST}, [VECTOR.secret])
    assert not ADAPTER.verify(VECTOR.body + b"\n", headers, [VECTOR.secret])
    assert not ADAPTER.verify(VECTOR.body, headers, ["another-key"])
    parts = ADAPTER.normalize(VECTOR.body, received_at=datetime.now(UTC))
    assert parts.type == "hris.employment.created"
    assert parts.event_id == (
        "q8tVRj_Je00wJLY2GriqT10nUjBZ:contract.created:2025-02-05T15:39:38.070Z"
    )
    assert parts.data.employment.raw_status == "new"  # type: ignore[union-attr]
    assert parts.data.employment.status == "pending"  # type: ignore[union-attr]


def test_sign_request_signs_as_deel_does() -> None:
    body = ADAPTER.sample_events()["contract.created"]
    _, headers = ADAPTER.sign_request(body, SECRET, now=datetime.now(UTC))
    assert headers["x-deel-signature"] == deel_headers(body)["x-deel-signature"]


def test_every_documented_type_has_a_specific_type() -> None:
    for vendor_type, body in ADAPTER.sample_events().items():
        parts = ADAPTER.normalize(body, received_at=datetime.now(UTC))
        assert parts.type != "unmapped", vendor_type
        assert parts.type == ADAPTER.event_types[vendor_type], vendor_type


def test_a_resource_array_is_one_event_about_its_first_record() -> None:
    body = ADAPTER.sample_variants()["contract.status.updated:resource_array"]
    parts = ADAPTER.normalize(body, received_at=datetime.now(UTC))
    assert parts.data.employment.id == "3w4zdd9"  # type: ignore[union-attr]
    assert parts.completeness == "partial"
    single = ADAPTER.sample_variants()["contract.created:single_item_array"]
    as_array = ADAPTER.normalize(single, received_at=datetime.now(UTC))
    as_object = ADAPTER.normalize(
        ADAPTER.sample_events()["contract.created"], received_at=datetime.now(UTC)
    )
    assert as_array.data == as_object.data


def test_a_review_maps_by_its_outcome() -> None:
    approved = ADAPTER.sample_events()["time-off.reviewed"]
    rejected = ADAPTER.sample_variants()["time-off.reviewed:rejected"]
    now = datetime.now(UTC)
    assert ADAPTER.normalize(approved, received_at=now).type == "hris.time_off.approved"
    assert ADAPTER.normalize(rejected, received_at=now).type == "hris.time_off.declined"


async def test_every_outcome_is_answered_200(client: Any, services: Runtime) -> None:
    await connect(client, "deel", secret=SECRET)
    body = ADAPTER.sample_events()["contract.terminated"]
    got = await accepted_then_duplicate(client, URL, body, deel_headers(body), 200)
    assert got["type"] == "hris.employee.terminated"
    assert got["data"]["employee"]["termination_date"] == "2025-08-31"
    assert "simulated" not in got["source"]
    broken = b"not json"
    kept = await client.post(URL, content=broken, headers=deel_headers(broken))
    assert (kept.status_code, kept.json()["status"]) == (200, "quarantined")
    assert await count(services, Event) == 1


async def test_a_wrong_signature_is_401(client: Any) -> None:
    await connect(client, "deel", secret=SECRET)
    body = ADAPTER.sample_events()["contract.created"]
    answer = await client.post(URL, content=body, headers=deel_headers(body, "not-the-key"))
    assert answer.status_code == 401


async def test_a_simulated_delivery_is_kept_and_flagged(client: Any) -> None:
    await connect(client, "deel", secret=SECRET)
    body = ADAPTER.sample_variants()["contract.terminated:simulation"]
    answer = await client.post(URL, content=body, headers=deel_headers(body))
    assert (answer.status_code, answer.json()["status"]) == (200, "accepted")
    got = await stored_event(client, answer)
    assert got["source"]["simulated"] is True
    assert got["source"]["event_id"] == json.loads(body)["data"]["meta"]["event_id"]


async def test_told_apart_from_every_other_vendor_on_the_tenant_url(client: Any) -> None:
    body = ADAPTER.sample_events()["eor.payslips.available"]
    got = await told_apart(client, "deel", SECRET, body, deel_headers(body), 200)
    assert got["type"] == "hris.payslip.released"
    assert got["subject"] == "payslip/ps_6Yt4Qa"
