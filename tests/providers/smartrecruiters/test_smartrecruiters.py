"""SmartRecruiters: its published signature example, key rotation, the activation handshake,
``202`` as the only delivered status, and detection among every vendor on ``/ingest/{tenant}``."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from providers.registry import default_registry
from providers.smartrecruiters.samples import REQUESTS
from tests.conftest import ADMIN
from tests.gateway.helpers import connect
from tests.providers.ingest_helpers import told_apart
from tests.providers.signature_vectors import SMARTRECRUITERS as VECTOR

ADAPTER = default_registry().get("smartrecruiters")
SECRET = "sr-subscription-key-7Yb2kQ9x"

VECTOR_HEADERS = {"content-type": "application/json", **VECTOR.headers}


def sr_headers(
    body: bytes, event: dict[str, str], *keys: str, ts: int | None = None
) -> dict[str, str]:
    """What SmartRecruiters sends, computed here as its guide describes (not by the adapter)."""
    stamp = str(int(time.time()) if ts is None else ts)
    fields = [event.get(h, "") for h in ("event-id", "event-name", "event-version", "link")]
    signed = b".".join([stamp.encode(), body, *(f.encode() for f in fields)])
    signatures = ";".join(
        "v1=" + hmac.new(k.encode(), signed, hashlib.sha256).hexdigest() for k in keys or (SECRET,)
    )
    return {
        "content-type": "application/json",
        **event,
        "smartrecruiters-timestamp": stamp,
        "smartrecruiters-signature": signatures,
    }


async def count(services: Runtime, model: Any) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


# ---- the signature -----------------------------------------------------------------------------


def test_the_vendors_published_example_verifies() -> None:
    assert ADAPTER.detect(VECTOR_HEADERS)
    assert ADAPTER.verify(VECTOR.body, VECTOR_HEADERS, [VECTOR.secret])


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("body", b'{"job_id":"jid","candidate_id": "cid"}'),  # as the page displays it
        ("link", "http://smartrecruiters.com/endpoint; rel=self"),  # brackets dropped
        ("event-name", "application.status.updated"),
        ("event-version", "v201907"),
        ("event-id", "124"),
        ("smartrecruiters-timestamp", "1574080898"),
    ],
)
def test_every_signed_part_counts(change: str, value: Any) -> None:
    body, headers = VECTOR.body, dict(VECTOR_HEADERS)
    if change == "body":
        body = value
    else:
        headers[change] = value
    assert not ADAPTER.verify(body, headers, [VECTOR.secret])


def test_a_missing_event_header_is_signed_as_empty_text() -> None:
    event = REQUESTS["job.created"][1]
    body = ADAPTER.sample_events()["job.created"]
    without_link = {k: v for k, v in event.items() if k != "link"}
    headers = sr_headers(body, without_link, ts=1735732800)
    assert ADAPTER.verify(body, headers, [SECRET])
    # The same signature does not stand for a request that carries a link after all.
    assert not ADAPTER.verify(body, {**headers, "link": event["link"]}, [SECRET])


def test_during_a_key_rotation_either_key_verifies() -> None:
    body = ADAPTER.sample_events()["application.created"]
    headers = sr_headers(body, REQUESTS["application.created"][1], "old-key", SECRET)
    assert ";" in headers["smartrecruiters-signature"]
    assert ADAPTER.verify(body, headers, [SECRET])
    assert ADAPTER.verify(body, headers, ["old-key"])
    assert not ADAPTER.verify(body, headers, ["a-third-key"])


# ---- through the gateway -----------------------------------------------------------------------


async def test_an_event_is_answered_202_and_named_by_its_headers(
    client: Any, services: Runtime
) -> None:
    await connect(client, "smartrecruiters", secret=SECRET)
    body = ADAPTER.sample_events()["application.status.updated"]
    event = REQUESTS["application.status.updated"][1]
    headers = sr_headers(body, event)
    first = await client.post("/ingest/smartrecruiters/acme", content=body, headers=headers)
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "accepted"
    got = (await client.get(f"/v1/events/{first.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "ats.application.stage_changed"
    assert got["source"]["event_id"] == event["event-id"]
    assert got["source"]["event_type"] == "application.status.updated"
    assert got["completeness"] == "reference"
    assert (
        got["data"]["application"]["job"]["id"]
        == REQUESTS["application.status.updated"][0]["job_id"]
    )
    # A retry (same event-id, signed again later) is a duplicate, still answered 202: SmartRecruiters
    # counts any other status as a failure and would retry it.
    again = await client.post(
        "/ingest/smartrecruiters/acme",
        content=body,
        headers=sr_headers(body, event, ts=int(time.time()) + 60),
    )
    assert again.status_code == 202
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert await count(services, Event) == 1


async def test_an_unknown_event_name_is_kept_as_unmapped(client: Any) -> None:
    await connect(client, "smartrecruiters", secret=SECRET)
    body = b'{"id":"f00d0001-7c3b-4a9f-8e2d-1f0a9b8c7d6e"}'
    event = {"event-id": "e-unknown-1", "event-name": "interview.created", "event-version": "1.0.0"}
    answer = await client.post(
        "/ingest/smartrecruiters/acme", content=body, headers=sr_headers(body, event)
    )
    assert answer.status_code == 202
    got = (await client.get(f"/v1/events/{answer.json()['event_id']}", headers=ADMIN)).json()
    assert (got["type"], got["source"]["event_type"]) == ("unmapped", "interview.created")


async def test_a_body_without_event_name_is_quarantined_with_202(
    client: Any, services: Runtime
) -> None:
    await connect(client, "smartrecruiters", secret=SECRET)
    body = b'{"id":"f00d0002-7c3b-4a9f-8e2d-1f0a9b8c7d6e"}'
    answer = await client.post(
        "/ingest/smartrecruiters/acme", content=body, headers=sr_headers(body, {"event-id": "e-2"})
    )
    assert answer.status_code == 202
    assert answer.json()["status"] == "quarantined"
    assert await count(services, Event) == 0


async def test_a_stale_signature_is_refused(client: Any, services: Runtime) -> None:
    await connect(client, "smartrecruiters", secret=SECRET)
    body = ADAPTER.sample_events()["job.created"]
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    headers = sr_headers(body, REQUESTS["job.created"][1], ts=eight_days_ago)
    answer = await client.post("/ingest/smartrecruiters/acme", content=body, headers=headers)
    assert answer.status_code == 401
    # A retry a day after the first attempt (SmartRecruiters' longest documented interval) passes.
    headers = sr_headers(body, REQUESTS["job.created"][1], ts=int(time.time()) - 25 * 3600)
    answer = await client.post("/ingest/smartrecruiters/acme", content=body, headers=headers)
    assert answer.status_code == 202


@pytest.mark.parametrize("path", ["/ingest/smartrecruiters/acme", "/ingest/acme"])
async def test_activation_echoes_x_hook_secret_and_stores_nothing(
    client: Any, services: Runtime, path: str
) -> None:
    await connect(client, "smartrecruiters", secret=SECRET)
    answer = await client.post(path, content=b"", headers={"X-Hook-Secret": "4jn8fs9011jj8"})
    assert answer.status_code == 200
    assert answer.headers["x-hook-secret"] == "4jn8fs9011jj8"
    assert await count(services, Receipt) == 0
    assert await count(services, Event) == 0


async def test_told_apart_from_every_other_vendor_on_the_tenant_url(client: Any) -> None:
    body = ADAPTER.sample_events()["job.created"]
    headers = sr_headers(body, REQUESTS["job.created"][1])
    got = await told_apart(client, "smartrecruiters", SECRET, body, headers, 202)
    assert got["type"] == "ats.job.created"
