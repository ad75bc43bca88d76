"""Greenhouse's signature: ``Signature: sha256 <hex>`` over the body exactly as received."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from providers import NormalizationError
from providers.greenhouse import adapter
from providers.registry import default_registry

SECRET = "gh-test-secret"
# Computed with Python's hmac from the bytes below; Greenhouse publishes no test vector.
ESCAPED = (
    b'{"action":"job_post_updated","payload":{"id":1,'
    b'"content":"\\u003cp\\u003ehello\\u003c/p\\u003e"}}'
)
ESCAPED_SIGNATURE = "sha256 c6267106cbc8991231432d62bcb517b7bd3217f43b7c4817b453d0f18ad939dc"
RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)


def _sig(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"signature": f"sha256 {digest}"}


def test_the_escaped_body_verifies_on_its_own_bytes() -> None:
    assert _sig(ESCAPED)["signature"] == ESCAPED_SIGNATURE
    assert adapter.verify(ESCAPED, {"signature": ESCAPED_SIGNATURE}, [SECRET])


@pytest.mark.parametrize(
    "reserialised",
    [
        json.dumps(json.loads(ESCAPED), separators=(",", ":"), ensure_ascii=False).encode(),
        json.dumps(json.loads(ESCAPED), separators=(",", ":")).encode(),
        json.dumps(json.loads(ESCAPED)).encode(),
        json.dumps(json.loads(ESCAPED), indent=2).encode(),
    ],
    ids=["compact", "compact-ascii", "python-default", "pretty"],
)
def test_a_reserialised_body_does_not_verify(reserialised: bytes) -> None:
    """The same JSON value, written again, is not what Greenhouse signed."""
    assert json.loads(reserialised) == json.loads(ESCAPED)
    assert reserialised != ESCAPED
    assert not adapter.verify(reserialised, {"signature": ESCAPED_SIGNATURE}, [SECRET])


def test_unescaping_the_html_is_tampering() -> None:
    literal = ESCAPED.replace(b"\\u003c", b"<").replace(b"\\u003e", b">")
    assert json.loads(literal) == json.loads(ESCAPED)
    assert not adapter.verify(literal, {"signature": ESCAPED_SIGNATURE}, [SECRET])
    assert adapter.verify(literal, _sig(literal), [SECRET])  # signed as sent, it verifies


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.replace(b'"id":1', b'"id":2'),
        lambda b: b + b"\n",
        lambda b: b" " + b,
        lambda b: b[:-1],
        lambda b: b.replace(b"hello", b"hellO"),
    ],
    ids=["value", "trailing-newline", "leading-space", "truncated", "one-letter"],
)
def test_tampered_bytes_fail(edit: Any) -> None:
    assert not adapter.verify(edit(ESCAPED), {"signature": ESCAPED_SIGNATURE}, [SECRET])


@pytest.mark.parametrize(
    "header",
    [
        ESCAPED_SIGNATURE.replace("sha256 ", "sha256="),
        ESCAPED_SIGNATURE.replace("sha256 ", ""),
        ESCAPED_SIGNATURE.replace("sha256 ", "sha1 "),
        ESCAPED_SIGNATURE.replace("sha256 ", "sha512 "),
        ESCAPED_SIGNATURE.replace("sha256 ", "SHA256 "),
        ESCAPED_SIGNATURE.replace("sha256 ", "sha256  "),
        ESCAPED_SIGNATURE.replace("sha256 ", "sha256\t"),
        ESCAPED_SIGNATURE + "00",
        ESCAPED_SIGNATURE[:-2],
        ESCAPED_SIGNATURE + ",sha256 " + "0" * 64,
        "sha256 " + "0" * 64,
        "sha256 ",
        "",
    ],
)
def test_any_other_header_form_fails(header: str) -> None:
    assert not adapter.verify(ESCAPED, {"signature": header}, [SECRET])


def test_an_upper_case_hex_digest_still_verifies() -> None:
    upper = "sha256 " + ESCAPED_SIGNATURE.removeprefix("sha256 ").upper()
    assert adapter.verify(ESCAPED, {"signature": upper}, [SECRET])


def test_the_secret_is_the_typed_text_as_utf8() -> None:
    secret = "clé-secrète-ü"
    assert adapter.verify(ESCAPED, _sig(ESCAPED, secret), [secret])
    assert not adapter.verify(ESCAPED, _sig(ESCAPED, secret), ["cle-secrete-u"])


def test_detection_needs_a_signature_header_starting_sha256_space() -> None:
    assert adapter.detect({"signature": ESCAPED_SIGNATURE})
    assert not adapter.detect({"signature": "sha256=abc"})
    assert not adapter.detect({"ashby-signature": "sha256=abc"})
    assert not adapter.detect({"x-signature": ESCAPED_SIGNATURE})
    detected = [a.name for a in default_registry().detect({"signature": ESCAPED_SIGNATURE})]
    assert detected == ["greenhouse"]


def test_sign_writes_the_header_greenhouse_sends() -> None:
    assert (
        adapter.sign_request(ESCAPED, SECRET, now=datetime.now(UTC))[1]["signature"]
        == ESCAPED_SIGNATURE
    )


def test_samples_are_on_the_wire_as_greenhouse_escapes_them() -> None:
    body = adapter.sample_events()["job_post_created"]
    assert b"\\u003cp\\u003e" in body
    assert b"<" not in body
    assert b">" not in body
    assert b"\n" not in body


def test_the_event_id_is_the_body_hash_whatever_the_delivery_id() -> None:
    body = adapter.sample_events()["candidate_stage_change"]
    parts = adapter.normalize(body, received_at=RECEIVED_AT)
    assert parts.event_id == "sha256:" + hashlib.sha256(body).hexdigest()
    later = adapter.normalize(body, received_at=datetime(2025, 1, 2, tzinfo=UTC))
    assert later.event_id == parts.event_id


def test_prospect_applications_are_application_created_with_prospect_true() -> None:
    samples = adapter.sample_events()
    prospect = adapter.normalize(samples["new_prospect_application"], received_at=RECEIVED_AT)
    candidate = adapter.normalize(samples["new_candidate_application"], received_at=RECEIVED_AT)
    assert prospect.type == candidate.type == "ats.application.created"
    assert prospect.data.application.prospect is True  # type: ignore[union-attr]
    assert candidate.data.application.prospect is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "body",
    [
        b'{"action":"candidate_stage_change","payload":[]}',
        b'{"action":"candidate_stage_change"}',
        b'{"action":"candidate_stage_change","payload":{}}',
        b'{"action":"offer_deleted","payload":{"offer":"x"}}',
        b'{"action":"job_deleted","payload":{"job":{"id":{"nested":1}}}}',
    ],
)
def test_a_known_action_with_a_payload_of_the_wrong_shape_is_a_normalization_error(
    body: bytes,
) -> None:
    with pytest.raises(NormalizationError):
        adapter.normalize(body, received_at=RECEIVED_AT)


def test_offer_dates_are_iso_whatever_form_greenhouse_writes() -> None:
    body = (
        b'{"action":"offer_created","payload":{"id":1,"version":3,"offer_status":"Created",'
        b'"sent_on":"2013-03-22","start_date":"04/15/2013"}}'
    )
    offer = adapter.normalize(body, received_at=RECEIVED_AT).data.offer  # type: ignore[union-attr]
    assert (offer.sent_date, offer.start_date, offer.version) == ("2013-03-22", "2013-04-15", 3)
    assert offer.sent_at is None  # a day is not an instant


def _sample_event(action: str) -> dict[str, Any]:
    gh = default_registry().get("greenhouse")
    parts = gh.normalize(gh.sample_events()[action], received_at=RECEIVED_AT)
    return {"type": parts.type, "data": json.loads(msgspec.json.encode(parts.data))}


def test_delete_candidate_lists_the_applications_deleted_with_it() -> None:
    """Greenhouse fires no web hook of its own for those applications: without their ids here a
    subscriber keeps them forever."""
    event = _sample_event("delete_candidate")
    assert event["type"] == "ats.candidate.deleted"
    assert event["data"]["deleted_application_ids"] == ["46196263", "46196258"]


def test_a_hire_carries_the_offers_start_date() -> None:
    event = _sample_event("hire_candidate")
    assert event["type"] == "ats.candidate.hired"
    assert event["data"]["offer"]["id"] == "506409"
    assert event["data"]["offer"]["start_date"] == "2015-01-23"
