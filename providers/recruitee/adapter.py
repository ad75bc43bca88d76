"""Recruitee (ATS): ``{id, created_at, event_type, event_subtype, payload}``, signed
``X-Recruitee-Signature: <hex>``.

The signature is the hex HMAC-SHA256 of the raw body keyed by the webhook's secret (shown in
Recruitee's webhook dialog); there is no timestamp. Recruitee counts only ``200`` as delivered,
so every accepted, duplicate or quarantined body is answered ``200``. Its Test button sends
``{"test": true}``: signed, it is a ``connection.test`` event; unsigned (the dialog's
"Verify and create" may test before the secret reached unihook), it is answered ``200`` and kept
nowhere, so the webhook can be created. The event id is the body's ``id`` (one per event; the
request log retries it with ``attempt_count`` raised), else the ``sha256:`` of the raw body.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from providers import (
    BaseAdapter,
    Handshake,
    Signature,
    compact_json,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers._json import parse_json
from providers.recruitee.payloads import (
    RecruiteeCandidate,
    RecruiteeCompany,
    RecruiteeDetails,
    RecruiteeOffer,
    RecruiteePayload,
    RecruiteeStage,
    RecruiteeWebhook,
)
from providers.recruitee.samples import SAMPLES, VARIANTS
from schemas import Normalized
from schemas.events import ApplicationData, CandidateData, TestData
from schemas.resources import Application, Candidate, Company, Job, JobStatus, Stage

TEST_TYPE = "test"
"""The vendor type unihook gives the Test button's body, which names no ``event_type``."""

EVENT_TYPES: dict[str, str] = {
    "candidate_created": "ats.candidate.created",
    "candidate_assigned": "ats.application.created",
    "candidate_moved": "ats.application.stage_changed",
    "candidate_deleted": "ats.candidate.deleted",
    TEST_TYPE: "connection.test",
}
"""Every ``event_type`` Recruitee's webhook dialog offers that its public material names, and
the Test button's body."""

MOVE_SUBTYPES: dict[str, str] = {
    "stage_changed": "ats.application.stage_changed",
    "disqualified": "ats.application.rejected",
    "requalified": "ats.application.unrejected",
}
"""``candidate_moved`` says by its ``event_subtype`` whether the move was to another stage, out
of the pipeline (disqualified) or back into it."""

JOB_STATUSES: dict[str, JobStatus] = {
    "draft": "draft",
    "published": "open",
    "internal": "open",
    "closed": "closed",
    "archived": "archived",
}
TEST_MESSAGE = "Recruitee test request: checking that the webhook URL answers 200"
USER_AGENT = "Recruitee-Webhooks"


def _text(value: int | str | None) -> str | None:
    return None if value is None else str(value)


def _candidate(c: RecruiteeCandidate | None) -> Candidate:
    if c is None:
        return Candidate()
    return Candidate(
        id=_text(c.id),
        name=c.name,
        email=c.emails[0] if c.emails else None,
        phone=c.phones[0] if c.phones else None,
        photo_url=c.photo_thumb_url,
        tags=c.tags,
    )


def _job(o: RecruiteeOffer | None) -> Job | None:
    if o is None:
        return None
    return Job(
        id=_text(o.id),
        title=o.title,
        status=JOB_STATUSES.get(o.status, "unknown") if o.status is not None else None,
        raw_status=o.status,
        department=o.department,
    )


def _stage(s: RecruiteeStage | None) -> Stage | None:
    return Stage(id=_text(s.id), name=s.name) if s is not None else None


def _company(c: RecruiteeCompany | None) -> Company | None:
    if c is None:
        return None
    return Company(id=_text(c.id), name=c.name, slug=c.subdomain)


def _is_test_body(raw_body: bytes) -> bool:
    try:
        document = parse_json(raw_body)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("test") is True and len(document) == 1


class RecruiteeAdapter(BaseAdapter):
    name = "recruitee"
    display_name = "Recruitee"
    category = "ats"
    signature = Signature(header="X-Recruitee-Signature")
    event_types = EVENT_TYPES
    also_emits: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "candidate_moved": ("ats.application.rejected", "ats.application.unrejected"),
    }
    accepted_status = 200

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        # Recruitee's unsigned test request carries no header of its own but its agent.
        return headers.get("user-agent", "").startswith(USER_AGENT)

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        if self.signature_header.lower() in headers or not _is_test_body(raw_body):
            return None
        return Handshake(status=200, headers={"content-type": "application/json"}, body=b"{}")

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        return {**super().request_headers(raw_body), "user-agent": USER_AGENT}

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        body: RecruiteeWebhook = self.decode(raw_body, RecruiteeWebhook)
        event_id = _text(body.id) or sha256_event_id(raw_body)
        timestamp = parse_timestamp(body.created_at) or format_timestamp(received_at)
        if body.test:
            # The Test button's body, or a Test payload button's example event: never real.
            message = TEST_MESSAGE
            if body.event_type is not None:
                message = f"{TEST_MESSAGE} (example {body.event_type} payload)"
            return self.parts(
                vendor_type=TEST_TYPE,
                event_id=event_id,
                timestamp=timestamp,
                completeness="full",
                data=TestData(message=message),
            )
        vendor_type = body.event_type or ""
        if vendor_type not in EVENT_TYPES or vendor_type == TEST_TYPE:
            return self.unmapped(raw_body, vendor_type, event_id, timestamp)
        payload = body.payload or RecruiteePayload()
        candidate = _candidate(payload.candidate)
        job = _job(payload.offer)
        company = _company(payload.company)
        if vendor_type in ("candidate_created", "candidate_deleted"):
            return self.parts(
                vendor_type=vendor_type,
                event_id=event_id,
                timestamp=timestamp,
                completeness="full" if vendor_type == "candidate_created" else "reference",
                data=CandidateData(candidate=candidate, job=job, company=company),
            )
        details = payload.details or RecruiteeDetails()
        canonical = EVENT_TYPES[vendor_type]
        if vendor_type == "candidate_moved":
            canonical = MOVE_SUBTYPES.get(body.event_subtype or "", canonical)
        rejected = canonical == "ats.application.rejected"
        application = Application(
            candidate=candidate,
            job=job,
            stage=_stage(details.to_stage),
            rejection_reason=details.disqualify_reason if rejected else None,
        )
        data = ApplicationData(
            application=application, previous_stage=_stage(details.from_stage), company=company
        )
        return self.parts(
            vendor_type=vendor_type,
            event_id=event_id,
            timestamp=timestamp,
            completeness="full",
            data=data,
            canonical=canonical,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return {kind: compact_json(payload) for kind, payload in VARIANTS.items()}
