"""Gusto's signature (its guide's scheme, with a vector computed as the guide describes), the
verification-token handshake recognised before any signature check, and events through the
gateway beside other vendors on the single ingest URL."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from providers.gusto import SAMPLES, adapter
from providers.gusto.samples import VERIFICATION_TOKEN
from tests.conftest import ADMIN
from tests.gateway.helpers import connect
from tests.gateway.helpers import signed as signed_other

# Gusto's guide: key = the sample verification_token, message = the raw body, hex HMAC-SHA256
# (``OpenSSL::HMAC.hexdigest('SHA256', verification_token, payload)``). The body is the compact
# form of the guide's employee.created example (261 bytes); the digest was computed with
# Python's hmac over those bytes (https://docs.gusto.com/embedded-payroll/docs/webhooks).
VECTOR_KEY = "6590f590-3dba-495e-9bea-c361e1e2efc0"
VECTOR_BODY = (
    b'{"uuid":"03ffbf0c-48a9-4f1c-932a-546413a26ad1","event_type":"employee.created",'
    b'"resource_type":"Company","resource_uuid":"5df911a0-e8e9-412d-8aaf-a46ad193dd96",'
    b'"entity_type":"Employee","entity_uuid":"bcfc9744-0ab3-4ef3-ab0d-e728255d659c",'
    b'"timestamp":1671058841}'
)
VECTOR_SIGNATURE = "c6e35d71a6cbfad6c26002a4e208e9982cc38010c118c7d3f20537356e117845"


def test_the_vector_verifies_through_the_adapter() -> None:
    assert len(VECTOR_BODY) == 261
    headers = {"x-gusto-signature": VECTOR_SIGNATURE}
    assert adapter.verify(VECTOR_BODY, headers, [VECTOR_KEY])
    assert adapter.verify(
        VECTOR_BODY, {"x-gusto-signature": VECTOR_SIGNATURE.upper()}, [VECTOR_KEY]
    )
    assert not adapter.verify(VECTOR_BODY, headers, ["6590f590-3dba-495e-9bea-c361e1e2efc1"])


def test_the_raw_bytes_are_signed_never_a_re_serialisation() -> None:
    pretty = json.dumps(json.loads(VECTOR_BODY), indent=2).encode()
    assert not adapter.verify(pretty, {"x-gusto-signature": VECTOR_SIGNATURE}, [VECTOR_KEY])
    own = hmac.new(VECTOR_KEY.encode(), pretty, hashlib.sha256).hexdigest()
    assert own != VECTOR_SIGNATURE
    assert adapter.verify(pretty, {"x-gusto-signature": own}, [VECTOR_KEY])


def test_the_verification_post_is_a_handshake_carrying_the_token() -> None:
    found = adapter.handshake(json.dumps(VERIFICATION_TOKEN).encode(), {})
    assert found is not None
    assert found.status == 200
    assert found.token == VERIFICATION_TOKEN["verification_token"]
    with_uuid = {**VERIFICATION_TOKEN, "webhook_subscription_uuid": "c5fdae57-5483-4529"}
    assert adapter.handshake(json.dumps(with_uuid).encode(), {}) is not None


@pytest.mark.parametrize(
    "body",
    [
        VECTOR_BODY,
        b'{"verification_token": ""}',
        b'{"verification_token": 42}',
        b'{"verification_token": "' + b"a" * 600 + b'"}',
        b"verification_token",
        b"[1, 2]",
    ],
    ids=["event", "empty", "number", "too long", "not json", "array"],
)
def test_other_bodies_are_not_handshakes(body: bytes) -> None:
    assert adapter.handshake(body, {}) is None


def sign(body: bytes, key: str = VECTOR_KEY) -> dict[str, str]:
    digest = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "X-Gusto-Signature": digest}


async def test_signed_event_is_accepted_and_its_uuid_dedups(client: Any) -> None:
    await connect(client, "gusto", secret=VECTOR_KEY)
    first = await client.post("/ingest/gusto/acme", content=VECTOR_BODY, headers=sign(VECTOR_BODY))
    assert first.status_code == 202, first.text
    got = (await client.get(f"/v1/events/{first.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "hris.employee.created"
    assert got["source"]["event_id"] == "03ffbf0c-48a9-4f1c-932a-546413a26ad1"
    assert got["subject"] == "employee/bcfc9744-0ab3-4ef3-ab0d-e728255d659c"
    pretty = json.dumps(json.loads(VECTOR_BODY), indent=2).encode()
    again = await client.post("/ingest/gusto/acme", content=pretty, headers=sign(pretty))
    assert again.status_code == 200
    assert again.json()["event_id"] == first.json()["event_id"]


async def test_a_wrong_signature_is_401(client: Any) -> None:
    await connect(client, "gusto", secret=VECTOR_KEY)
    response = await client.post(
        "/ingest/gusto/acme", content=VECTOR_BODY, headers=sign(VECTOR_BODY, "other")
    )
    assert response.status_code == 401


async def test_a_handshake_on_a_hand_made_connection_is_answered_and_never_stored(
    client: Any,
) -> None:
    await connect(client, "gusto", secret=VECTOR_KEY)
    body = json.dumps(VERIFICATION_TOKEN).encode()
    response = await client.post("/ingest/gusto/acme", content=body)
    assert response.status_code == 200
    assert VERIFICATION_TOKEN["verification_token"] not in response.text
    listed = (await client.get("/v1/events", params={"tenant": "acme"}, headers=ADMIN)).json()
    assert listed["data"] == []


async def test_single_url_tells_gusto_from_a_tenant_with_other_vendors(client: Any) -> None:
    await connect(client, "gusto", secret=VECTOR_KEY)
    for provider in ("breezy", "hatchbeacon", "bindbee", "greenhouse"):
        await connect(client, provider)
    body = json.dumps(SAMPLES["payroll.paid"], separators=(",", ":")).encode()
    response = await client.post("/ingest/acme", content=body, headers=sign(body))
    assert response.status_code == 202, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert (got["source"]["provider"], got["type"]) == ("gusto", "hris.payroll.paid")
    other_body, other_headers = signed_other("bindbee", "employee_data_changed")
    other = await client.post("/ingest/acme", content=other_body, headers=other_headers)
    assert other.status_code in (200, 202), other.text
