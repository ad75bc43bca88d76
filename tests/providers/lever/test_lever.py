"""Lever's signing rules at the adapter: what is signed, how ``triggeredAt`` is written, the age
check, detection, and the test request."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from gateway.core.settings import Settings
from providers.registry import default_registry

LEVER = default_registry().get("lever")
KEY = "lever-test-signature-token"
TOKEN = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
NOW = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


def lever_hmac(text: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def body(**fields: object) -> bytes:
    payload = {
        "triggeredAt": 1431454330072,
        "event": "candidateStageChange",
        "data": {"opportunityId": "opp-1"},
        "token": TOKEN,
        **fields,
    }
    if "signature" not in fields:
        payload["signature"] = lever_hmac(f"{payload['token']}{payload['triggeredAt']}")
    return json.dumps(payload).encode()


def test_the_signed_text_is_token_then_triggered_at() -> None:
    """A vector computed here (not published by Lever): ``token + triggeredAt``, no separator."""
    assert lever_hmac(TOKEN + "1431454330072") == (
        "1512b430389978c52450c49638360254742c95f14e8279230fc0e689b4555123"
    )
    assert LEVER.verify(body(), {}, [KEY])
    with_separator = body(signature=lever_hmac(TOKEN + ".1431454330072"))
    assert not LEVER.verify(with_separator, {}, [KEY])
    reversed_order = body(signature=lever_hmac("1431454330072" + TOKEN))
    assert not LEVER.verify(reversed_order, {}, [KEY])


def test_triggered_at_is_concatenated_as_javascript_writes_it() -> None:
    as_float = json.dumps(
        {"triggeredAt": 1.431454330072e12, "token": TOKEN, "event": "x", "data": {}}
    )
    signed = json.loads(as_float) | {"signature": lever_hmac(TOKEN + "1431454330072")}
    assert LEVER.verify(json.dumps(signed).encode(), {}, [KEY])
    as_text = body(triggeredAt="1431454330072")
    assert LEVER.verify(as_text, {}, [KEY])


@pytest.mark.parametrize(
    "fields",
    [
        {"triggeredAt": True, "signature": lever_hmac(TOKEN + "true")},
        {"triggeredAt": None, "signature": lever_hmac(TOKEN + "null")},
        {"token": 12345, "signature": lever_hmac("123451431454330072")},
        {"token": "", "signature": lever_hmac("1431454330072")},
        {"signature": lever_hmac(TOKEN + "1431454330072").upper()[:-1]},
    ],
    ids=["bool-time", "null-time", "number-token", "empty-token", "short-signature"],
)
def test_what_lever_cannot_have_sent_never_verifies(fields: dict[str, object]) -> None:
    assert not LEVER.verify(body(**fields), {}, [KEY])


def test_uppercase_hex_verifies() -> None:
    upper = body(signature=lever_hmac(TOKEN + "1431454330072").upper())
    assert LEVER.verify(upper, {}, [KEY])


def test_data_is_not_signed_and_events_say_so() -> None:
    original, forged = body(), body(data={"opportunityId": "someone-else"})
    assert LEVER.verify(forged, {}, [KEY])
    parts = LEVER.normalize(forged, received_at=NOW)
    assert parts.signature_scope == "envelope"
    assert parts.event_id == TOKEN == LEVER.normalize(original, received_at=NOW).event_id


def test_age_is_checked_both_ways_against_the_setting() -> None:
    signed, headers = LEVER.sign_request(body(), KEY, now=NOW - timedelta(hours=23))
    assert LEVER.check_request(signed, headers, now=NOW, settings={}) is None
    assert LEVER.check_request(signed, headers, now=NOW, settings={"max_age": "3600"})
    for moment in (NOW - timedelta(days=15), NOW + timedelta(days=15)):
        stale, _ = LEVER.sign_request(body(), KEY, now=moment)
        refused = LEVER.check_request(stale, {}, now=NOW, settings={})
        assert refused is not None
        assert "1209600" in refused
    for unusable in ("", "soon", "-5", "0"):
        refused = LEVER.check_request(signed, {}, now=NOW, settings={"max_age": unusable})
        assert refused is None, unusable  # falls back to two weeks


def test_the_provider_settings_reach_the_adapter_by_name() -> None:
    settings = Settings.from_env(
        {
            "UNIHOOK_PROVIDER_LEVER_MAX_AGE": "60",
            "UNIHOOK_PROVIDER_LEVER_API_URL": "http://127.0.0.1:9/v1/",
            "UNIHOOK_PROVIDER_BREEZY_API_URL": "http://127.0.0.1:8",
        }
    )
    lever = settings.provider_settings("lever")
    assert dict(lever) == {"max_age": "60", "api_url": "http://127.0.0.1:9/v1/"}
    assert lever.url("api_url", "x") == "http://127.0.0.1:9/v1"
    assert dict(settings.provider_settings("hatchbeacon")) == {}


def test_sign_request_signs_inside_the_body_with_a_fresh_token() -> None:
    first, headers = LEVER.sign_request(body(), "k1", now=NOW)
    later, _ = LEVER.sign_request(body(), "k1", now=NOW + timedelta(seconds=1))
    sent = json.loads(first)
    assert list(sent) == ["triggeredAt", "event", "data", "token", "signature"]
    assert sent["triggeredAt"] == int(NOW.timestamp() * 1000)
    assert len(sent["token"]) == 48
    assert json.loads(later)["token"] != sent["token"]
    assert headers == {"content-type": "application/json", "user-agent": "Lever-Webhooks"}
    assert LEVER.verify(first, headers, ["k1"])
    assert not LEVER.verify(first, headers, [KEY])


@pytest.mark.parametrize("agent", ["Lever-Webhooks", '"Lever-Webhooks"', "lever-webhooks/2.0"])
def test_detected_by_its_agent(agent: str) -> None:
    assert LEVER.detect({"user-agent": agent})


def test_detected_by_its_body_alone() -> None:
    assert LEVER.detect_body(body(), {})
    assert not LEVER.detect_body(b'{"event": "candidateHired", "data": {}}', {})
    assert not LEVER.detect_body(b'{"triggeredAt": 1, "signature": "x", "token": "t"}', {})
    assert not LEVER.detect({"user-agent": "python-httpx/0.28"})


def test_the_documented_test_request_is_connection_test() -> None:
    """The docs' test POST body, verbatim: its signature is a placeholder (non-hex letters)."""
    raw = (
        b'{"triggeredAt":1431458021951,"event":"candidateHired","data":{},'
        b'"signature":"m3e73080553bcbf65f66c90b6m4ac0mb664c6am763efb1899653808864456b36",'
        b'"token":"657fd5a0759c87d35660b096dbc388d1d31058869f08ce3f"}'
    )
    assert len(raw) == 202  # the docs' Content-Length: Lever sends compact JSON
    assert not LEVER.verify(raw, {}, [KEY])
    parts = LEVER.normalize(raw, received_at=NOW)
    assert parts.type == "connection.test"
    assert parts.timestamp == "2015-05-12T19:13:41.951Z"
    hired = LEVER.normalize(body(event="candidateHired"), received_at=NOW)
    assert hired.type == "ats.candidate.hired"


def test_a_two_week_old_rerun_is_accepted_by_default() -> None:
    """Lever's delivery history re-runs any delivery of the past two weeks with its original
    ``triggeredAt`` (which the signature covers): the default window must take it."""
    rerun, headers = LEVER.sign_request(body(), KEY, now=NOW - timedelta(days=13, hours=23))
    assert LEVER.check_request(rerun, headers, now=NOW, settings={}) is None
    older, _ = LEVER.sign_request(body(), KEY, now=NOW - timedelta(days=14, seconds=1))
    refused = LEVER.check_request(older, headers, now=NOW, settings={})
    assert refused is not None
    assert "1209600" in refused
    # the re-run is the same delivery: its token is still the dedup key
    assert LEVER.normalize(rerun, received_at=NOW).event_id == json.loads(rerun)["token"]


def _archive(to_archived: dict[str, object], **data: object) -> dict[str, object]:
    payload = json.loads(
        body(
            event="candidateArchiveChange",
            data={"opportunityId": "opp-1", "contactId": "c-1", "toArchived": to_archived, **data},
        )
    )
    parts = LEVER.normalize(json.dumps(payload).encode(), received_at=NOW)
    return {"type": parts.type, "data": json.loads(msgspec.json.encode(parts.data))}


REASON_ID = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"


def test_an_archive_for_a_requisition_is_a_hire() -> None:
    event = _archive(
        {"archivedAt": 1736936450000, "reason": REASON_ID, "requisitionForHire": "req-7"}
    )
    assert event["type"] == "ats.candidate.hired"
    assert event["data"]["candidate"] == {"id": "c-1"}
    assert event["data"]["application"]["id"] == "opp-1"


def test_an_archive_reason_of_type_hired_is_a_hire() -> None:
    reason = {"id": REASON_ID, "text": "Hired", "type": "hired"}
    assert _archive({"archivedAt": 1736936450000, "reason": reason})["type"] == (
        "ats.candidate.hired"
    )


def test_a_rejections_reason_is_text_and_its_uuid_is_the_reason_id() -> None:
    event = _archive({"archivedAt": 1736936450000, "reason": REASON_ID})
    assert event["type"] == "ats.application.rejected"
    application = event["data"]["application"]
    assert application["rejection_reason_id"] == REASON_ID
    assert "rejection_reason" not in application  # only an id was sent: no text to give
    named = _archive(
        {
            "archivedAt": 1,
            "reason": {"id": REASON_ID, "text": "Underqualified", "type": "non-hired"},
        }
    )
    assert named["type"] == "ats.application.rejected"
    assert named["data"]["application"]["rejection_reason"] == "Underqualified"
    assert named["data"]["application"]["rejection_reason_id"] == REASON_ID
