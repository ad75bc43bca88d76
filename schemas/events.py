"""The canonical event envelope, one tagged Struct per event type.

Events form a msgspec tagged union on ``type``; ``EVENT_DECODER`` decodes any of them in one pass,
and ``msgspec.json.schema(cls)`` is each type's published JSON Schema.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import msgspec

from schemas.resources import (
    Application,
    Candidate,
    Company,
    Connector,
    Interview,
    Job,
    JobStatus,
    Note,
    Offer,
    Person,
    Referral,
    Resource,
    Stage,
    Sync,
)

Completeness = Literal["full", "partial", "reference", "raw"]


# ---- data, per type family ------------------------------------------------------------------


class ApplicationData(Resource):
    application: Application
    previous_stage: Stage | None = None
    time_in_previous_stage: int | float | None = None
    actor: Person | None = None
    company: Company | None = None


class CandidateData(Resource):
    candidate: Candidate
    job: Job | None = None
    actor: Person | None = None
    company: Company | None = None


class JobData(Resource):
    job: Job
    previous_status: JobStatus | None = None
    actor: Person | None = None
    company: Company | None = None


class NoteData(Resource):
    note: Note
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None
    company: Company | None = None


class InterviewData(Resource):
    interview: Interview
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None


class OfferData(Resource):
    offer: Offer
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None


class ReferralData(Resource):
    referral: Referral
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None


class UserData(Resource):
    user: Person
    actor: Person | None = None


class EmployeeChangedData(Resource):
    employee_ids: list[str]
    connector: Connector | None = None


class DataChangedData(Resource):
    record_ids: list[str]
    connector: Connector | None = None


class SyncData(Resource):
    connector: Connector | None = None
    sync: Sync | None = None


class TestData(Resource):
    message: str | None = None


EventData = Union[  # noqa: UP007 - a runtime alias used in isinstance checks and annotations
    ApplicationData,
    CandidateData,
    JobData,
    NoteData,
    InterviewData,
    OfferData,
    ReferralData,
    UserData,
    EmployeeChangedData,
    DataChangedData,
    SyncData,
    TestData,
    dict[str, Any],
]


# ---- the envelope ---------------------------------------------------------------------------


class Source(msgspec.Struct, omit_defaults=True, kw_only=True, forbid_unknown_fields=True):
    """Where an event came from: the vendor, the connection and the vendor's own identifiers."""

    provider: str
    connection_id: str
    event_id: str
    event_type: str
    received_at: str
    verified: bool = True


class Event(msgspec.Struct, omit_defaults=True, kw_only=True, tag_field="type"):
    """The envelope every subscriber receives; subclasses fix ``type`` and ``data``."""

    id: str
    timestamp: str
    tenant: str
    source: Source
    subject: str | None = None
    completeness: Completeness
    data: Any
    raw: Any = msgspec.UNSET


class ApplicationCreated(Event, kw_only=True, tag="ats.application.created"):
    data: ApplicationData


class ApplicationUpdated(Event, kw_only=True, tag="ats.application.updated"):
    data: ApplicationData


class ApplicationStageChanged(Event, kw_only=True, tag="ats.application.stage_changed"):
    data: ApplicationData


class CandidateDeleted(Event, kw_only=True, tag="ats.candidate.deleted"):
    data: CandidateData


class CandidateHired(Event, kw_only=True, tag="ats.candidate.hired"):
    data: CandidateData


class JobCreated(Event, kw_only=True, tag="ats.job.created"):
    data: JobData


class JobUpdated(Event, kw_only=True, tag="ats.job.updated"):
    data: JobData


class JobDeleted(Event, kw_only=True, tag="ats.job.deleted"):
    data: JobData


class JobStatusChanged(Event, kw_only=True, tag="ats.job.status_changed"):
    data: JobData


class NoteCreated(Event, kw_only=True, tag="ats.note.created"):
    data: NoteData


class NoteUpdated(Event, kw_only=True, tag="ats.note.updated"):
    data: NoteData


class NoteDeleted(Event, kw_only=True, tag="ats.note.deleted"):
    data: NoteData


class InterviewScheduled(Event, kw_only=True, tag="ats.interview.scheduled"):
    data: InterviewData


class InterviewCompleted(Event, kw_only=True, tag="ats.interview.completed"):
    data: InterviewData


class OfferSent(Event, kw_only=True, tag="ats.offer.sent"):
    data: OfferData


class OfferAccepted(Event, kw_only=True, tag="ats.offer.accepted"):
    data: OfferData


class OfferRejected(Event, kw_only=True, tag="ats.offer.rejected"):
    data: OfferData


class ReferralCreated(Event, kw_only=True, tag="ats.referral.created"):
    data: ReferralData


class UserCreated(Event, kw_only=True, tag="ats.user.created"):
    data: UserData


class UserUpdated(Event, kw_only=True, tag="ats.user.updated"):
    data: UserData


class EmployeeChanged(Event, kw_only=True, tag="hris.employee.changed"):
    data: EmployeeChangedData


class DataChanged(Event, kw_only=True, tag="hris.data.changed"):
    data: DataChangedData


class SyncStarted(Event, kw_only=True, tag="connection.sync.started"):
    data: SyncData


class SyncCompleted(Event, kw_only=True, tag="connection.sync.completed"):
    data: SyncData


class SyncFailed(Event, kw_only=True, tag="connection.sync.failed"):
    data: SyncData


class ConnectionTest(Event, kw_only=True, tag="connection.test"):
    data: TestData


class Unmapped(Event, kw_only=True, tag="unmapped"):
    """A vendor type no adapter knows: ``data`` is the vendor payload as received."""

    data: dict[str, Any]


CanonicalEvent = Union[  # noqa: UP007 - msgspec needs the Union object to build the decoder
    ApplicationCreated,
    ApplicationUpdated,
    ApplicationStageChanged,
    CandidateDeleted,
    CandidateHired,
    JobCreated,
    JobUpdated,
    JobDeleted,
    JobStatusChanged,
    NoteCreated,
    NoteUpdated,
    NoteDeleted,
    InterviewScheduled,
    InterviewCompleted,
    OfferSent,
    OfferAccepted,
    OfferRejected,
    ReferralCreated,
    UserCreated,
    UserUpdated,
    EmployeeChanged,
    DataChanged,
    SyncStarted,
    SyncCompleted,
    SyncFailed,
    ConnectionTest,
    Unmapped,
]

EVENT_CLASSES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls
    for cls in CanonicalEvent.__args__  # type: ignore[attr-defined]
}

EVENT_DECODER: msgspec.json.Decoder[CanonicalEvent] = msgspec.json.Decoder(CanonicalEvent)
EVENT_ENCODER = msgspec.json.Encoder()
