"""Personio's token authentication, its envelope on the single ingest URL, and its events
through the gateway: what a token proves and what it does not."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from providers.personio import SAMPLES, adapter
from tests.conftest import ADMIN
from tests.gateway.helpers import connect
from tests.gateway.helpers import signed as signed_other

RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)
TOKEN = "pto_9f1c2e7a4b6d8f0a1c3e5b7d9f2a4c6e"


def body_of(event_name: str) -> bytes:
    return json.dumps(SAMPLES[event_name], separators=(",", ":")).encode()


def headers(authorization: str = "Bearer " + TOKEN) -> dict[str, str]:
    return {"content-type": "application/json", "authorization": authorization}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer " + TOKEN, "bearer " + TOKEN, TOKEN, f"  Bearer   {TOKEN}  "],
    ids=["bearer", "lower-case scheme", "bare token", "spaces"],
)
def test_the_registered_token_verifies_with_or_without_its_scheme(authorization: str) -> None:
    # Personio sends the token exactly as registered (its create-webhook reference: ``token``
    # with auth_type TOKEN goes verbatim into Authorization), so "Bearer <t>" and "<t>" both occur.
    assert adapter.verify(body_of("person.created"), headers(authorization), [TOKEN])


@pytest.mark.parametrize(
    "authorization",
    ["Bearer " + TOKEN[:-1], "Bearer " + TOKEN + "x", "Basic " + TOKEN, "Bearer", ""],
)
def test_any_other_authorization_fails(authorization: str) -> None:
    assert not adapter.verify(body_of("person.created"), headers(authorization), [TOKEN])


def test_a_token_does_not_protect_the_body() -> None:
    """Personio signs nothing: the same token verifies any body, which is why events say
    ``signature_scope: token``."""
    other = body_of("person.deleted")
    assert adapter.verify(other, headers(), [TOKEN])
    assert adapter.normalize(other, received_at=RECEIVED_AT).signature_scope == "token"


def test_no_header_names_personio() -> None:
    assert not adapter.detect(headers())
    assert adapter.detect_body(body_of("employment.started"), headers())
    assert not adapter.detect_body(body_of("employment.started"), {})
    assert not adapter.detect_body(b'{"event_name":"x"}', headers())


async def test_accepted_with_the_token_and_refused_without(client: Any) -> None:
    await connect(client, "personio", secret=TOKEN)
    body = body_of("employment.started")
    refused = await client.post("/ingest/personio/acme", content=body, headers=headers("Bearer x"))
    assert refused.status_code == 401
    response = await client.post("/ingest/personio/acme", content=body, headers=headers())
    assert response.status_code == 202, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "hris.employee.started"
    assert got["source"]["signature_scope"] == "token"
    assert got["completeness"] == "reference"
    assert got["subject"] == "employee/" + SAMPLES["employment.started"]["payload"]["person_id"]


async def test_a_retry_is_a_duplicate_even_reformatted(client: Any) -> None:
    await connect(client, "personio", secret=TOKEN)
    first = await client.post(
        "/ingest/personio/acme", content=body_of("person.updated"), headers=headers()
    )
    pretty = json.dumps(SAMPLES["person.updated"], indent=2).encode()
    again = await client.post("/ingest/personio/acme", content=pretty, headers=headers())
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}


async def test_single_url_tells_personio_from_a_tenant_with_other_vendors(client: Any) -> None:
    await connect(client, "personio", secret=TOKEN)
    for provider in ("breezy", "hatchbeacon", "bindbee", "greenhouse"):
        await connect(client, provider)
    response = await client.post(
        "/ingest/acme", content=body_of("person.created"), headers=headers()
    )
    assert response.status_code == 202, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["source"]["provider"] == "personio"
    # another vendor's signed request on the same URL still goes to that vendor
    body, signed = signed_other("greenhouse", "ping")
    other = await client.post("/ingest/acme", content=body, headers=signed)
    assert other.status_code in (200, 202), other.text
    seen = (await client.get(f"/v1/events/{other.json()['event_id']}", headers=ADMIN)).json()
    assert seen["source"]["provider"] == "greenhouse"
