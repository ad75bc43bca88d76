"""Kombo through unihook: its signature as documented, its lifecycle and data-changed mapping,
and the gateway telling it apart on ``/ingest/{tenant}`` over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
import pytest

from gateway.core.settings import Settings
from providers.kombo import adapter
from tests.conftest import ADMIN
from tests.providers.ingest_helpers import TENANT_URL, running_gateway, told_apart
from tests.providers.signature_vectors import KOMBO as VECTOR
from tests.providers.signature_vectors import KOMBO_STANDARD_BASE64

RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)

HEADER = "x-kombo-signature"
SECRET = "kombo-account-webhook-secret-3Jd8"


def kombo_headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """What Kombo sends, computed here rather than by the adapter under test."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return {"Content-Type": "application/json", "X-Kombo-Signature": signature}


def test_the_vector_verifies_and_sign_writes_it_unpadded() -> None:
    assert len(VECTOR.body) == 248
    assert adapter.verify(VECTOR.body, {HEADER: VECTOR.signature}, [VECTOR.secret])
    signed = adapter.sign_request(VECTOR.body, VECTOR.secret, now=RECEIVED_AT)[1]
    assert {k.lower(): v for k, v in signed.items()}[HEADER] == VECTOR.signature


def test_standard_base64_of_the_same_digest_fails() -> None:
    assert not adapter.verify(VECTOR.body, {HEADER: KOMBO_STANDARD_BASE64}, [VECTOR.secret])


def test_an_lms_data_change_is_kept_as_unmapped() -> None:
    parts = adapter.normalize(VECTOR.body, received_at=RECEIVED_AT)
    assert parts.type == "unmapped"
    assert parts.event_id == "udcUMbfv9YkHqPY3uGiCpWsz"
    assert parts.data == json.loads(VECTOR.body)


@pytest.mark.parametrize(
    ("category", "models", "canonical"),
    [
        ("HRIS", ["hris_employees"], "hris.data.changed"),
        ("ATS", ["ats_applications", "ats_join_candidates_tags"], "ats.data.changed"),
        (None, ["ats_candidates"], "ats.data.changed"),
        (None, ["hris_absences", "hris_teams"], "hris.data.changed"),
        (None, ["hris_absences", "ats_jobs"], "unmapped"),
        ("ASSESSMENT", ["ats_jobs"], "unmapped"),
    ],
)
def test_data_changed_takes_its_family_from_the_category_then_the_models(
    category: str | None, models: list[str], canonical: str
) -> None:
    data: dict[str, Any] = {
        "integration_id": "personio:x",
        "integration_tool": "personio",
        "changed_models": [{"name": m} for m in models],
    }
    if category is not None:
        data["integration_category"] = category
    body = json.dumps({"id": "evt1", "type": "data-changed", "data": data}).encode()
    parts = adapter.normalize(body, received_at=RECEIVED_AT)
    assert parts.type == canonical
    if canonical != "unmapped":
        assert parts.completeness == "reference"
        assert msgspec.to_builtins(parts.data)["models"] == models


@pytest.mark.parametrize(
    ("state", "canonical"),
    [
        ("SUCCEEDED", "connection.sync.completed"),
        ("PARTIALLY_FAILED", "connection.sync.completed"),
        ("FAILED", "connection.sync.failed"),
        ("AUTHENTICATION_FAILED", "connection.sync.failed"),
        ("CANCELLED", "connection.sync.failed"),
        ("TIMED_OUT", "connection.sync.failed"),
    ],
)
def test_sync_finished_is_completed_or_failed_by_its_state(state: str, canonical: str) -> None:
    payload = json.loads(adapter.sample_events()["sync-finished"])
    payload["data"]["sync_state"] = state
    parts = adapter.normalize(json.dumps(payload).encode(), received_at=RECEIVED_AT)
    assert parts.type == canonical
    assert msgspec.to_builtins(parts.data)["sync"]["status"] == state


async def test_kombo_is_told_apart_on_the_tenant_url_and_deduplicated(settings: Settings) -> None:
    """One tenant with every vendor connected: Kombo's header names it; the same event ``id``
    delivered again (even reformatted) is a duplicate."""
    with running_gateway(settings) as public:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            body = adapter.sample_events()["integration-created"]
            event = await told_apart(api, "kombo", SECRET, body, kombo_headers(body), 202)
            assert event["type"] == "connection.created"
            assert event["subject"] == "connector/personio:CBNMt7dSNCzBdnRTx87dev4E"
            pretty = json.dumps(json.loads(body), indent=2).encode()
            again = await api.post(TENANT_URL, content=pretty, headers=kombo_headers(pretty))
            assert again.status_code == 200
            assert again.json()["event_id"] == event["id"]
            forged = await api.post(
                TENANT_URL, content=body, headers=kombo_headers(body, "not-the-secret")
            )
            assert forged.status_code == 401


async def test_the_api_says_which_secret_to_paste(client: Any) -> None:
    providers = (await client.get("/v1/providers", headers=ADMIN)).json()
    kombo = next(p for p in providers["data"] if p["name"] == "kombo")
    assert kombo["secret_hint"].startswith("the Kombo Webhook Secret")
