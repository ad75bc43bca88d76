"""Greenhouse Recruiting: ``{action, payload}`` signed in ``Signature: sha256 <hex>``.

Greenhouse signs the body exactly as it sends it, after escaping characters such as ``<`` and
``>`` as ``\\u003c``/``\\u003e``: the signature is checked over the received bytes only, never
over a re-serialisation, which would undo the escapes. The payload's shape depends on the
action (``payload.application``, ``payload.candidate``, ``payload.person``, the offer or job
post itself...), so each action has its own rule below. Greenhouse sends no event id that is
stable across retries (``Greenhouse-Event-ID`` names one delivery) and no event time:
``source.event_id`` is ``sha256:`` of the raw body, and the time is the payload's own time for
the change where it has one, else the receive time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from providers import (
    BaseAdapter,
    NormalizationError,
    Signature,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers.greenhouse import mapping as m
from providers.greenhouse import payloads as gh
from providers.greenhouse.samples import sample_payloads, wire_json
from schemas import Completeness, EventData, Normalized

EVENT_TYPES: dict[str, str] = {
    "new_candidate_application": "ats.application.created",
    "new_prospect_application": "ats.application.created",
    "application_updated": "ats.application.updated",
    "candidate_stage_change": "ats.application.stage_changed",
    "reject_candidate": "ats.application.rejected",
    "unreject_candidate": "ats.application.unrejected",
    "delete_application": "ats.application.deleted",
    "update_candidate": "ats.candidate.updated",
    "hire_candidate": "ats.candidate.hired",
    "unhire_candidate": "ats.candidate.unhired",
    "delete_candidate": "ats.candidate.deleted",
    "merge_candidate": "ats.candidate.merged",
    "candidate_anonymized": "ats.candidate.anonymized",
    "interview_deleted": "ats.interview.deleted",
    "scorecard_deleted": "ats.scorecard.deleted",
    "offer_created": "ats.offer.created",
    "offer_updated": "ats.offer.updated",
    "offer_deleted": "ats.offer.deleted",
    "offer_approved": "ats.offer.approved",
    "job_created": "ats.job.created",
    "job_updated": "ats.job.updated",
    "job_deleted": "ats.job.deleted",
    "job_approved": "ats.job.approved",
    "job_post_created": "ats.job_posting.created",
    "job_post_updated": "ats.job_posting.updated",
    "job_post_deleted": "ats.job_posting.deleted",
    "job_interview_stage_deleted": "ats.stage.deleted",
    "department_deleted": "ats.department.deleted",
    "office_deleted": "ats.office.deleted",
    "ping": "connection.test",
}

SIGNATURE_PREFIX = "sha256 "


# ---- one rule per action: the payload's shape, how to map it, and its best time -----------


@dataclass(frozen=True, slots=True)
class Rule:
    shape: type[Any]
    build: Callable[[Any], EventData]
    completeness: Completeness
    time: Callable[[Any], object] = lambda _: None


RULES: dict[str, Rule] = {
    "new_candidate_application": Rule(
        gh.ApplicationPayload,
        m.application_data,
        "full",
        lambda p: p.application and p.application.applied_at,
    ),
    "new_prospect_application": Rule(
        gh.ApplicationPayload,
        m.application_data,
        "full",
        lambda p: p.application and p.application.applied_at,
    ),
    "application_updated": Rule(gh.ApplicationPayload, m.application_data, "full", m.activity),
    "candidate_stage_change": Rule(gh.ApplicationPayload, m.application_data, "full", m.activity),
    "reject_candidate": Rule(
        gh.ApplicationPayload,
        m.application_data,
        "full",
        lambda p: p.application and p.application.rejected_at,
    ),
    "unreject_candidate": Rule(gh.ApplicationPayload, m.application_data, "full", m.activity),
    "delete_application": Rule(gh.ApplicationPayload, m.application_data, "partial"),
    "update_candidate": Rule(gh.CandidatePayload, m.updated_candidate, "full"),
    "hire_candidate": Rule(gh.ApplicationPayload, m.hire_data, "full"),
    "unhire_candidate": Rule(gh.ApplicationPayload, m.hire_data, "full", m.activity),
    "delete_candidate": Rule(gh.PersonPayload, m.deleted_candidate, "partial"),
    "merge_candidate": Rule(gh.PersonPayload, m.merged_candidate, "partial"),
    "candidate_anonymized": Rule(gh.AnonymizedPayload, m.anonymized, "reference"),
    "interview_deleted": Rule(gh.InterviewPayload, m.interview_data, "reference"),
    "scorecard_deleted": Rule(gh.ScorecardPayload, m.scorecard_data, "partial"),
    "offer_created": Rule(gh.GhOffer, m.offer_data, "full"),
    "offer_updated": Rule(gh.GhOffer, m.offer_data, "full"),
    "offer_deleted": Rule(gh.OfferPayload, m.deleted_offer, "full"),
    "offer_approved": Rule(gh.GhOffer, m.offer_data, "full"),
    "job_created": Rule(gh.JobPayload, m.job_data, "full", lambda p: p.job and p.job.created_at),
    "job_updated": Rule(gh.JobPayload, m.job_data, "full"),
    "job_deleted": Rule(gh.JobPayload, m.job_data, "partial"),
    "job_approved": Rule(gh.JobPayload, m.job_data, "full"),
    "job_post_created": Rule(gh.GhJobPost, m.posting_data, "full", lambda p: p.updated_at),
    "job_post_updated": Rule(gh.GhJobPost, m.posting_data, "full", lambda p: p.updated_at),
    "job_post_deleted": Rule(gh.JobPostPayload, m.deleted_posting, "full"),
    "job_interview_stage_deleted": Rule(gh.StagePayload, m.stage_data, "full"),
    "department_deleted": Rule(gh.DepartmentPayload, m.department_data, "full"),
    "office_deleted": Rule(gh.OfficePayload, m.office_data, "full"),
    "ping": Rule(gh.GhPing, m.ping_data, "full"),
}


class GreenhouseAdapter(BaseAdapter):
    name = "greenhouse"
    display_name = "Greenhouse"
    category = "ats"
    # ``Signature: sha256 <hex>`` over the bytes received, exactly: never re-serialised.
    signature = Signature(header="Signature", prefix=SIGNATURE_PREFIX, prefix_case_sensitive=True)
    event_types = EVENT_TYPES
    # Greenhouse counts only a 200 as delivered ("a non HTTP 200 response" is retried, and a
    # failed ping creates the web hook disabled): every accepted body is answered 200.
    accepted_status: ClassVar[int] = 200
    kept_headers: ClassVar[tuple[str, ...]] = ("greenhouse-event-id",)

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        head: gh.GhHead = self.decode(raw_body, gh.GhHead)
        event_id = sha256_event_id(raw_body)
        rule = RULES.get(head.action)
        if rule is None:
            return self.unmapped(raw_body, head.action, event_id, format_timestamp(received_at))
        if not bytes(head.payload).lstrip().startswith(b"{"):
            raise NormalizationError(self.name, "invalid payload: `payload` is not an object")
        payload = self.decode(head.payload, rule.shape)
        data = rule.build(payload)
        timestamp = parse_timestamp(rule.time(payload)) or format_timestamp(received_at)
        return self.parts(
            vendor_type=head.action,
            event_id=event_id,
            timestamp=timestamp,
            completeness=rule.completeness,
            data=data,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return sample_payloads()

    def sample_events(self) -> dict[str, bytes]:
        """Each sample as Greenhouse puts it on the wire: compact, ``<``/``>``/``&`` escaped."""
        return {action: wire_json(body) for action, body in sample_payloads().items()}


adapter = GreenhouseAdapter()
