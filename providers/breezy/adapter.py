"""Breezy HR (ATS): envelope ``{_id, type, object, creation_date}``, signed in ``X-Hook-Signature``.

Breezy signs hex HMAC-SHA256 keyed by the endpoint secret; its own examples sign the compact
re-serialisation of the JSON body, so both the raw body and that re-serialisation are accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from providers import (
    BaseAdapter,
    Signature,
    canonical_event_id,
    format_timestamp,
    parse_timestamp,
)
from providers.breezy.payloads import (
    BCandidate,
    BEnvelope,
    BObject,
    BPosition,
    BSource,
    BStage,
    BUser,
)
from providers.breezy.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import ApplicationData, CandidateData, JobData, NoteData
from schemas.resources import (
    Application,
    ApplicationSource,
    Candidate,
    Company,
    Job,
    JobStatus,
    Location,
    Note,
    Person,
    Stage,
)

EVENT_TYPES: dict[str, str] = {
    "candidateAdded": "ats.application.created",
    "candidateStatusUpdated": "ats.application.stage_changed",
    "candidateDeleted": "ats.candidate.deleted",
    "companyPositionAdded": "ats.job.created",
    "companyPositionUpdated": "ats.job.updated",
    "companyPositionDeleted": "ats.job.deleted",
    "companyPositionStateUpdated": "ats.job.status_changed",
    "companyNotePosted": "ats.note.created",
    "companyNoteUpdated": "ats.note.updated",
    "companyNoteDeleted": "ats.note.deleted",
}

POSITION_STATES: dict[str, JobStatus] = {
    "draft": "draft",
    "pending": "draft",
    "published": "open",
    "open": "open",
    "closed": "closed",
    "archived": "archived",
}


# ---- Breezy's payload, as its docs describe it ----------------------------------------------


def _person(user: BUser | None) -> Person | None:
    if user is None:
        return None
    return Person(
        id=user.id, name=user.name, email=user.email_address, photo_url=user.profile_photo_url
    )


def _company(obj: BObject) -> Company | None:
    if obj.company is not None:
        c = obj.company
        return Company(id=c.id, name=c.name, slug=c.friendly_id)
    return Company(id=obj.company_id) if obj.company_id else None


def _candidate(c: BCandidate | None) -> Candidate | None:
    if c is None:
        return None
    tags = [t for t in c.tags if isinstance(t, str)] if c.tags is not None else None
    return Candidate(
        id=c.id,
        name=c.name,
        email=c.email_address,
        phone=c.phone_number,
        photo_url=c.profile_photo_url,
        tags=tags,
    )


def _status(state: str | None) -> JobStatus | None:
    if state is None:
        return None
    return POSITION_STATES.get(state.lower(), "unknown")


def _job(p: BPosition | None, state: str | None = None) -> Job | None:
    if p is None:
        return None
    loc = p.location
    raw_status = state if state is not None else p.state
    return Job(
        id=p.id,
        title=p.name,
        status=_status(raw_status),
        raw_status=raw_status,
        employment_type=p.type,
        department=p.department,
        location=Location(name=loc.name, city=loc.city, region=loc.state, country=loc.country)
        if loc is not None
        else None,
    )


def _stage(s: BStage | None) -> Stage | None:
    return Stage(id=s.id, name=s.name) if s is not None else None


def _source(source: BSource | None, default_type: str | None = None) -> ApplicationSource | None:
    if source is None:
        return None
    return ApplicationSource(type=source.type or default_type, id=source.id, name=source.name)


def _application_data(obj: BObject) -> ApplicationData:
    return ApplicationData(
        application=Application(
            candidate=_candidate(obj.candidate),
            job=_job(obj.position),
            stage=_stage(obj.stage),
            stage_entered_at=parse_timestamp(obj.entered_stage),
            previous_stage_entered_at=parse_timestamp(obj.entered_previous_stage),
            source=_source(obj.source),
            external_source=_source(obj.external_source, "external"),
        ),
        previous_stage=_stage(obj.stage_was),
        time_in_previous_stage=obj.time_in_previous_stage,
        actor=_person(obj.acting_user),
        company=_company(obj),
    )


def _candidate_data(obj: BObject) -> CandidateData:
    return CandidateData(
        candidate=_candidate(obj.candidate) or Candidate(),
        job=_job(obj.position),
        actor=_person(obj.acting_user),
        company=_company(obj),
    )


def _job_data(obj: BObject) -> JobData:
    return JobData(
        job=_job(obj.position, obj.state_is) or Job(),
        previous_status=_status(obj.state_was),
        actor=_person(obj.acting_user),
        company=_company(obj),
    )


def _note_data(obj: BObject) -> NoteData:
    return NoteData(
        note=Note(id=obj.note_id, body=obj.body, attachments=obj.attachments),
        candidate=_candidate(obj.candidate),
        job=_job(obj.position),
        actor=_person(obj.acting_user),
        company=_company(obj),
    )


_FAMILY: dict[str, Callable[[BObject], EventData]] = {
    "ats.application": _application_data,
    "ats.candidate": _candidate_data,
    "ats.job": _job_data,
    "ats.note": _note_data,
}


class BreezyAdapter(BaseAdapter):
    name = "breezy"
    display_name = "Breezy HR"
    category = "ats"
    # Breezy signs what it serialised: the raw body, else its compact re-serialisation.
    signature = Signature(
        header="X-Hook-Signature",
        prefix="sha256=",
        prefix_required=False,
        body_forms=("raw", "compact"),
    )
    event_types = EVENT_TYPES

    def detect(self, headers: Mapping[str, str]) -> bool:
        return "x-hook-signature" in headers or "x-breezy-webhook-version" in headers

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        return {**super().request_headers(raw_body), "x-breezy-webhook-version": "1"}

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: BEnvelope = self.decode(raw_body, BEnvelope)
        event_id = env.id or canonical_event_id(raw_body)  # it may verify re-serialised
        timestamp = parse_timestamp(env.creation_date) or format_timestamp(received_at)
        canonical = EVENT_TYPES.get(env.type)
        if canonical is None:
            return self.unmapped(raw_body, env.type, event_id, timestamp)
        obj: BObject = self.decode(env.object, BObject)
        data: EventData = _FAMILY[canonical.rsplit(".", 1)[0]](obj)
        return self.parts(
            vendor_type=env.type,
            event_id=event_id,
            timestamp=timestamp,
            completeness="full",
            data=data,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
