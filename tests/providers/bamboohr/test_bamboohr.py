"""BambooHR: its signature vectors, the timestamp window, field-based edge bodies, and what the
gateway answers it on both ingest URLs."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from providers import NormalizationError
from providers.bamboohr import SAMPLES
from providers.bamboohr.samples import FORM_ENCODED
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import connect
from tests.providers.ingest_helpers import told_apart

adapter = default_registry().get("bamboohr")
HERE = Path(__file__).resolve().parent
SECRET = "bamboohr-private-key-2c5e8a1f"
SENT = datetime(2026, 1, 31, 18, 42, tzinfo=UTC)


def bamboohr_headers(body: bytes, sent: str, key: str = SECRET) -> dict[str, str]:
    """What BambooHR sends, computed here rather than by the adapter under test: hex
    HMAC-SHA256 of the raw body followed by the X-BambooHR-Timestamp header's bytes."""
    digest = hmac.new(key.encode(), body + sent.encode(), hashlib.sha256).hexdigest()
    return {
        "content-type": "application/json",
        "x-bamboohr-timestamp": sent,
        "x-bamboohr-signature": digest,
    }


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


# ---- the signature ----------------------------------------------------------------------------


def test_self_computed_vector_verifies() -> None:
    """/work's fact sheet vector, computed as BambooHR's security guide describes (body, then the
    timestamp, keyed by the private key) and reproduced with hmac here."""
    body = (
        b'{"type":"employee.updated","timestamp":"2026-01-31T18:42:00+0000","data":'
        b'{"companyId":"12345","employeeId":"67890","changedFields":["firstName"]}}'
    )
    assert len(body) == 146
    headers = {
        "x-bamboohr-timestamp": "1769884920",
        "x-bamboohr-signature": "4241e1558c13983f09ba75188837450b9f6e57354f3056dcdac72346998cb4ad",
    }
    assert adapter.verify(body, headers, ["bamboohr-test-private-key"])
    # The other order (timestamp first) is what it is not.
    wrong_order = {
        **headers,
        "x-bamboohr-signature": "19de0b7d600f4ce67a08928a1caec39178e050e56361e2244e575179a6ce379b",
    }
    assert not adapter.verify(body, wrong_order, ["bamboohr-test-private-key"])


def test_a_receivers_published_vector_verifies() -> None:
    """fusebit/integrations' BambooHR connector test (test/mock/webhook-event.json, signed in
    test/webhook.test.ts with private key 123b9293... and timestamp 1658248023)."""
    body = compact(
        {
            "employees": [
                {
                    "changedFields": ["First name"],
                    "fields": {
                        "Employee #": {"value": "300"},
                        "First name": {"value": "Tefi"},
                        "Last name": {"value": "Adams"},
                    },
                    "id": "5",
                }
            ]
        }
    )
    headers = {
        "x-bamboohr-timestamp": "1658248023",
        "x-bamboohr-signature": "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac",
    }
    assert adapter.verify(body, headers, ["123b929362d51613054f71e5e5d4bf2c"])
    assert not adapter.verify(
        body,
        {**headers, "x-bamboohr-timestamp": "1658248024"},
        ["123b929362d51613054f71e5e5d4bf2c"],
    )


def test_the_timestamp_header_is_required() -> None:
    body = compact(SAMPLES["employee.created"])
    headers = bamboohr_headers(body, "1769884920")
    del headers["x-bamboohr-timestamp"]
    assert not adapter.verify(body, headers, [SECRET])


def test_sign_request_matches_bamboohr() -> None:
    body = compact(SAMPLES["employee.deleted"])
    _, headers = adapter.sign_request(body, SECRET, now=SENT)
    expected = bamboohr_headers(body, str(int(SENT.timestamp())))
    assert headers["x-bamboohr-signature"] == expected["x-bamboohr-signature"]
    assert headers["x-bamboohr-timestamp"] == "1769884920"


# ---- the timestamp window -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "refused"),
    [
        ("1769884920", False),  # now
        (str(1769884920 - 160 * 60), False),  # BambooHR's last retry, 155 minutes later
        (str(1769884920 - 86400 - 60), True),  # older than a day
        (str(1769884920 + 86400 + 60), True),  # a day ahead
        ("2026-01-31T16:00:00Z", False),  # ISO 8601 is read too
        ("2026-01-29T16:00:00+0000", True),
        ("not a time", False),  # unreadable: the signature vouches for it
    ],
)
def test_check_request_window(sent: str, refused: bool) -> None:
    body = compact(SAMPLES["employee.created"])
    headers = bamboohr_headers(body, sent)
    answer = adapter.check_request(body, headers, now=SENT, settings={})
    assert (answer is not None) is refused, answer


def test_max_age_is_a_setting() -> None:
    body = compact(SAMPLES["employee.created"])
    headers = bamboohr_headers(body, str(int((SENT - timedelta(hours=3)).timestamp())))
    assert adapter.check_request(body, headers, now=SENT, settings={}) is None
    assert adapter.check_request(body, headers, now=SENT, settings={"max_age": "3600"})
    # An unusable value falls back to the default instead of refusing everything.
    assert adapter.check_request(body, headers, now=SENT, settings={"max_age": "-5"}) is None


# ---- field-based bodies -----------------------------------------------------------------------


def test_form_encoded_body_normalises_like_its_json() -> None:
    parts = adapter.normalize(FORM_ENCODED, received_at=SENT)
    assert parts.type == "hris.employee.updated"
    assert parts.event_type == "employee_with_fields.updated"
    assert parts.data.employee.id == "12345"  # type: ignore[union-attr]
    assert parts.data.employee.first_name == "John"  # type: ignore[union-attr]
    assert parts.completeness == "partial"


def test_form_body_names_several_employees_as_one_changed_event() -> None:
    body = (
        b"employees[1][changedFields][0]=Department&employees[1][Department]=Sales"
        b"&employees[2][changedFields][0]=Department&employees[2][Department]=Sales"
    )
    parts = adapter.normalize(body, received_at=SENT)
    assert parts.type == "hris.employee.changed"
    assert parts.data.employee_ids == ["1", "2"]  # type: ignore[union-attr]


def test_a_retry_with_a_new_send_time_is_the_same_event() -> None:
    """The dedup key is the body's hash: the send-time header is not part of it."""
    body = compact(SAMPLES["employee.updated"])
    assert (
        adapter.normalize(body, received_at=SENT).event_id
        == adapter.normalize(body, received_at=SENT + timedelta(minutes=155)).event_id
    )


# ---- through the gateway ----------------------------------------------------------------------


def now_text() -> str:
    return str(int(datetime.now(UTC).timestamp()))


async def test_accepted_then_duplicate_on_a_retry(client: Any) -> None:
    await connect(client, "bamboohr", secret=SECRET)
    body = compact(SAMPLES["employee.updated"])
    first = await client.post(
        "/ingest/bamboohr/acme", content=body, headers=bamboohr_headers(body, now_text())
    )
    assert first.status_code == 202, first.text
    event = (await client.get(f"/v1/events/{first.json()['event_id']}", headers=ADMIN)).json()
    assert event["type"] == "hris.employee.updated"
    assert event["subject"] == "employee/67890"
    # BambooHR's retry of a 5xx carries the same body; its send time may differ.
    later = str(int(now_text()) + 300)
    again = await client.post(
        "/ingest/bamboohr/acme", content=body, headers=bamboohr_headers(body, later)
    )
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}


async def test_form_post_is_accepted(client: Any) -> None:
    await connect(client, "bamboohr", secret=SECRET)
    headers = {
        **bamboohr_headers(FORM_ENCODED, now_text()),
        "content-type": "application/x-www-form-urlencoded",
    }
    response = await client.post("/ingest/bamboohr/acme", content=FORM_ENCODED, headers=headers)
    assert response.status_code == 202, response.text
    event = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert event["data"]["employee"] == {"id": "12345", "first_name": "John"}
    # The form post is no JSON document: the event carries it as text.
    assert event["raw"] == FORM_ENCODED.decode()


async def test_bad_signature_and_stale_timestamp_are_401(client: Any) -> None:
    await connect(client, "bamboohr", secret=SECRET)
    body = compact(SAMPLES["employee.created"])
    forged = await client.post(
        "/ingest/bamboohr/acme", content=body, headers=bamboohr_headers(body, now_text(), "x")
    )
    assert forged.status_code == 401
    old = str(int(now_text()) - 2 * 86400)
    stale = await client.post(
        "/ingest/bamboohr/acme", content=body, headers=bamboohr_headers(body, old)
    )
    assert stale.status_code == 401
    assert "X-BambooHR-Timestamp" in stale.text


async def test_detection_among_every_vendor_of_a_tenant(client: Any) -> None:
    """``/ingest/{tenant}`` tells BambooHR by its signature header among all connected vendors."""
    body = compact(SAMPLES["company.updated"])
    headers = bamboohr_headers(body, now_text())
    event = await told_apart(client, "bamboohr", SECRET, body, headers, 202)
    assert event["type"] == "hris.company.updated"


def test_a_form_body_with_too_many_fields_is_a_normalization_error() -> None:
    body = b"&".join(b"employees[1][f%d]=x" % i for i in range(10_001))
    with pytest.raises(NormalizationError):
        adapter.normalize(body, received_at=SENT)
