"""SmartRecruiters (ATS): thin notifications whose facts are in headers, signed
``smartrecruiters-signature: v1=<hex>[;v1=<hex>…]``.

The signature is hex HMAC-SHA256, keyed by the subscription's secret key, of
``{smartrecruiters-timestamp}.{body}.{event-id}.{event-name}.{event-version}.{link}`` (a missing
header is empty text); while an old key is still valid (24 hours after a new one is made) every
live key's signature is sent and any one verifies. The body holds only the changed resource's
ids: the event's name and id are the ``event-name`` and ``event-id`` headers, so this adapter
normalises the request (``normalize_request``), not the body alone, and keeps those headers with
each receipt. Events are ``reference`` (ids only); the time is the signed send time.

SmartRecruiters counts only ``202`` as delivered. Activating a subscription POSTs an
``X-Hook-Secret`` header that must come back in a ``200`` (a handshake, never an event).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from providers import (
    BODY,
    BaseAdapter,
    Handshake,
    Header,
    NormalizationError,
    Signature,
    compact_json,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers.smartrecruiters.payloads import SmartRecruitersNotification
from providers.smartrecruiters.samples import REQUESTS, UNMAPPED_REQUESTS, VARIANT_REQUESTS
from schemas import EventData, Normalized
from schemas.events import (
    ApplicationData,
    CandidateData,
    JobData,
    JobPostingData,
    OfferData,
    OpeningData,
    ScorecardData,
)
from schemas.resources import (
    Application,
    Candidate,
    Job,
    JobPosting,
    Offer,
    Opening,
    Scorecard,
)

TIMESTAMP_HEADER = "smartrecruiters-timestamp"
EVENT_HEADERS = ("event-id", "event-name", "event-version", "link")
HOOK_SECRET_HEADER = "x-hook-secret"  # noqa: S105 - a header name, not a secret
MAX_AGE = 7 * 24 * 3600
"""Seconds a signed timestamp may be off: a week. SmartRecruiters retries a failed delivery up
to 10 times (1, 3, 10, 45, 120 minutes, … up to 1440 minutes after the ninth failure, longer
when a subscriber keeps failing) and does not say whether a retry is signed afresh, so the
window covers every documented retry of the first attempt's timestamp; the ``event-id`` dedup
turns a replay inside it into a duplicate."""

_APPROVAL = (
    "approval.created",
    "approval.rejected",
    "approval.abandoned",
    "approval.step.approved",
    "approval.step.rejected",
    "approver.skipped",
    "approver.delegated",
    "approval.comment.created",
)
EVENT_TYPES: dict[str, str] = {
    "application.created": "ats.application.created",
    "application.status.updated": "ats.application.stage_changed",
    "application.fields.updated": "ats.application.updated",
    "application.onboarding-status.updated": "ats.application.updated",
    "application.attachment.created": "ats.application.updated",
    "application.source.updated": "ats.application.updated",
    "application.screening-answers.created": "ats.application.updated",
    "application.screening-answers.updated": "ats.application.updated",
    "candidate.created": "ats.candidate.created",
    "candidate.updated": "ats.candidate.updated",
    "candidate.deleted": "ats.candidate.deleted",
    "job.created": "ats.job.created",
    "job.updated": "ats.job.updated",
    "job.status.updated": "ats.job.status_changed",
    "job.hiring-team.updated": "ats.job.updated",
    "job.ad.created": "ats.job_posting.created",
    "job.ad.updated": "ats.job_posting.updated",
    "job.ad.postings.updated": "ats.job_posting.updated",
    "position.created": "ats.opening.created",
    "position.updated": "ats.opening.updated",
    "position.deleted": "ats.opening.deleted",
    "offer.created": "ats.offer.created",
    "offer.updated": "ats.offer.updated",
    "offer.approval.approved": "ats.offer.approved",
    **{f"offer.{step}": "ats.offer.updated" for step in _APPROVAL},
    "job.approval.approved": "ats.job.approved",
    **{f"job.{step}": "ats.job.updated" for step in _APPROVAL},
    "review.created": "ats.scorecard.created",
    "review.updated": "ats.scorecard.updated",
    "review.deleted": "ats.scorecard.deleted",
}
"""Every event name of SmartRecruiters' Webhooks API (its ``EventName`` enumeration) that the
catalogue has a type for, and that type."""

UNMAPPED_TYPES: dict[str, str] = {
    "onboarding.process.started": "SmartOnboard's process for a new hire began: no type fits",
    "onboarding.assignments.high-priority.completed": "some onboarding tasks: no type fits",
    "onboarding.assignments.completed": "onboarding tasks of a new hire, not an employee record",
}
"""The documented event names stored and emitted as ``unmapped`` (payload kept), and why."""


# ---- data, per resource family ---------------------------------------------------------------


def _id(value: str | None) -> str | None:
    """An id the body gives, an empty one as none."""
    return value or None


def _sent_at(headers: Mapping[str, str]) -> str | None:
    """The signed send time (unix seconds), the only time a notification carries."""
    sent = headers.get(TIMESTAMP_HEADER, "").strip()
    if not (sent.isascii() and sent.isdigit()) or len(sent) > 12:
        return None
    return parse_timestamp(int(sent))


def _candidate(n: SmartRecruitersNotification) -> Candidate | None:
    return Candidate(id=n.candidate) if n.candidate else None


def _job(n: SmartRecruitersNotification) -> Job | None:
    return Job(id=n.job) if n.job else None


def _application(n: SmartRecruitersNotification) -> EventData:
    # SmartRecruiters names an application by its job and candidate; it has no id of its own.
    return ApplicationData(application=Application(candidate=_candidate(n), job=_job(n)))


def _candidate_data(n: SmartRecruitersNotification) -> EventData:
    return CandidateData(candidate=Candidate(id=_id(n.id) or n.candidate))


def _job_data(n: SmartRecruitersNotification) -> EventData:
    return JobData(job=Job(id=_id(n.id) or n.job))


def _approval_job(n: SmartRecruitersNotification) -> EventData:
    # An approval's own id is not a job's: the job is the one it belongs to.
    return JobData(job=Job(id=n.job))


def _posting(n: SmartRecruitersNotification) -> EventData:
    return JobPostingData(job_posting=JobPosting(id=_id(n.id), job_id=n.job), job=_job(n))


def _opening(n: SmartRecruitersNotification) -> EventData:
    return OpeningData(opening=Opening(id=_id(n.id), job_ids=[n.job] if n.job else None))


def _offer(n: SmartRecruitersNotification) -> EventData:
    return OfferData(offer=Offer(id=_id(n.id)), candidate=_candidate(n), job=_job(n))


def _approval_offer(n: SmartRecruitersNotification) -> EventData:
    return OfferData(offer=Offer(id=n.offer), candidate=_candidate(n), job=_job(n))


def _review(n: SmartRecruitersNotification) -> EventData:
    return ScorecardData(scorecard=Scorecard(id=_id(n.id)), candidate=_candidate(n), job=_job(n))


def _builder(name: str) -> Callable[[SmartRecruitersNotification], EventData]:
    if name.startswith("application."):
        return _application
    if name.startswith("candidate."):
        return _candidate_data
    if name.startswith("job.ad."):
        return _posting
    if name.startswith(("job.approval.", "job.approver.")):
        return _approval_job
    if name.startswith("job."):
        return _job_data
    if name.startswith("position."):
        return _opening
    if name.startswith(("offer.approval.", "offer.approver.")):
        return _approval_offer
    if name.startswith("offer."):
        return _offer
    return _review


_SAMPLE_HEADERS: dict[bytes, dict[str, str]] = {
    compact_json(body): headers
    for body, headers in (
        *REQUESTS.values(),
        *VARIANT_REQUESTS.values(),
        *UNMAPPED_REQUESTS.values(),
    )
}


class SmartRecruitersAdapter(BaseAdapter):
    name = "smartrecruiters"
    display_name = "SmartRecruiters"
    category = "ats"
    signature = Signature(
        header="smartrecruiters-signature",
        signed=(
            Header(TIMESTAMP_HEADER),
            ".",
            BODY,
            ".",
            Header("event-id", required=False),
            ".",
            Header("event-name", required=False),
            ".",
            Header("event-version", required=False),
            ".",
            Header("link", required=False),
        ),
        prefix="v1=",
        separators=";",
        timestamp_header=TIMESTAMP_HEADER,
        tolerance=MAX_AGE,
    )
    event_types = EVENT_TYPES
    accepted_status = 202
    kept_headers: ClassVar[tuple[str, ...]] = (
        TIMESTAMP_HEADER,
        "smartrecruiters-signature",
        *EVENT_HEADERS,
    )

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        # The activation request carries only X-Hook-Secret; an unsigned subscription (no secret
        # key generated) only the event headers.
        return HOOK_SECRET_HEADER in headers or all(h in headers for h in EVENT_HEADERS[:3])

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        secret = headers.get(HOOK_SECRET_HEADER)
        if secret is None or "event-name" in headers:
            return None
        # Echoing the value is the whole protocol: it proves this URL is ours to SmartRecruiters.
        return Handshake(status=200, headers={"X-Hook-Secret": secret})

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        """The event headers SmartRecruiters sends with a sample body (send-test, the demo)."""
        return {**super().request_headers(raw_body), **_SAMPLE_HEADERS.get(raw_body, {})}

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        """A body alone does not say what happened: read with the headers SmartRecruiters sends
        with it where unihook knows them (its own samples), else refused."""
        return self.normalize_request(
            raw_body, self.request_headers(raw_body), received_at=received_at
        )

    def normalize_request(
        self, raw_body: bytes, headers: Mapping[str, str], *, received_at: datetime
    ) -> Normalized:
        body: SmartRecruitersNotification = self.decode(raw_body, SmartRecruitersNotification)
        name = headers.get("event-name", "").strip()
        if not name:
            raise NormalizationError(self.name, "no event-name header: the event is unknown")
        event_id = headers.get("event-id", "").strip() or sha256_event_id(raw_body)
        timestamp = _sent_at(headers) or format_timestamp(received_at)
        if name not in EVENT_TYPES:
            return self.unmapped(raw_body, name, event_id, timestamp)
        return self.parts(
            vendor_type=name,
            event_id=event_id,
            timestamp=timestamp,
            completeness="reference",
            data=_builder(name)(body),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return {name: body for name, (body, _) in REQUESTS.items()}

    def sample_variants(self) -> dict[str, bytes]:
        return {kind: compact_json(body) for kind, (body, _) in VARIANT_REQUESTS.items()}
