"""Finch: its own SDK verifier against unihook's signer, its published test vector, and its
events over real HTTP ingest."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import finch.resources.webhooks as finch_webhooks
import pytest
from finch import Finch

from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, signed
from tests.providers.ingest_helpers import told_apart
from tests.providers.signature_vectors import FINCH

ADAPTER = default_registry().get("finch")

SDK_BODY, SDK_HEADERS, SDK_SECRET = FINCH.body, FINCH.headers, FINCH.secret
"""Finch's SDKs' test vector (``tests.providers.signature_vectors``)."""
SDK_SENT_AT = datetime.fromtimestamp(1676312382, tz=UTC)

SECRET = base64.b64encode(b"finch-gateway-test-key-0123456789").decode("ascii")
NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture
def sdk_clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Finch's verifier reads ``datetime.now`` from its own module: pin it, so the vectors are
    checked inside its five-minute window without depending on the wall clock."""

    def pin(moment: datetime) -> None:
        class PinnedDatetime(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> PinnedDatetime:  # type: ignore[override]
                return moment  # type: ignore[return-value]

        monkeypatch.setattr(finch_webhooks, "datetime", PinnedDatetime)

    return pin


def sdk() -> Finch:
    return Finch(access_token="unused-offline", base_url="http://127.0.0.1:9")


def test_finch_sdk_accepts_what_unihook_signs(sdk_clock: Any) -> None:
    sdk_clock(NOW)
    for vendor_type, body in ADAPTER.sample_events().items():
        _, headers = ADAPTER.sign_request(body, SECRET, now=NOW)
        event = sdk().webhooks.unwrap(body, headers, secret=SECRET)
        assert event.event_type == vendor_type


def test_finch_sdk_refuses_unihook_signature_with_another_secret(sdk_clock: Any) -> None:
    sdk_clock(NOW)
    body = ADAPTER.sample_events()["directory.created"]
    other = base64.b64encode(b"another-finch-secret").decode("ascii")
    _, headers = ADAPTER.sign_request(body, other, now=NOW)
    with pytest.raises(ValueError, match="signatures match"):
        sdk().webhooks.verify_signature(body, headers, secret=SECRET)


def test_finch_sdk_vector_verifies_in_the_sdk_and_in_unihook(sdk_clock: Any) -> None:
    sdk_clock(SDK_SENT_AT)
    sdk().webhooks.verify_signature(SDK_BODY, SDK_HEADERS, secret=SDK_SECRET)
    assert ADAPTER.verify(SDK_BODY, SDK_HEADERS, [SDK_SECRET])
    assert ADAPTER.check_request(SDK_BODY, SDK_HEADERS, now=SDK_SENT_AT, settings={}) is None
    # Keyed with the undecoded secret text, the same request does not verify.
    assert not ADAPTER.verify(
        SDK_BODY, SDK_HEADERS, [base64.b64encode(SDK_SECRET.encode()).decode()]
    )


def test_finch_vector_is_refused_outside_five_minutes() -> None:
    later = datetime.fromtimestamp(1676312382 + 301, tz=UTC)
    earlier = datetime.fromtimestamp(1676312382 - 301, tz=UTC)
    inside = datetime.fromtimestamp(1676312382 + 299, tz=UTC)
    assert ADAPTER.check_request(SDK_BODY, SDK_HEADERS, now=later, settings={}) is not None
    assert ADAPTER.check_request(SDK_BODY, SDK_HEADERS, now=earlier, settings={}) is not None
    assert ADAPTER.check_request(SDK_BODY, SDK_HEADERS, now=inside, settings={}) is None


def test_self_computed_vector_with_the_docs_header_example() -> None:
    """HMAC-SHA256(b64decode(secret), "{id}.{ts}.{body}"), computed by hand for the ids of
    Finch's guide's header example (developer.tryfinch.com, Webhooks)."""
    body = (
        b'{"company_id":"720be419-0293-4d32-a707-32179b0827ab","account_id":"fa872170-b49d-4fb5-'
        b'aa39-fb1515db0925","connection_id":"5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b","event_type":'
        b'"directory.created","data":{"individual_id":"0c5f4a7e-2b1d-4c3e-9f8a-7b6c5d4e3f2a"}}'
    )
    headers = {
        "finch-event-id": "msg_2SFMDibF3lmRw8DzX4t1JjiEZQl",
        "finch-timestamp": "1688737757",
        "finch-signature": "v1,TCoWYms3wxaAPZ9O2YZZu+SAR35GURIqOcLpBBbpuAM=",
    }
    assert ADAPTER.verify(body, headers, [SECRET])
    wrong_key = {**headers, "finch-signature": "v1,9uuJUhHQ19m4hpRppMkBbc5giJ9l31Oo1i6WCWcPzio="}
    assert not ADAPTER.verify(body, wrong_key, [SECRET])
    parts = ADAPTER.normalize_request(body, headers, received_at=NOW)
    assert (parts.type, parts.event_id) == ("hris.employee.created", headers["finch-event-id"])
    assert parts.timestamp == "2023-07-07T13:49:17Z"


def test_only_v1_entries_count() -> None:
    body = ADAPTER.sample_events()["account.updated"]
    _, headers = ADAPTER.sign_request(body, SECRET, now=NOW)
    digest = headers["finch-signature"].removeprefix("v1,")
    assert not ADAPTER.verify(body, {**headers, "finch-signature": f"v2,{digest}"}, [SECRET])
    assert not ADAPTER.verify(body, {**headers, "finch-signature": digest}, [SECRET])
    assert ADAPTER.verify(
        body, {**headers, "finch-signature": f"v2,{digest} v1,{digest}"}, [SECRET]
    )


# ---- over real HTTP ingest ------------------------------------------------------------------


async def test_finch_event_is_accepted_and_keyed_by_its_event_id(client: Any) -> None:
    await connect(client, "finch", secret=SECRET)
    body, headers = signed("finch", "job.data_sync_all.completed", SECRET)
    response = await client.post("/ingest/finch/acme", content=body, headers=headers)
    assert response.status_code == 202, response.text
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "connection.sync.completed"
    assert got["source"]["event_id"] == headers["finch-event-id"]
    assert got["data"]["sync"]["id"] == "10f249d5-c974-4ce3-979a-31164323a34f"


async def test_a_retry_with_the_same_event_id_is_a_duplicate(client: Any) -> None:
    """A retry that keeps ``finch-event-id`` under a fresh signed timestamp (how Standard
    Webhooks senders retry; Finch follows its layout) is one event."""
    await connect(client, "finch", secret=SECRET)
    body = ADAPTER.sample_events()["directory.created"]
    first_at = datetime.now(UTC)
    _, headers = ADAPTER.sign_request(body, SECRET, now=first_at)
    first = await client.post("/ingest/finch/acme", content=body, headers=headers)
    retry_headers = ADAPTER.signature.sign(  # type: ignore[union-attr]
        body,
        SECRET,
        now=first_at,
        headers={
            "finch-event-id": headers["finch-event-id"],
            "finch-timestamp": str(int(first_at.timestamp()) - 60),
        },
    )
    again = await client.post("/ingest/finch/acme", content=body, headers=retry_headers)
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}


async def test_a_stale_timestamp_is_401(client: Any) -> None:
    await connect(client, "finch", secret=SECRET)
    body = ADAPTER.sample_events()["account.updated"]
    _, headers = ADAPTER.sign_request(body, SECRET, now=datetime(2020, 1, 1, tzinfo=UTC))
    response = await client.post("/ingest/finch/acme", content=body, headers=headers)
    assert response.status_code == 401


async def test_finch_is_told_apart_on_the_single_ingest_url(client: Any) -> None:
    body, headers = signed("finch", "employment.updated", SECRET)
    got = await told_apart(client, "finch", SECRET, body, headers, 202)
    assert got["type"] == "hris.employment.updated"
    assert json.loads(body)["event_type"] == got["source"]["event_type"]
