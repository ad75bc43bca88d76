"""Knit: its signature (API key, unpadded base64url, raw body or JSON.stringify), 200-only
answers, duplicates by eventId, and telling it apart on the single ingest URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from providers.registry import default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.gateway.helpers import connect, sign, signed
from tests.providers.ingest_helpers import accepted_then_duplicate, told_apart
from tests.providers.signature_vectors import KNIT as VECTOR

ADAPTER = default_registry().get("knit")
API_KEY = "knit_live_7c1e9a4f2b8d6e3a0f5c9b1d4e7a2c8f"
NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def knit_signature(key: str, content: bytes) -> str:
    digest = hmac.new(key.encode("utf-8"), content, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def test_the_knit_vector_verifies_and_maps() -> None:
    headers = {"x-knit-signature": VECTOR.signature}
    assert knit_signature(VECTOR.secret, VECTOR.body) == VECTOR.signature
    assert ADAPTER.verify(VECTOR.body, headers, [VECTOR.secret])
    assert not ADAPTER.verify(VECTOR.body, headers, ["another-api-key"])
    padded = {"x-knit-signature": VECTOR.signature + "="}
    assert ADAPTER.verify(VECTOR.body, padded, [VECTOR.secret])
    parts = ADAPTER.normalize(VECTOR.body, received_at=NOW)
    assert (parts.type, parts.event_id) == ("ats.application.updated", "e_123sadasdasda")
    assert parts.completeness == "full"


def test_a_body_reformatted_after_signing_verifies_over_json_stringify() -> None:
    """Knit's JavaScript sample signs JSON.stringify(req.body): a copy of the body whose layout
    changed (pretty-printed by a proxy, say) still verifies, and is the same event."""
    pretty = json.dumps(json.loads(VECTOR.body), indent=2).encode()
    assert ADAPTER.verify(pretty, {"x-knit-signature": VECTOR.signature}, [VECTOR.secret])
    assert ADAPTER.normalize(pretty, received_at=NOW).event_id == "e_123sadasdasda"


def test_unihook_signs_as_knit_does() -> None:
    for body in ADAPTER.sample_events().values():
        _, headers = ADAPTER.sign_request(body, API_KEY, now=NOW)
        assert headers["x-knit-signature"] == knit_signature(API_KEY, body)


def test_records_of_another_kind_are_unmapped_not_dropped() -> None:
    body = json.loads(ADAPTER.sample_events()["record.new"])
    body["syncDataType"] = "crm_deals"
    parts = ADAPTER.normalize(json.dumps(body).encode(), received_at=NOW)
    assert (parts.type, parts.event_type, parts.completeness) == ("unmapped", "record.new", "raw")


def test_a_body_without_event_id_is_keyed_by_its_compact_form() -> None:
    body = json.loads(ADAPTER.sample_events()["sync.events.processed"])
    del body["eventId"]
    compact = json.dumps(body, separators=(",", ":")).encode()
    pretty = json.dumps(body, indent=2).encode()
    first = ADAPTER.normalize(compact, received_at=NOW)
    assert first.event_id.startswith("sha256:")
    assert ADAPTER.normalize(pretty, received_at=NOW).event_id == first.event_id


# ---- over real HTTP ingest ------------------------------------------------------------------


async def test_knit_gets_200_for_accepted_and_duplicate_events(client: Any) -> None:
    """Knit counts an event as consumed only on 200 and retries anything else for four days."""
    await connect(client, "knit", secret=API_KEY)
    body, headers = signed("knit", "record.new", API_KEY)
    got = await accepted_then_duplicate(client, "/ingest/knit/acme", body, headers, 200)
    assert got["type"] == "hris.employee.created"
    assert got["source"]["event_id"] == json.loads(body)["eventId"]
    assert got["data"]["employee"]["employment_status"] == "active"


async def test_a_request_signed_with_another_key_is_401(client: Any) -> None:
    await connect(client, "knit", secret=API_KEY)
    body = ADAPTER.sample_events()["sync.events.processed"]
    headers = sign("knit", body, "not-the-api-key")
    response = await client.post("/ingest/knit/acme", content=body, headers=headers)
    assert response.status_code == 401


async def test_knit_is_told_apart_on_the_single_ingest_url(client: Any) -> None:
    raw = ADAPTER.sample_variants()["record.modified:ats_applications"]
    got = await told_apart(client, "knit", API_KEY, raw, sign("knit", raw, API_KEY), 200)
    assert got["type"] == "ats.application.updated"
    assert got["subject"] == "application/app_5821"


# ---- which value to paste -------------------------------------------------------------------


async def test_the_api_and_the_connection_form_say_to_paste_the_api_key(client: Any) -> None:
    from tests.console.test_http import sign_in

    listed = (await client.get("/v1/providers", headers=ADMIN)).json()
    hints = {p["name"]: p.get("secret_hint") for p in listed["data"]}
    assert "Knit API key" in hints["knit"]
    assert "base64" in hints["finch"]
    assert hints["breezy"] is None  # the vendor's signing secret, nothing to explain

    await sign_in(client, ADMIN_TOKEN)
    form = (await client.get("/console/connections/new")).text
    assert "knit: your Knit API key" in form
    assert "finch: the webhook secret" in form
