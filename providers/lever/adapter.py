"""Lever (ATS): ``{event, triggeredAt, token, signature, data}``, signed inside the body.

Lever signs only ``token + triggeredAt`` (hex HMAC-SHA256 keyed by the webhook's signature
token) and sends no signature header: ``data`` is not covered, so every event says
``signature_scope: "envelope"``. The token is the dedup key (a replayed token is a duplicate) and
a ``triggeredAt`` older than the ``max_age`` setting is refused. Deliveries carry ids only.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    NormalizationError,
    Signature,
    compact_json,
    format_timestamp,
    parse_json,
    parse_timestamp,
    sha256_event_id,
    stale_request,
)
from providers.lever.events import ALSO_EMITS, EVENT_TYPES
from providers.lever.payloads import LArchived, LArchiveReason, LData, LEnvelope, LSigned
from providers.lever.samples import SAMPLES, VARIANTS
from providers.lever.signing import signature, signed_text
from schemas import EventData, Normalized
from schemas.events import ApplicationData, CandidateData, InterviewData, TestData
from schemas.resources import Application, Candidate, Interview, Job, Stage

USER_AGENT = "Lever-Webhooks"
DEFAULT_MAX_AGE = 14 * 86400
"""Lever's delivery history lets a user re-run any delivery of the past two weeks, with its
original (signed) ``triggeredAt``: a shorter window would refuse, and lose, every re-run."""
TEST_MESSAGE = "Lever webhook test request"


def _millis(value: object) -> float | None:
    """``triggeredAt`` as epoch milliseconds, else None (also for numbers no clock reaches)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        millis = float(value)
    except (ValueError, OverflowError):
        return None
    return millis if math.isfinite(millis) else None


def _opportunity(data: LData) -> str | None:
    """Lever's opportunity is the candidacy (one application each); ``candidateId`` is its
    deprecated alias."""
    return data.opportunity_id or data.candidate_id


def _candidate(data: LData) -> Candidate | None:
    return Candidate(id=data.contact_id) if data.contact_id else None


def _reason(archived: LArchived | None) -> LArchiveReason | None:
    """The archive reason, whether Lever sent its id alone or the reason itself."""
    if archived is None or archived.reason is None:
        return None
    if isinstance(archived.reason, str):
        return LArchiveReason(id=archived.reason)
    return archived.reason


def _is_hire(data: LData) -> bool:
    """An archive is a hire when it fills a requisition or its reason is of type ``hired``
    (Lever archives an opportunity either as rejected or as hired)."""
    archived = data.to_archived
    if archived is None:
        return False
    reason = _reason(archived)
    return bool(archived.requisition_for_hire or data.requisition_for_hire) or (
        reason is not None and reason.type == "hired"
    )


def _application(data: LData) -> Application:
    reason = _reason(data.to_archived)
    return Application(
        id=_opportunity(data),
        candidate=_candidate(data),
        job=Job(id=data.posting_id) if data.posting_id else None,
        stage=Stage(id=data.to_stage_id) if data.to_stage_id else None,
        # a bare id is not the reason's text: that stays absent until the event is completed
        rejection_reason=reason.text if reason is not None else None,
        rejection_reason_id=reason.id if reason is not None else None,
    )


def _opportunity_only(data: LData) -> Application | None:
    """The candidacy an event about a person or an interview names, without its candidate."""
    opportunity = _opportunity(data)
    return Application(id=opportunity) if opportunity else None


def _unarchived(data: LData) -> bool:
    return data.to_archived is None and data.from_archived is not None


def _application_data(data: LData) -> ApplicationData:
    return ApplicationData(
        application=_application(data),
        previous_stage=Stage(id=data.from_stage_id) if data.from_stage_id else None,
    )


def _candidate_data(data: LData) -> CandidateData:
    return CandidateData(
        candidate=_candidate(data) or Candidate(), application=_opportunity_only(data)
    )


def _interview_data(data: LData) -> InterviewData:
    return InterviewData(
        interview=Interview(id=data.interview_id),
        candidate=_candidate(data),
        application=_opportunity_only(data),
    )


ENVELOPE_SIGNATURE = Signature(header="signature")
"""Lever's hex HMAC-SHA256, applied to ``signed_text`` (the body's fields) rather than a body."""


class LeverAdapter(BaseAdapter):
    name = "lever"
    display_name = "Lever"
    category = "ats"
    signature_scope = "envelope"
    event_types = EVENT_TYPES
    also_emits = ALSO_EMITS

    # -- detection and verification -----------------------------------------------------------

    def detect(self, headers: Mapping[str, str]) -> bool:
        """Lever sends ``User-Agent: Lever-Webhooks`` (its docs print it in quotes)."""
        agent = headers.get("user-agent", "").strip().strip('"').strip()
        return agent.lower().startswith(USER_AGENT.lower())

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """A JSON object carrying Lever's four envelope fields, for requests without the agent."""
        if b'"triggeredAt"' not in raw_body or b'"signature"' not in raw_body:
            return False
        try:
            probe = msgspec.json.decode(raw_body, type=LSigned)
            event = msgspec.json.decode(raw_body, type=dict[str, Any]).get("event")
        except Exception:  # hostile input: simply not Lever
            return False
        return (
            isinstance(event, str)
            and isinstance(probe.signature, str)
            and signed_text(probe.token, probe.triggered_at) is not None
        )

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        """The body's ``signature`` over ``token + triggeredAt`` (Lever signs nothing else)."""
        try:
            fields = msgspec.json.decode(raw_body, type=LSigned)
        except Exception:  # fail closed on anything hostile input can provoke
            return False
        text = signed_text(fields.token, fields.triggered_at)
        if text is None or not isinstance(fields.signature, str):
            return False
        return ENVELOPE_SIGNATURE.verify(text, {"signature": fields.signature}, secrets)

    def check_request(
        self,
        raw_body: bytes,
        headers: Mapping[str, str],
        *,
        now: datetime,
        settings: Mapping[str, str],
    ) -> str | None:
        """Refuse a verified request whose ``triggeredAt`` is further than ``max_age`` seconds
        from ``now`` (a replay of an old signed body)."""
        try:
            fields = msgspec.json.decode(raw_body, type=LSigned)
        except Exception:
            return "triggeredAt is missing"
        millis = _millis(fields.triggered_at)
        if millis is None:
            return "triggeredAt is missing"
        return stale_request(
            millis / 1000,
            now=now,
            settings=settings,
            default_max_age=DEFAULT_MAX_AGE,
            what="triggeredAt",
        )

    # -- signing as Lever does (send-test, the conformance kit, the simulator) -----------------

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        return {**super().request_headers(raw_body), "user-agent": USER_AGENT}

    def sign_request(
        self, raw_body: bytes, secret: str, *, now: datetime
    ) -> tuple[bytes, dict[str, str]]:
        """The body re-signed as Lever would send it at ``now``: a fresh ``triggeredAt``, a
        48-character token derived from the body and the time, and their signature."""
        payload = parse_json(raw_body)
        if not isinstance(payload, dict):
            raise ValueError("a Lever body is a JSON object")
        millis = int(now.timestamp() * 1000)
        seed = str(millis).encode() + b"\x00" + raw_body
        token = hashlib.sha256(seed).hexdigest()[:48]
        fresh = {
            "triggeredAt": millis,
            "token": token,
            "signature": signature(token, millis, secret),
        }
        out = {key: fresh.get(key, value) for key, value in payload.items()}
        out.update({key: value for key, value in fresh.items() if key not in out})
        return compact_json(out), self.request_headers(raw_body)

    # -- normalisation ------------------------------------------------------------------------

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: LEnvelope = self.decode(raw_body, LEnvelope)
        token = env.token if isinstance(env.token, str) and env.token else None
        event_id = token or env.id or sha256_event_id(raw_body)
        timestamp = parse_timestamp(_millis(env.triggered_at)) or format_timestamp(received_at)
        canonical = EVENT_TYPES.get(env.event)
        if canonical is None:
            return self.unmapped(raw_body, env.event, event_id, timestamp)
        raw_data = bytes(env.data).strip()
        if env.event == "candidateHired" and raw_data in (b"{}", b"null"):
            return Normalized(
                type="connection.test",
                timestamp=timestamp,
                event_id=event_id,
                event_type=env.event,
                completeness="full",
                data=TestData(message=TEST_MESSAGE),
                signature_scope="envelope",
            )
        data: LData = LData() if raw_data == b"null" else self.decode(env.data, LData)
        if env.event == "candidateArchiveChange" and _unarchived(data):
            canonical = "ats.application.unrejected"
        elif env.event == "candidateArchiveChange" and _is_hire(data):
            canonical = "ats.candidate.hired"
        family = canonical.rsplit(".", 1)[0]
        built: EventData
        if family == "ats.application":
            built = _application_data(data)
        elif family == "ats.candidate":
            built = _candidate_data(data)
        elif family == "ats.interview":
            built = _interview_data(data)
        else:  # pragma: no cover - every mapped type belongs to one of the families above
            raise NormalizationError(self.name, f"no data builder for {canonical}")
        return Normalized(
            type=canonical,
            timestamp=timestamp,
            event_id=event_id,
            event_type=env.event,
            completeness="reference",
            data=built,
            signature_scope="envelope",
        )

    # -- samples ------------------------------------------------------------------------------

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        """Bodies beyond one per type, keyed ``<event>:<variant>``: the dashboard's test request
        and an unarchive."""
        return {key: compact_json(payload) for key, payload in VARIANTS.items()}
