"""Remote: its signature recipe (body, ``:``, the millisecond timestamp), the thin reference
events, the event id chosen from the signed message, retries never refused for their age, and
detection among every vendor on ``/ingest/{tenant}``."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from gateway.runtime import Runtime
from gateway.storage.models import Event
from providers.registry import default_registry
from tests.gateway.helpers import connect, count
from tests.providers.ingest_helpers import accepted_then_duplicate, told_apart
from tests.providers.signature_vectors import REMOTE as VECTOR
from tests.providers.signature_vectors import REMOTE_TIMESTAMP_FIRST

ADAPTER = default_registry().get("remote")
SECRET = "remote-acme-signing-key"
URL = "/ingest/remote/acme"


def remote_headers(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    signed = body + b":" + timestamp.encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/json",
        "x-remote-timestamp": timestamp,
        "x-remote-signature": digest,
    }


def now_ms() -> str:
    return str(int(datetime.now(UTC).timestamp() * 1000))


def test_the_vector_verifies_and_only_body_first_in_milliseconds() -> None:
    assert len(VECTOR.body) == 127
    headers = VECTOR.headers
    assert ADAPTER.detect(headers)
    assert ADAPTER.verify(VECTOR.body, headers, [VECTOR.secret])
    first = {**headers, "x-remote-signature": REMOTE_TIMESTAMP_FIRST}
    assert not ADAPTER.verify(VECTOR.body, first, [VECTOR.secret])
    seconds = {**headers, "x-remote-timestamp": headers["x-remote-timestamp"][:-3]}
    assert not ADAPTER.verify(VECTOR.body, seconds, [VECTOR.secret])
    assert not ADAPTER.verify(VECTOR.body, headers, ["another-key"])
    parts = ADAPTER.normalize_request(VECTOR.body, headers, received_at=datetime.now(UTC))
    assert parts.type == "hris.employee.started"
    assert parts.completeness == "reference"
    assert parts.timestamp == "2023-11-14T22:13:20Z"
    signed = VECTOR.body + b":" + headers["x-remote-timestamp"].encode()
    assert parts.event_id == "sha256:" + hashlib.sha256(signed).hexdigest()


def test_sign_request_signs_as_remote_does() -> None:
    body = ADAPTER.sample_events()["payslip.released"]
    _, headers = ADAPTER.sign_request(body, SECRET, now=datetime.now(UTC))
    expected = remote_headers(body, headers["x-remote-timestamp"])
    assert headers["x-remote-signature"] == expected["x-remote-signature"]
    assert len(headers["x-remote-timestamp"]) == 13


def test_no_window_by_default_and_one_when_configured() -> None:
    old = remote_headers(b"{}", "1700000000000")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert ADAPTER.check_request(b"{}", old, now=now, settings={}) is None
    refused = ADAPTER.check_request(b"{}", old, now=now, settings={"tolerance": "86400"})
    assert refused == "signature timestamp outside the tolerance"
    fresh = remote_headers(b"{}", str(int(now.timestamp() * 1000) - 60_000))
    assert ADAPTER.check_request(b"{}", fresh, now=now, settings={"tolerance": "86400"}) is None


def test_the_documented_types_map_as_the_page_says() -> None:
    events = ADAPTER.sample_events()
    expected = {
        "employment.onboarding.completed": ("hris.employee.started", "employee/"),
        "payslip.released": ("hris.payslip.released", "payslip/"),
        "timeoff.requested": ("hris.time_off.requested", "time_off/"),
        "timeoff.canceled": ("hris.time_off.cancelled", "time_off/"),
        "offboarding.completed": ("hris.employee.terminated", "employee/"),
        "company.activated": ("hris.company.updated", "company/"),
    }
    for vendor_type, (canonical, _) in expected.items():
        parts = ADAPTER.normalize(events[vendor_type], received_at=datetime.now(UTC))
        assert parts.type == canonical, vendor_type
        assert parts.completeness == "reference"
    for vendor_type in events:
        parts = ADAPTER.normalize(events[vendor_type], received_at=datetime.now(UTC))
        assert parts.type != "unmapped", vendor_type


async def test_a_retry_with_its_timestamp_is_a_duplicate_and_a_new_send_is_not(
    client: Any, services: Runtime
) -> None:
    await connect(client, "remote", secret=SECRET)
    body = ADAPTER.sample_events()["timeoff.updated"]
    sent = now_ms()
    got = await accepted_then_duplicate(client, URL, body, remote_headers(body, sent), 202)
    assert (got["type"], got["subject"]) == (
        "hris.time_off.updated",
        "time_off/7c1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6",
    )
    # The same time off updated again later: the same body, another event.
    later = str(int(sent) + 90_000)
    second = await client.post(URL, content=body, headers=remote_headers(body, later))
    assert (second.status_code, second.json()["status"]) == (202, "accepted")
    assert await count(services, Event) == 2


async def test_an_old_timestamp_is_accepted_and_a_wrong_signature_is_401(client: Any) -> None:
    await connect(client, "remote", secret=SECRET)
    body = ADAPTER.sample_events()["employment.onboarding.completed"]
    old = await client.post(URL, content=body, headers=remote_headers(body, "1700000000000"))
    assert old.status_code == 202, old.text
    wrong = await client.post(URL, content=body, headers=remote_headers(body, now_ms(), "nope"))
    assert wrong.status_code == 401


async def test_told_apart_from_every_other_vendor_on_the_tenant_url(client: Any) -> None:
    body = ADAPTER.sample_events()["employment.onboarding.completed"]
    got = await told_apart(client, "remote", SECRET, body, remote_headers(body, now_ms()), 202)
    assert got["type"] == "hris.employee.started"
