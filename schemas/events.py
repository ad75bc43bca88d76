"""The canonical event envelope, one tagged Struct per event type.

Events form a msgspec tagged union on ``type``; ``EVENT_DECODER`` decodes any of them in one pass,
and ``msgspec.json.schema(cls)`` is each type's published JSON Schema.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import msgspec

from schemas.resources import (
    Application,
    BackgroundCheck,
    Candidate,
    Company,
    ConnectionIssue,
    Connector,
    Department,
    Document,
    Employee,
    Employment,
    Interview,
    Job,
    JobPosting,
    JobStatus,
    Note,
    Offer,
    Office,
    Opening,
    Payroll,
    Payslip,
    Person,
    Referral,
    Resource,
    Scorecard,
    SignatureRequest,
    Stage,
    SurveySubmission,
    Sync,
    TimeOff,
)

Completeness = Literal["full", "partial", "reference", "raw"]
SignatureScope = Literal["body", "envelope", "token"]
"""What a vendor's signature covers: the whole ``body``, or only its ``envelope`` fields."""


# ---- data, per type family ------------------------------------------------------------------


class ApplicationData(Resource):
    application: Application
    previous_stage: Stage | None = None
    time_in_previous_stage: int | float | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class CandidateData(Resource):
    """``offer``: the accepted offer a hire names; ``deleted_application_ids``: the candidate's
    applications deleted with it (vendors send no event of their own for those)."""

    candidate: Candidate
    job: Job | None = None
    application: Application | None = None
    offer: Offer | None = None
    deleted_application_ids: list[str] | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class CandidateMergedData(Resource):
    """``candidate`` was merged away into ``merged_into``, the record that remains."""

    candidate: Candidate
    merged_into: Candidate | None = None
    actor: Person | None = None
    company: Company | None = None


class CandidateAnonymizedData(Resource):
    """``anonymized_fields`` names the candidate's fields the vendor erased, in its own words."""

    candidate: Candidate
    anonymized_fields: list[str] | None = None
    actor: Person | None = None
    company: Company | None = None


class JobData(Resource):
    job: Job
    previous_status: JobStatus | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class NoteData(Resource):
    note: Note
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None
    company: Company | None = None


class JobPostingData(Resource):
    job_posting: JobPosting
    job: Job | None = None
    actor: Person | None = None
    company: Company | None = None


class StageData(Resource):
    stage: Stage
    job: Job | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class InterviewData(Resource):
    interview: Interview
    candidate: Candidate | None = None
    job: Job | None = None
    application: Application | None = None
    actor: Person | None = None
    connector: Connector | None = None


class ScorecardData(Resource):
    scorecard: Scorecard
    candidate: Candidate | None = None
    job: Job | None = None
    application: Application | None = None
    interview: Interview | None = None
    actor: Person | None = None
    connector: Connector | None = None


class OfferData(Resource):
    offer: Offer
    candidate: Candidate | None = None
    job: Job | None = None
    application: Application | None = None
    actor: Person | None = None
    connector: Connector | None = None


class SignatureRequestData(Resource):
    signature_request: SignatureRequest
    candidate: Candidate | None = None
    application: Application | None = None
    offer: Offer | None = None
    actor: Person | None = None


class SurveyData(Resource):
    survey_submission: SurveySubmission
    candidate: Candidate | None = None
    job: Job | None = None
    application: Application | None = None


class OpeningData(Resource):
    opening: Opening
    actor: Person | None = None
    company: Company | None = None


class DepartmentData(Resource):
    department: Department
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class OfficeData(Resource):
    office: Office
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class ReferralData(Resource):
    referral: Referral
    candidate: Candidate | None = None
    job: Job | None = None
    actor: Person | None = None


class UserData(Resource):
    user: Person
    actor: Person | None = None
    connector: Connector | None = None


class EmployeeData(Resource):
    """``employment`` is the job record an employment event names (Personio's
    ``employment.started``); ``connector`` the unified API's linked account it came through."""

    employee: Employee
    employment: Employment | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class EmploymentData(Resource):
    employment: Employment
    employee: Employee | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class TimeOffData(Resource):
    time_off: TimeOff
    employee: Employee | None = None
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class PayrollData(Resource):
    payroll: Payroll
    actor: Person | None = None
    company: Company | None = None
    connector: Connector | None = None


class PayslipData(Resource):
    payslip: Payslip
    employee: Employee | None = None
    payroll: Payroll | None = None
    company: Company | None = None
    connector: Connector | None = None


class BackgroundCheckData(Resource):
    background_check: BackgroundCheck
    employee: Employee | None = None
    employment: Employment | None = None
    company: Company | None = None


class DocumentData(Resource):
    document: Document
    employee: Employee | None = None
    employment: Employment | None = None
    company: Company | None = None


class CompanyData(Resource):
    company: Company
    actor: Person | None = None
    connector: Connector | None = None


class EmployeeChangedData(Resource):
    employee_ids: list[str]
    connector: Connector | None = None


class DataChangedData(Resource):
    """``models`` names the vendor's data models whose records changed, as the vendor names them;
    ``record_ids`` are those records' ids, of any of those models (empty when not sent).

    A completed event (``completeness: "full"``) also carries the changed records themselves, one
    list per kind of record fetched (``employees``, ``candidates``, ``applications``, ``jobs``);
    a list is absent when that kind was not fetched, and empty when it was and nothing changed.
    """

    record_ids: list[str]
    connector: Connector | None = None
    models: list[str] | None = None
    employees: list[Employee] | None = None
    candidates: list[Candidate] | None = None
    applications: list[Application] | None = None
    jobs: list[Job] | None = None


class ConnectionData(Resource):
    """A unified API's linked account (``connector``) was linked, changed or removed; ``issue`` is
    the problem whose opening or resolution changed it, where the vendor reports one."""

    connector: Connector
    issue: ConnectionIssue | None = None
    company: Company | None = None
    actor: Person | None = None


class SyncData(Resource):
    connector: Connector | None = None
    sync: Sync | None = None


class TestData(Resource):
    message: str | None = None


EventData = Union[  # noqa: UP007 - a runtime alias used in isinstance checks and annotations
    ApplicationData,
    CandidateData,
    CandidateMergedData,
    CandidateAnonymizedData,
    JobData,
    JobPostingData,
    StageData,
    NoteData,
    InterviewData,
    ScorecardData,
    OfferData,
    SignatureRequestData,
    SurveyData,
    ReferralData,
    OpeningData,
    DepartmentData,
    OfficeData,
    UserData,
    EmployeeData,
    EmploymentData,
    TimeOffData,
    PayrollData,
    PayslipData,
    CompanyData,
    BackgroundCheckData,
    DocumentData,
    EmployeeChangedData,
    DataChangedData,
    ConnectionData,
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
    signature_scope: SignatureScope | None = None
    """``body`` when the vendor signs the whole body; ``envelope`` when it signs only some
    envelope fields (Lever: ``token`` and ``triggeredAt``), so ``data`` is not authenticated.
    Absent when the connection does not verify."""
    simulated: bool | None = None
    """True when the vendor marks the delivery as a simulation (Deel's ``meta.is_simulation``
    from its Developer Center): delivered like any other event, flagged so a subscriber can
    tell it apart. Absent for real deliveries."""
    completion_error: str | None = None
    """Set when the connection completes thin events and this one could not be completed: what
    failed (``not_found``: the vendor no longer has the record; ``timeout`` or the last error's
    kind, e.g. ``rate_limited``, ``unreachable``, ``auth``, after ``UNIHOOK_COMPLETE_TIMEOUT``).
    The event then goes out as it came. Absent otherwise."""


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


class ApplicationRejected(Event, kw_only=True, tag="ats.application.rejected"):
    data: ApplicationData


class ApplicationUnrejected(Event, kw_only=True, tag="ats.application.unrejected"):
    data: ApplicationData


class ApplicationDeleted(Event, kw_only=True, tag="ats.application.deleted"):
    data: ApplicationData


class ApplicationPushedToHris(Event, kw_only=True, tag="ats.application.pushed_to_hris"):
    data: ApplicationData


class CandidateCreated(Event, kw_only=True, tag="ats.candidate.created"):
    data: CandidateData


class CandidateUpdated(Event, kw_only=True, tag="ats.candidate.updated"):
    data: CandidateData


class CandidateDeleted(Event, kw_only=True, tag="ats.candidate.deleted"):
    data: CandidateData


class CandidateHired(Event, kw_only=True, tag="ats.candidate.hired"):
    data: CandidateData


class CandidateUnhired(Event, kw_only=True, tag="ats.candidate.unhired"):
    data: CandidateData


class CandidateMerged(Event, kw_only=True, tag="ats.candidate.merged"):
    data: CandidateMergedData


class CandidateAnonymized(Event, kw_only=True, tag="ats.candidate.anonymized"):
    data: CandidateAnonymizedData


class JobCreated(Event, kw_only=True, tag="ats.job.created"):
    data: JobData


class JobUpdated(Event, kw_only=True, tag="ats.job.updated"):
    data: JobData


class JobDeleted(Event, kw_only=True, tag="ats.job.deleted"):
    data: JobData


class JobStatusChanged(Event, kw_only=True, tag="ats.job.status_changed"):
    data: JobData


class JobApproved(Event, kw_only=True, tag="ats.job.approved"):
    data: JobData


class JobInterviewPlanChanged(Event, kw_only=True, tag="ats.job.interview_plan_changed"):
    data: JobData


class JobPostingCreated(Event, kw_only=True, tag="ats.job_posting.created"):
    data: JobPostingData


class JobPostingUpdated(Event, kw_only=True, tag="ats.job_posting.updated"):
    data: JobPostingData


class JobPostingDeleted(Event, kw_only=True, tag="ats.job_posting.deleted"):
    data: JobPostingData


class JobPostingPublished(Event, kw_only=True, tag="ats.job_posting.published"):
    data: JobPostingData


class JobPostingUnpublished(Event, kw_only=True, tag="ats.job_posting.unpublished"):
    data: JobPostingData


class StageDeleted(Event, kw_only=True, tag="ats.stage.deleted"):
    data: StageData


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


class InterviewUpdated(Event, kw_only=True, tag="ats.interview.updated"):
    data: InterviewData


class InterviewDeleted(Event, kw_only=True, tag="ats.interview.deleted"):
    data: InterviewData


class ScorecardCreated(Event, kw_only=True, tag="ats.scorecard.created"):
    data: ScorecardData


class ScorecardUpdated(Event, kw_only=True, tag="ats.scorecard.updated"):
    data: ScorecardData


class ScorecardDeleted(Event, kw_only=True, tag="ats.scorecard.deleted"):
    data: ScorecardData


class OfferCreated(Event, kw_only=True, tag="ats.offer.created"):
    data: OfferData


class OfferUpdated(Event, kw_only=True, tag="ats.offer.updated"):
    data: OfferData


class OfferDeleted(Event, kw_only=True, tag="ats.offer.deleted"):
    data: OfferData


class OfferApproved(Event, kw_only=True, tag="ats.offer.approved"):
    data: OfferData


class OfferSent(Event, kw_only=True, tag="ats.offer.sent"):
    data: OfferData


class OfferAccepted(Event, kw_only=True, tag="ats.offer.accepted"):
    data: OfferData


class OfferRejected(Event, kw_only=True, tag="ats.offer.rejected"):
    data: OfferData


class SignatureRequestUpdated(Event, kw_only=True, tag="ats.signature_request.updated"):
    data: SignatureRequestData


class SurveySubmitted(Event, kw_only=True, tag="ats.survey.submitted"):
    data: SurveyData


class ReferralCreated(Event, kw_only=True, tag="ats.referral.created"):
    data: ReferralData


class OpeningCreated(Event, kw_only=True, tag="ats.opening.created"):
    data: OpeningData


class OpeningUpdated(Event, kw_only=True, tag="ats.opening.updated"):
    data: OpeningData


class OpeningDeleted(Event, kw_only=True, tag="ats.opening.deleted"):
    data: OpeningData


class DepartmentDeleted(Event, kw_only=True, tag="ats.department.deleted"):
    data: DepartmentData


class OfficeDeleted(Event, kw_only=True, tag="ats.office.deleted"):
    data: OfficeData


class UserCreated(Event, kw_only=True, tag="ats.user.created"):
    data: UserData


class UserUpdated(Event, kw_only=True, tag="ats.user.updated"):
    data: UserData


class EmployeeCreated(Event, kw_only=True, tag="hris.employee.created"):
    data: EmployeeData


class EmployeeUpdated(Event, kw_only=True, tag="hris.employee.updated"):
    data: EmployeeData


class EmployeeOnboarded(Event, kw_only=True, tag="hris.employee.onboarded"):
    data: EmployeeData


class EmployeeDeleted(Event, kw_only=True, tag="hris.employee.deleted"):
    data: EmployeeData


class EmployeeStarted(Event, kw_only=True, tag="hris.employee.started"):
    data: EmployeeData


class EmployeeTerminated(Event, kw_only=True, tag="hris.employee.terminated"):
    data: EmployeeData


class EmploymentCreated(Event, kw_only=True, tag="hris.employment.created"):
    data: EmploymentData


class EmploymentUpdated(Event, kw_only=True, tag="hris.employment.updated"):
    data: EmploymentData


class EmploymentDeleted(Event, kw_only=True, tag="hris.employment.deleted"):
    data: EmploymentData


class TimeOffUpdated(Event, kw_only=True, tag="hris.time_off.updated"):
    data: TimeOffData


class TimeOffRequested(Event, kw_only=True, tag="hris.time_off.requested"):
    data: TimeOffData


class TimeOffApproved(Event, kw_only=True, tag="hris.time_off.approved"):
    data: TimeOffData


class TimeOffDeclined(Event, kw_only=True, tag="hris.time_off.declined"):
    data: TimeOffData


class TimeOffCancelled(Event, kw_only=True, tag="hris.time_off.cancelled"):
    data: TimeOffData


class PayrollCreated(Event, kw_only=True, tag="hris.payroll.created"):
    data: PayrollData


class PayrollUpdated(Event, kw_only=True, tag="hris.payroll.updated"):
    data: PayrollData


class PayrollSubmitted(Event, kw_only=True, tag="hris.payroll.submitted"):
    data: PayrollData


class PayrollPaid(Event, kw_only=True, tag="hris.payroll.paid"):
    data: PayrollData


class PayrollCancelled(Event, kw_only=True, tag="hris.payroll.cancelled"):
    data: PayrollData


class PayslipReleased(Event, kw_only=True, tag="hris.payslip.released"):
    data: PayslipData


class CompanyCreated(Event, kw_only=True, tag="hris.company.created"):
    data: CompanyData


class CompanyUpdated(Event, kw_only=True, tag="hris.company.updated"):
    data: CompanyData


class BackgroundCheckCompleted(Event, kw_only=True, tag="hris.background_check.completed"):
    data: BackgroundCheckData


class DocumentAvailable(Event, kw_only=True, tag="hris.document.available"):
    data: DocumentData


class EmployeeChanged(Event, kw_only=True, tag="hris.employee.changed"):
    data: EmployeeChangedData


class DataChanged(Event, kw_only=True, tag="hris.data.changed"):
    data: DataChangedData


class AtsDataChanged(Event, kw_only=True, tag="ats.data.changed"):
    data: DataChangedData


class ConnectionCreated(Event, kw_only=True, tag="connection.created"):
    data: ConnectionData


class ConnectionUpdated(Event, kw_only=True, tag="connection.updated"):
    data: ConnectionData


class ConnectionDeleted(Event, kw_only=True, tag="connection.deleted"):
    data: ConnectionData


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
    ApplicationRejected,
    ApplicationUnrejected,
    ApplicationDeleted,
    ApplicationPushedToHris,
    CandidateCreated,
    CandidateUpdated,
    CandidateDeleted,
    CandidateHired,
    CandidateUnhired,
    CandidateMerged,
    CandidateAnonymized,
    JobCreated,
    JobUpdated,
    JobDeleted,
    JobStatusChanged,
    JobApproved,
    JobInterviewPlanChanged,
    JobPostingCreated,
    JobPostingUpdated,
    JobPostingDeleted,
    JobPostingPublished,
    JobPostingUnpublished,
    StageDeleted,
    NoteCreated,
    NoteUpdated,
    NoteDeleted,
    InterviewScheduled,
    InterviewCompleted,
    InterviewUpdated,
    InterviewDeleted,
    ScorecardCreated,
    ScorecardUpdated,
    ScorecardDeleted,
    OfferCreated,
    OfferUpdated,
    OfferDeleted,
    OfferApproved,
    OfferSent,
    OfferAccepted,
    OfferRejected,
    SignatureRequestUpdated,
    SurveySubmitted,
    ReferralCreated,
    OpeningCreated,
    OpeningUpdated,
    OpeningDeleted,
    DepartmentDeleted,
    OfficeDeleted,
    UserCreated,
    UserUpdated,
    AtsDataChanged,
    EmployeeCreated,
    EmployeeUpdated,
    EmployeeOnboarded,
    EmployeeDeleted,
    EmployeeStarted,
    EmployeeTerminated,
    EmploymentCreated,
    EmploymentUpdated,
    EmploymentDeleted,
    TimeOffUpdated,
    TimeOffRequested,
    TimeOffApproved,
    TimeOffDeclined,
    TimeOffCancelled,
    PayrollCreated,
    PayrollUpdated,
    PayrollSubmitted,
    PayrollPaid,
    PayrollCancelled,
    PayslipReleased,
    CompanyCreated,
    CompanyUpdated,
    BackgroundCheckCompleted,
    DocumentAvailable,
    EmployeeChanged,
    DataChanged,
    ConnectionCreated,
    ConnectionUpdated,
    ConnectionDeleted,
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
