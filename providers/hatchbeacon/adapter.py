"""HatchBeacon (ATS): audit logs ``{event, timestamp, data{log, details}}``, signed in
``X-Webhook-Signature``.

HatchBeacon's docs verify a hex HMAC-SHA256 over ``JSON.stringify(payload)`` (Node sample) and over
``json.dumps(payload)`` (Python sample), so the raw body and both re-serialisations are accepted.
It sends no event id: ``source.event_id`` is ``sha256:`` of the raw body. Events are audit logs
(``partial``): ``data.log.resourceId`` is the id of the resource the event names, the log's user
is the actor, ``details.candidateName`` / ``details.jobTitle`` name the candidate and the job.

Guessed, not in HatchBeacon's docs (its only example of ``details`` is ``{method, path,
candidateName, jobTitle}``). Each key is read only when it holds a non-empty string, so a wrong
guess maps nothing rather than failing:

- application events: ``details.newStatus`` / ``status`` / ``toStatus`` is the application's
  stage (by name); ``previousStatus`` / ``oldStatus`` / ``fromStatus`` is ``previous_stage``
  (``application_status_changed`` only);
- job events: ``details.status`` / ``jobStatus`` is the job's status, ``previousStatus`` /
  ``oldStatus`` its ``previous_status``; ``details.title`` when ``jobTitle`` is absent;
- events about another resource: ``details.candidateId`` / ``candidateEmail`` / ``jobId``;
- ``user_*``: ``details.name`` / ``email`` is the user; when ``resourceId`` is the log's own
  ``userId`` (someone editing their own profile) the log's name and email are used;
- ``note_added``: ``details.note`` / ``content`` / ``body`` is the note's text.

The samples carry some of these guessed keys so that the mapping is exercised.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    Signature,
    first_timestamp,
    format_timestamp,
    js_restringify,
    sha256_event_id,
)
from providers.hatchbeacon.payloads import HAudit, HDetails, HEnvelope, HLog, HTest, LogTime
from providers.hatchbeacon.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import (
    ApplicationData,
    CandidateData,
    InterviewData,
    JobData,
    NoteData,
    OfferData,
    ReferralData,
    TestData,
    UserData,
)
from schemas.resources import (
    Application,
    Candidate,
    Interview,
    Job,
    JobStatus,
    Note,
    Offer,
    Person,
    Referral,
    Stage,
)

EVENT_TYPES: dict[str, str] = {
    "job_application_created": "ats.application.created",
    "job_application_updated": "ats.application.updated",
    "application_status_changed": "ats.application.stage_changed",
    "interview_scheduled": "ats.interview.scheduled",
    "interview_completed": "ats.interview.completed",
    "offer_sent": "ats.offer.sent",
    "offer_accepted": "ats.offer.accepted",
    "offer_rejected": "ats.offer.rejected",
    "candidate_hired": "ats.candidate.hired",
    "job_created": "ats.job.created",
    "job_updated": "ats.job.updated",
    "job_closed": "ats.job.status_changed",
    "referral_created": "ats.referral.created",
    "note_added": "ats.note.created",
    "user_created": "ats.user.created",
    "user_updated": "ats.user.updated",
    "webhook.test": "connection.test",
}

JOB_STATUSES: dict[str, JobStatus] = {
    "draft": "draft",
    "open": "open",
    "active": "open",
    "published": "open",
    "closed": "closed",
    "archived": "archived",
}


# ---- HatchBeacon's payload, as its docs describe it (plus the guesses above) -----------------


_NO_DETAILS = HDetails()
_NULL = msgspec.Raw(b"null")


def _text(*values: Any) -> str | None:
    """The first value that is a non-empty string."""
    for value in values:
        if isinstance(value, str) and value:
            return value
    return None


def _actor(log: HLog) -> Person | None:
    if log.user_id is None and log.user_name is None and log.user_email is None:
        return None
    return Person(id=log.user_id, name=log.user_name, email=log.user_email)


RESOURCE_TYPES: dict[str, frozenset[str]] = {
    "application": frozenset({"jobapplication", "application"}),
    "candidate": frozenset({"candidate"}),
    "job": frozenset({"job", "jobposting", "position"}),
    "note": frozenset({"note", "comment"}),
    "interview": frozenset({"interview"}),
    "offer": frozenset({"offer"}),
    "referral": frozenset({"referral"}),
    "user": frozenset({"user"}),
}


def _resource_id(log: HLog, resource: str) -> str | None:
    """``log.resourceId`` when the log's ``resourceType`` says it is a ``resource`` (or says
    nothing): a log naming an application must not file its id as the candidate's or note's."""
    kind = log.resource_type
    if kind is None:
        return log.resource_id
    normalised = kind.lower().replace("_", "").replace("-", "")
    return log.resource_id if normalised in RESOURCE_TYPES[resource] else None


def _named_application(log: HLog) -> Application | None:
    """The application a log names by its ``resourceType`` (an event about a candidate may be
    logged on the application it concerns, e.g. a hire)."""
    if log.resource_type is None:
        return None
    application_id = _resource_id(log, "application")
    return Application(id=application_id) if application_id is not None else None


def _candidate(d: HDetails, id: str | None = None) -> Candidate | None:
    cid = id or _text(d.candidate_id)
    email = _text(d.candidate_email)
    if cid is None and d.candidate_name is None and email is None:
        return None
    return Candidate(id=cid, name=d.candidate_name, email=email)


def _job(d: HDetails) -> Job | None:
    jid = _text(d.job_id)
    if jid is None and d.job_title is None:
        return None
    return Job(id=jid, title=d.job_title)


def _job_status(raw: str | None) -> JobStatus | None:
    return None if raw is None else JOB_STATUSES.get(raw.lower(), "unknown")


def _stage(name: str | None) -> Stage | None:
    return Stage(name=name) if name is not None else None


def _application_data(a: HAudit, kind: str) -> ApplicationData:
    d = a.details or _NO_DETAILS
    previous = _text(d.previous_status, d.old_status, d.from_status)
    return ApplicationData(
        application=Application(
            id=_resource_id(a.log, "application"),
            candidate=_candidate(d),
            job=_job(d),
            stage=_stage(_text(d.new_status, d.status, d.to_status)),
        ),
        previous_stage=_stage(previous) if kind == "stage_changed" else None,
        actor=_actor(a.log),
    )


def _candidate_data(a: HAudit, kind: str) -> CandidateData:
    d = a.details or _NO_DETAILS
    return CandidateData(
        candidate=_candidate(d, _resource_id(a.log, "candidate")) or Candidate(),
        job=_job(d),
        application=_named_application(a.log),
        actor=_actor(a.log),
    )


def _job_data(a: HAudit, kind: str) -> JobData:
    d = a.details or _NO_DETAILS
    raw_status = "closed" if kind == "status_changed" else _text(d.status, d.job_status)
    return JobData(
        job=Job(
            id=_resource_id(a.log, "job"),
            title=d.job_title or _text(d.title),
            status=_job_status(raw_status),
            raw_status=raw_status,
        ),
        previous_status=_job_status(_text(d.previous_status, d.old_status)),
        actor=_actor(a.log),
    )


def _note_data(a: HAudit, kind: str) -> NoteData:
    d = a.details or _NO_DETAILS
    return NoteData(
        note=Note(id=_resource_id(a.log, "note"), body=_text(d.note, d.content, d.body)),
        candidate=_candidate(d),
        job=_job(d),
        actor=_actor(a.log),
    )


def _interview_data(a: HAudit, kind: str) -> InterviewData:
    d = a.details or _NO_DETAILS
    return InterviewData(
        interview=Interview(id=_resource_id(a.log, "interview")),
        candidate=_candidate(d),
        job=_job(d),
        actor=_actor(a.log),
    )


def _offer_data(a: HAudit, kind: str) -> OfferData:
    d = a.details or _NO_DETAILS
    return OfferData(
        offer=Offer(id=_resource_id(a.log, "offer")),
        candidate=_candidate(d),
        job=_job(d),
        actor=_actor(a.log),
    )


def _referral_data(a: HAudit, kind: str) -> ReferralData:
    d = a.details or _NO_DETAILS
    return ReferralData(
        referral=Referral(id=_resource_id(a.log, "referral")),
        candidate=_candidate(d),
        job=_job(d),
        actor=_actor(a.log),
    )


def _user_data(a: HAudit, kind: str) -> UserData:
    d = a.details or _NO_DETAILS
    log = a.log
    user_id = _resource_id(log, "user")
    is_self = user_id is not None and user_id == log.user_id
    return UserData(
        user=Person(
            id=user_id,
            name=_text(d.name) or (log.user_name if is_self else None),
            email=_text(d.email) or (log.user_email if is_self else None),
        ),
        actor=_actor(log),
    )


_FAMILY: dict[str, Callable[[HAudit, str], EventData]] = {
    "ats.application": _application_data,
    "ats.candidate": _candidate_data,
    "ats.job": _job_data,
    "ats.note": _note_data,
    "ats.interview": _interview_data,
    "ats.offer": _offer_data,
    "ats.referral": _referral_data,
    "ats.user": _user_data,
}


def _payload_id(raw_body: bytes) -> str:
    """HatchBeacon sends no event id: ``sha256:`` of ``JSON.stringify(payload)``, the form it
    signs, so every re-serialisation of one payload (pretty-printed, ASCII-escaped, by Python)
    is the same event. For what JavaScript writes (what HatchBeacon sends) this is the
    ``canonical_event_id`` of the body, got in one msgspec pass instead of ``json``'s two."""
    try:
        return sha256_event_id(js_restringify(raw_body))
    except ValueError:
        return sha256_event_id(raw_body)


class HatchBeaconAdapter(BaseAdapter):
    name = "hatchbeacon"
    display_name = "HatchBeacon"
    category = "ats"
    # Its Node sample signs ``JSON.stringify(payload)``, its Python sample ``json.dumps``.
    signature = Signature(
        header="X-Webhook-Signature",
        prefix="sha256=",
        prefix_required=False,
        body_forms=("raw", "js", "python"),
        sign_form="js",
    )
    event_types = EVENT_TYPES

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: HEnvelope = self.decode(raw_body, HEnvelope)
        event_id = _payload_id(raw_body)
        timestamp = self._timestamp(env, received_at)
        canonical = EVENT_TYPES.get(env.event)
        if canonical is None:
            return self.unmapped(raw_body, env.event, event_id, timestamp)
        if canonical == "connection.test":
            test: HTest = HTest() if env.data == _NULL else self.decode(env.data, HTest)
            return self.parts(
                vendor_type=env.event,
                event_id=event_id,
                timestamp=timestamp,
                completeness="full",
                data=TestData(message=test.message),
            )
        audit: HAudit = self.decode(env.data, HAudit)
        family, kind = canonical.rsplit(".", 1)
        return self.parts(
            vendor_type=env.event,
            event_id=event_id,
            timestamp=timestamp,
            completeness="partial",
            data=_FAMILY[family](audit, kind),
        )

    def _timestamp(self, env: HEnvelope, received_at: datetime) -> str:
        """Top-level ``timestamp``, else ``data.log.timestamp``, else ``received_at``."""
        found = first_timestamp(env.timestamp)
        if found is None:
            try:
                inner = msgspec.json.decode(env.data, type=LogTime | None)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                inner = None  # a malformed ``data`` is reported by the decode that needs it
            if inner is not None and inner.log is not None:
                found = first_timestamp(inner.log.timestamp)
        return found or format_timestamp(received_at)

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES


adapter = HatchBeaconAdapter()
