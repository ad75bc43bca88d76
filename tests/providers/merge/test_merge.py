"""Merge through unihook: its signature as documented, the lifecycle and record mapping, and the
gateway telling it apart on ``/ingest/{tenant}`` over real HTTP."""

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

from gateway.cli.main import main
from gateway.core.settings import Settings
from providers.merge import adapter
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.test_http import sign_in
from tests.providers.ingest_helpers import (
    TENANT_URL,
    accepted_then_duplicate,
    connect_every_vendor,
    running_gateway,
)
from tests.providers.signature_vectors import MERGE as VECTOR
from tests.providers.signature_vectors import MERGE_STANDARD_BASE64

RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)

HEADER = "x-merge-webhook-signature"
KEY = "mrg-org-signature-key-7Hq2Zp"


def merge_headers(body: bytes, key: str = KEY) -> dict[str, str]:
    """What Merge sends, computed here rather than by the adapter under test."""
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
    return {
        "Content-Type": "application/json",
        "X-Merge-Webhook-Signature": base64.urlsafe_b64encode(digest).decode("ascii"),
    }


def test_the_vector_verifies_padded_and_unpadded() -> None:
    assert len(VECTOR.body) == 462
    assert adapter.verify(VECTOR.body, {HEADER: VECTOR.signature}, [VECTOR.secret])
    assert adapter.verify(VECTOR.body, {HEADER: VECTOR.signature.rstrip("=")}, [VECTOR.secret])
    signed = adapter.sign_request(VECTOR.body, VECTOR.secret, now=RECEIVED_AT)[1]
    assert {k.lower(): v for k, v in signed.items()}[HEADER] == VECTOR.signature


def test_standard_base64_of_the_same_digest_fails() -> None:
    assert not adapter.verify(VECTOR.body, {HEADER: MERGE_STANDARD_BASE64}, [VECTOR.secret])
    assert not adapter.verify(VECTOR.body, {HEADER: VECTOR.signature}, ["another-key"])


def test_the_vector_body_is_the_linked_accounts_sync() -> None:
    parts = adapter.normalize(VECTOR.body, received_at=RECEIVED_AT)
    assert parts.type == "connection.sync.completed"
    assert parts.timestamp == "2025-11-27T00:16:19Z"
    assert parts.event_id == "sha256:" + hashlib.sha256(VECTOR.body).hexdigest()
    data = msgspec.to_builtins(parts.data)
    assert data["connector"]["id"] == "7841ee0a-5a1a-44db-bc7e-2912d8c17515"
    assert data["connector"]["end_user"] == {"id": "org_123"}
    assert data["sync"] == {"status": "DONE", "initial": True}


def test_the_account_token_of_a_new_link_is_not_in_the_event() -> None:
    body = adapter.sample_events()["LinkedAccount.linked"]
    token = json.loads(body)["data"]["account_token"]
    parts = adapter.normalize(body, received_at=RECEIVED_AT)
    assert parts.type == "connection.created"
    assert token.encode() not in msgspec.json.encode(parts.data)


def test_a_partly_failed_account_sync_does_not_read_as_done() -> None:
    payload = json.loads(adapter.sample_events()["LinkedAccount.sync_completed"])
    payload["data"]["sync_status"]["hris.TimeOff"]["last_sync_result"] = "FAILED"
    parts = adapter.normalize(json.dumps(payload).encode(), received_at=RECEIVED_AT)
    assert msgspec.to_builtins(parts.data)["sync"]["status"] == "FAILED"


def test_a_model_with_no_catalogue_type_is_kept_as_unmapped() -> None:
    payload = json.loads(adapter.sample_events()["Employee.changed"])
    payload["hook"]["event"] = "Dependent.added"
    payload["data"] = {"id": "dep_1", "first_name": "Åsa", "modified_at": "2025-01-03T00:00:00Z"}
    parts = adapter.normalize(json.dumps(payload).encode(), received_at=RECEIVED_AT)
    assert parts.type == "unmapped"
    assert parts.event_type == "Dependent.added"
    assert parts.completeness == "raw"
    assert parts.timestamp == "2025-01-03T00:00:00Z"
    assert parts.data == payload


def test_an_issue_without_status_takes_it_from_the_event_name() -> None:
    payload = json.loads(adapter.sample_events()["Issue.resolved"])
    del payload["data"]["status"]
    parts = adapter.normalize(json.dumps(payload).encode(), received_at=RECEIVED_AT)
    assert msgspec.to_builtins(parts.data)["issue"]["status"] == "resolved"


async def test_merge_is_told_apart_on_the_tenant_url_and_deduplicated(settings: Settings) -> None:
    """One tenant with every vendor connected: Merge's header names it; a redelivery of the
    same body is answered as a duplicate with the first event's id."""
    with running_gateway(settings) as public:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            await connect_every_vendor(api, "merge", KEY)
            body = adapter.sample_events()["Employee.changed"]
            event = await accepted_then_duplicate(api, TENANT_URL, body, merge_headers(body), 202)
            assert event["source"]["provider"] == "merge"
            assert event["type"] == "hris.employee.updated"
            assert event["completeness"] == "full"
            assert event["data"]["employee"]["employment_status"] == "active"
            forged = await api.post(
                TENANT_URL, content=body, headers=merge_headers(body, "not-the-key")
            )
            assert forged.status_code == 401


async def test_the_form_the_api_and_the_cli_say_which_secret_to_paste(
    client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hint = "the organization's webhook signature key"
    providers = (await client.get("/v1/providers", headers=ADMIN)).json()
    merge = next(p for p in providers["data"] if p["name"] == "merge")
    assert merge["secret_hint"].startswith(hint)
    await sign_in(client, ADMIN_TOKEN)
    page = (await client.get("/console/connections/new")).text
    assert "merge: the organization&#39;s webhook signature key" in page
    assert main(["providers"]) == 0
    assert f"secret to paste: {hint}" in capsys.readouterr().out
