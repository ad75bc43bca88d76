"""Breezy HR (ATS): envelope ``{_id, type, object, creation_date}``, signed in ``X-Hook-Signature``.

Breezy signs hex HMAC-SHA256 keyed by the endpoint secret; its own examples sign the compact
re-serialisation of the JSON body, so both the raw body and that re-serialisation are accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import msgspec

from providers._base import (
    BaseAdapter,
    compact_json,
    format_timestamp,
    parse_json,
    parse_timestamp,
    sha256_event_id,
)
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


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class BUser(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email_address: str | None = None
    profile_photo_url: str | None = None


class BCompany(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    friendly_id: str | None = None


class BLocation(_In):
    name: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class BPosition(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    friendly_id: str | None = None
    state: str | None = None
    type: str | None = None
    department: str | None = None
    location: BLocation | None = None


class BStage(_In):
    id: str | None = None
    name: str | None = None


class BCandidate(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    profile_photo_url: str | None = None
    tags: list[Any] | None = None


class BSource(_In):
    type: str | None = None
    id: str | None = None
    name: str | None = None


class BObject(_In):
    company: BCompany | None = None
    company_id: str | None = None
    position: BPosition | None = None
    stage: BStage | None = None
    stage_was: BStage | None = None
    entered_stage: str | None = None
    time_in_previous_stage: int | float | None = None
    candidate: BCandidate | None = None
    acting_user: BUser | None = None
    source: BSource | None = None
    external_source: BSource | None = None
    state_is: str | None = None
    state_was: str | None = None
    note_id: str | None = None
    body: str | None = None
    attachments: list[Any] | None = None


class BEnvelope(_In, kw_only=True):
    id: str | None = msgspec.field(default=None, name="_id")
    type: str
    object: msgspec.Raw = msgspec.Raw(b"null")
    creation_date: str | int | float | None = None


# ---- mapping --------------------------------------------------------------------------------


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


def _source(obj: BObject) -> ApplicationSource | None:
    if obj.source is not None:
        return ApplicationSource(type=obj.source.type, id=obj.source.id, name=obj.source.name)
    if obj.external_source is not None:
        ext = obj.external_source
        return ApplicationSource(type=ext.type or "external", id=ext.id, name=ext.name)
    return None


def _application_data(obj: BObject) -> ApplicationData:
    return ApplicationData(
        application=Application(
            candidate=_candidate(obj.candidate),
            job=_job(obj.position),
            stage=_stage(obj.stage),
            stage_entered_at=parse_timestamp(obj.entered_stage),
            source=_source(obj),
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
    signature_header = "X-Hook-Signature"
    event_types = EVENT_TYPES

    def detect(self, headers: Mapping[str, str]) -> bool:
        return "x-hook-signature" in headers or "x-breezy-webhook-version" in headers

    def signed_contents(self, raw_body: bytes) -> Iterator[bytes]:
        yield raw_body
        try:
            compact = compact_json(parse_json(raw_body))
        except (ValueError, UnicodeError):
            return
        if compact != raw_body:
            yield compact

    def sign(self, raw_body: bytes, secret: str) -> dict[str, str]:
        headers = super().sign(raw_body, secret)
        headers["x-breezy-webhook-version"] = "1"
        return headers

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: BEnvelope = self.decode(raw_body, BEnvelope)
        event_id = env.id or sha256_event_id(raw_body)
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


# ---- realistic samples, one per vendor type -------------------------------------------------

_COMPANY = {"_id": "5e1f2b3c4d5e", "name": "Acme Robotics", "friendly_id": "acme-robotics"}
_USER = {
    "_id": "u_7a8b9c",
    "email_address": "renee.dupont@acme.example",
    "name": "Renée Dupont",
    "profile_photo_url": "https://cdn.example/u_7a8b9c.png",
}
_POSITION_SHORT = {
    "_id": "p_1f2e3d",
    "name": "Senior Backend Engineer",
    "pipeline_id": "pl_default",
    "all_admins": True,
    "location": {"name": "Berlin, Germany"},
}
_POSITION_FULL = {
    "_id": "p_1f2e3d",
    "name": "Senior Backend Engineer",
    "friendly_id": "senior-backend-engineer",
    "state": "published",
    "type": "fullTime",
    "location": {"name": "Berlin, Germany", "city": "Berlin", "state": "BE", "country": "DE"},
    "department": "Engineering",
}
_CANDIDATE = {
    "_id": "c_42abcd",
    "name": "José Álvarez",
    "email_address": "jose.alvarez@mail.example",
    "phone_number": "+49 30 1234567",
    "profile_photo_url": "https://cdn.example/c_42abcd.jpg",
    "tags": ["backend", "referral"],
}
_SOURCE = {"type": "job_board", "id": "src_linkedin", "name": "LinkedIn"}
_EXTERNAL = {"id": "ext_99", "name": "Greenhouse import"}


def _env(event_id: str, kind: str, obj: dict[str, Any], when: str) -> dict[str, Any]:
    return {"_id": event_id, "type": kind, "object": obj, "creation_date": when}


SAMPLES: dict[str, dict[str, Any]] = {
    "candidateAdded": _env(
        "66f1c0ffee0001",
        "candidateAdded",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "stage": {"id": "applied", "name": "Applied"},
            "entered_stage": "2025-01-15T10:29:58.000Z",
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "source": _SOURCE,
            "external_source": _EXTERNAL,
        },
        "2025-01-15T10:30:00.000Z",
    ),
    "candidateDeleted": _env(
        "66f1c0ffee0002",
        "candidateDeleted",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
        },
        "2025-01-16T08:00:00.000Z",
    ),
    "candidateStatusUpdated": _env(
        "66f1c0ffee0003",
        "candidateStatusUpdated",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "stage_was": {"id": "applied", "name": "Applied"},
            "entered_previous_stage": "2025-01-15T10:29:58.000Z",
            "stage": {"id": "phone_screen", "name": "Phone Screen"},
            "entered_stage": "2025-01-17T09:15:00.000Z",
            "time_in_previous_stage": 168302,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "source": _SOURCE,
            "external_source": _EXTERNAL,
        },
        "2025-01-17T09:15:00.000Z",
    ),
    "companyPositionAdded": _env(
        "66f1c0ffee0004",
        "companyPositionAdded",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "draft"},
            "acting_user": _USER,
        },
        "2025-01-10T12:00:00.000Z",
    ),
    "companyPositionUpdated": _env(
        "66f1c0ffee0005",
        "companyPositionUpdated",
        {"company": _COMPANY, "position": _POSITION_FULL, "acting_user": _USER},
        "2025-01-11T12:00:00.000Z",
    ),
    "companyPositionDeleted": _env(
        "66f1c0ffee0006",
        "companyPositionDeleted",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "archived"},
            "acting_user": _USER,
        },
        "2025-03-01T12:00:00.000Z",
    ),
    "companyPositionStateUpdated": _env(
        "66f1c0ffee0007",
        "companyPositionStateUpdated",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "closed"},
            "acting_user": _USER,
            "state_is": "closed",
            "state_was": "published",
        },
        "2025-02-20T17:45:00.000Z",
    ),
    "companyNotePosted": _env(
        "66f1c0ffee0008",
        "companyNotePosted",
        {
            "company_id": "5e1f2b3c4d5e",
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "body": "Strong system design round — move to onsite? 👍",
            "attachments": [{"name": "scorecard.pdf", "url": "https://cdn.example/scorecard.pdf"}],
        },
        "2025-01-18T14:02:00.000Z",
    ),
    "companyNoteUpdated": _env(
        "66f1c0ffee0009",
        "companyNoteUpdated",
        {
            "note_id": "n_5566",
            "company_id": "5e1f2b3c4d5e",
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "body": "Strong system design round — onsite booked.",
            "attachments": [],
        },
        "2025-01-18T15:10:00.000Z",
    ),
    "companyNoteDeleted": _env(
        "66f1c0ffee000a",
        "companyNoteDeleted",
        {"note_id": "n_5566", "company_id": "5e1f2b3c4d5e", "acting_user": _USER},
        "2025-01-19T09:00:00.000Z",
    ),
}

adapter = BreezyAdapter()
