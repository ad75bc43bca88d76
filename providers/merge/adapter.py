"""Merge (unified HRIS and ATS API): ``{hook {id, event, target}, linked_account, data}``, signed
in ``X-Merge-Webhook-Signature``.

Merge signs the raw body with HMAC-SHA256 keyed by the organisation's webhook signature key and
sends the digest base64url-encoded; whether it keeps the ``=`` padding is not documented, so both
forms verify and ``sign`` writes the padded one (Python's ``urlsafe_b64encode``, which Merge's own
guide uses). There is no event id and no timestamp header: Merge's help centre says to treat the
signature as the event's unique identifier, and the signature is a keyed hash of the body, so
``source.event_id`` is ``sha256:`` of the raw body (the same body is the same event).

``hook.event`` is ``LinkedAccount.*``, ``Issue.*``, ``{Model}.synced`` or ``{Model}.added |
changed | removed`` (the record itself in ``data``). Lifecycle events become ``connection.*`` with
the linked account as the ``Connector``; Common Model records become the catalogue's ``hris.*`` /
``ats.*`` types, ``completeness: "full"``; a model the catalogue has no type for is ``unmapped``.
``LinkedAccount.linked`` carries the account token: it is never copied into ``data``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from providers import BaseAdapter, Signature, first_timestamp, format_timestamp, sha256_event_id
from providers._records import employee_emails, full_name
from providers.errors import NormalizationError
from providers.merge.payloads import (
    MergeAccountSynced,
    MergeApplication,
    MergeBody,
    MergeCandidate,
    MergeCompany,
    MergeEmployee,
    MergeEmployment,
    MergeEnvelope,
    MergeHead,
    MergeInterview,
    MergeIssue,
    MergeJob,
    MergeLinkedAccount,
    MergeModelSynced,
    MergeNamed,
    MergeOffer,
    MergePayrollRun,
    MergeRecord,
    MergeRemoteUser,
    MergeScorecard,
    MergeSyncResult,
    MergeTimeOff,
)
from providers.merge.samples import samples, variants
from schemas import EventData, Normalized
from schemas.events import (
    ApplicationData,
    CandidateData,
    CompanyData,
    ConnectionData,
    DepartmentData,
    EmployeeData,
    EmploymentData,
    InterviewData,
    JobData,
    OfferData,
    OfficeData,
    PayrollData,
    ScorecardData,
    StageData,
    SyncData,
    TestData,
    TimeOffData,
    UserData,
)
from schemas.resources import (
    Application,
    ApplicationSource,
    Candidate,
    Company,
    ConnectionIssue,
    ConnectionIssueStatus,
    Connector,
    Department,
    Employee,
    EmploymentStatus,
    EmploymentType,
    EndUser,
    Interview,
    Job,
    JobStatus,
    Offer,
    Office,
    Pay,
    PayPeriod,
    Payroll,
    PayrollStatus,
    Person,
    Scorecard,
    Stage,
    Sync,
    TimeOff,
    TimeOffStatus,
    TimeOffUnit,
)
from schemas.resources import Employment as EmploymentRecord

# The Common Models Merge's guide lists per category, spelled as in ``hook.event``.
HRIS_MODELS = (
    "Employee",
    "Employment",
    "Team",
    "Location",
    "Company",
    "Group",
    "PayGroup",
    "PayrollRun",
    "EmployeePayrollRun",
    "Benefit",
    "EmployerBenefit",
    "TimeOff",
    "TimeOffBalance",
    "BankInfo",
    "Dependent",
    "Deduction",
)
ATS_MODELS = (
    "Candidate",
    "Application",
    "Job",
    "JobInterviewStage",
    "Department",
    "Office",
    "RemoteUser",
    "Tag",
    "Attachment",
    "RejectReason",
    "ScheduledInterview",
    "Scorecard",
    "Offer",
    "EEOC",
    "Activity",
    "Assessment",
    "AssessmentTemplate",
)

LIFECYCLE_TYPES: dict[str, str] = {
    "LinkedAccount.linked": "connection.created",
    "LinkedAccount.sync_completed": "connection.sync.completed",
    "LinkedAccount.synced": "connection.sync.completed",
    "LinkedAccount.fully_synced_initial": "connection.sync.completed",
    "LinkedAccount.synced_initial": "connection.sync.completed",
    "LinkedAccount.deleted": "connection.deleted",
    "LinkedAccount.status_changed": "connection.updated",
    "Issue.new": "connection.updated",
    "Issue.created": "connection.updated",
    "Issue.reopened": "connection.updated",
    "Issue.resolved": "connection.updated",
}

# ``{Model}.added | changed | removed`` for the models the catalogue has types for; the other
# models' record events are ``unmapped`` (listed in docs/vendors/merge.md).
RECORD_TYPES: dict[str, str] = {
    "Employee.added": "hris.employee.created",
    "Employee.changed": "hris.employee.updated",
    "Employee.removed": "hris.employee.deleted",
    "Employment.added": "hris.employment.created",
    "Employment.changed": "hris.employment.updated",
    "Employment.removed": "hris.employment.deleted",
    "TimeOff.added": "hris.time_off.requested",
    "TimeOff.changed": "hris.time_off.updated",
    "Company.added": "hris.company.created",
    "Company.changed": "hris.company.updated",
    "PayrollRun.added": "hris.payroll.created",
    "PayrollRun.changed": "hris.payroll.updated",
    "Candidate.added": "ats.candidate.created",
    "Candidate.changed": "ats.candidate.updated",
    "Candidate.removed": "ats.candidate.deleted",
    "Application.added": "ats.application.created",
    "Application.changed": "ats.application.updated",
    "Application.removed": "ats.application.deleted",
    "Job.added": "ats.job.created",
    "Job.changed": "ats.job.updated",
    "Job.removed": "ats.job.deleted",
    "Offer.added": "ats.offer.created",
    "Offer.changed": "ats.offer.updated",
    "Offer.removed": "ats.offer.deleted",
    "ScheduledInterview.added": "ats.interview.scheduled",
    "ScheduledInterview.changed": "ats.interview.updated",
    "ScheduledInterview.removed": "ats.interview.deleted",
    "RemoteUser.added": "ats.user.created",
    "RemoteUser.changed": "ats.user.updated",
    "Department.removed": "ats.department.deleted",
    "Office.removed": "ats.office.deleted",
    "JobInterviewStage.removed": "ats.stage.deleted",
    "Scorecard.removed": "ats.scorecard.deleted",
}

# Per the catalogue, a model's own sync finishing is a sync result of the linked account.
MODEL_SYNC_TYPES: dict[str, str] = {
    f"{model}.synced": "connection.sync.completed" for model in (*HRIS_MODELS, *ATS_MODELS)
}

# The dashboard's "Send test POST request" body has no ``hook``: it is named ``test`` here.
TEST_TYPE = "test"

EVENT_TYPES: dict[str, str] = {
    **LIFECYCLE_TYPES,
    **RECORD_TYPES,
    **MODEL_SYNC_TYPES,
    TEST_TYPE: "connection.test",
}

# A time-off record Merge first sees may already be decided: its status says which.
TIME_OFF_ADDED_BY_STATUS: dict[TimeOffStatus, str] = {
    "requested": "hris.time_off.requested",
    "approved": "hris.time_off.approved",
    "declined": "hris.time_off.declined",
    "cancelled": "hris.time_off.cancelled",
}

EMPLOYMENT_STATUS: dict[str, EmploymentStatus] = {
    "ACTIVE": "active",
    "PENDING": "pending",
    "INACTIVE": "inactive",
}
EMPLOYMENT_TYPE: dict[str, EmploymentType] = {
    "FULL_TIME": "full_time",
    "PART_TIME": "part_time",
    "INTERN": "intern",
    "CONTRACTOR": "contractor",
    "FREELANCE": "contractor",
}
PAY_PERIOD: dict[str, PayPeriod] = {
    "HOUR": "hour",
    "DAY": "day",
    "WEEK": "week",
    "EVERY_TWO_WEEKS": "two_weeks",
    "SEMIMONTHLY": "half_month",
    "MONTH": "month",
    "QUARTER": "quarter",
    "EVERY_SIX_MONTHS": "half_year",
    "YEAR": "year",
}
TIME_OFF_STATUS: dict[str, TimeOffStatus] = {
    "REQUESTED": "requested",
    "APPROVED": "approved",
    "DECLINED": "declined",
    "CANCELLED": "cancelled",
    "DELETED": "cancelled",
}
TIME_OFF_UNIT: dict[str, TimeOffUnit] = {"DAYS": "days", "HOURS": "hours"}
PAYROLL_STATUS: dict[str, PayrollStatus] = {
    "DRAFT": "draft",
    "APPROVED": "submitted",
    "PAID": "paid",
    "FAILED": "failed",
    "CLOSED": "paid",
}
JOB_STATUS: dict[str, JobStatus] = {
    "OPEN": "open",
    "CLOSED": "closed",
    "DRAFT": "draft",
    "ARCHIVED": "archived",
    "PENDING": "draft",
}
ISSUE_STATUS: dict[str, ConnectionIssueStatus] = {"ONGOING": "open", "RESOLVED": "resolved"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` of a Merge date or datetime (``2020-10-11T00:00:00Z``), else None."""
    if value is None or not _DATE.match(value):
        return None
    return value[:10]


def _text(value: str | None) -> str | None:
    return value or None


# ---- the linked account and the sync results ------------------------------------------------


def _connector(account: MergeLinkedAccount | None) -> Connector | None:
    if account is None:
        return None
    origin = _text(account.end_user_origin_id)
    email = _text(account.end_user_email_address)
    return Connector(
        id=account.id,
        name=account.integration,
        integration=account.integration_slug,
        categories=[account.category] if account.category else None,
        org_name=_text(account.end_user_organization_name),
        status=account.status,
        end_user=EndUser(id=origin, email=email) if origin or email else None,
    )


def _overall(results: list[str]) -> str | None:
    """One status for a sync of several models: their common result, else the first that is
    not ``DONE`` (a partial failure must not read as done)."""
    if not results:
        return None
    return next((r for r in results if r != "DONE"), results[0])


# ---- Common Model records -------------------------------------------------------------------


def _employee(e: MergeEmployee) -> Employee:
    raw = e.employment_status
    status = EMPLOYMENT_STATUS.get(raw, "unknown") if raw else None
    termination = _date(e.termination_date)
    if status == "inactive" and termination is not None:
        status = "terminated"
    return Employee(
        id=e.id,
        name=e.display_full_name or full_name(e.first_name, e.last_name),
        first_name=e.first_name,
        last_name=e.last_name,
        **employee_emails(e.work_email, e.personal_email),
        phone=e.mobile_phone_number,
        manager=Person(id=e.manager) if e.manager else None,
        status=raw,
        employment_status=status,
        raw_status=raw,
        start_date=_date(e.start_date) or _date(e.hire_date),
        termination_date=termination,
        employee_number=e.employee_number,
    )


def _employment(e: MergeEmployment) -> EmploymentRecord:
    pay = (
        Pay(
            amount=e.pay_rate,
            currency=e.pay_currency,
            period=PAY_PERIOD.get(e.pay_period, "unknown") if e.pay_period else None,
        )
        if e.pay_rate is not None
        else None
    )
    kind = e.employment_type
    return EmploymentRecord(
        id=e.id,
        employee_id=e.employee,
        job_title=e.job_title,
        employment_type=EMPLOYMENT_TYPE.get(kind, "unknown") if kind else None,
        start_date=_date(e.effective_date),
        pay=pay,
    )


def _time_off(t: MergeTimeOff) -> TimeOff:
    raw = t.status
    return TimeOff(
        id=t.id,
        employee_id=t.employee,
        type=t.request_type,
        status=raw,
        approval_status=TIME_OFF_STATUS.get(raw, "unknown") if raw else None,
        raw_status=raw,
        start=_date(t.start_time),
        end=_date(t.end_time),
        amount=t.amount,
        unit=TIME_OFF_UNIT.get(t.units) if t.units else None,
    )


def _candidate(c: MergeCandidate) -> Candidate:
    emails = [a.value for a in c.email_addresses or [] if a.value]
    phones = [p.value for p in c.phone_numbers or [] if p.value]
    return Candidate(
        id=c.id,
        name=full_name(c.first_name, c.last_name),
        email=emails[0] if emails else None,
        phone=phones[0] if phones else None,
        tags=c.tags or None,
    )


def _job(j: MergeJob) -> Job:
    raw = j.status
    return Job(
        id=j.id,
        title=j.name,
        status=JOB_STATUS.get(raw, "unknown") if raw else None,
        raw_status=raw,
    )


def _application(a: MergeApplication) -> Application:
    return Application(
        id=a.id,
        candidate=Candidate(id=a.candidate) if a.candidate else None,
        job=Job(id=a.job) if a.job else None,
        stage=Stage(id=a.current_stage) if a.current_stage else None,
        source=ApplicationSource(name=a.source) if a.source else None,
    )


def _app_ref(application_id: str | None) -> Application | None:
    return Application(id=application_id) if application_id else None


Builder = Callable[["MergeAdapter", bytes, Connector | None], EventData]


def _employee_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    return EmployeeData(employee=_employee(self._data(payload, MergeEmployee)), connector=c)


def _employment_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    e: MergeEmployment = self._data(payload, MergeEmployment)
    employee = Employee(id=e.employee) if e.employee else None
    return EmploymentData(employment=_employment(e), employee=employee, connector=c)


def _time_off_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    t: MergeTimeOff = self._data(payload, MergeTimeOff)
    employee = Employee(id=t.employee) if t.employee else None
    return TimeOffData(time_off=_time_off(t), employee=employee, connector=c)


def _company_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    co: MergeCompany = self._data(payload, MergeCompany)
    return CompanyData(
        company=Company(id=co.id, name=co.display_name or co.legal_name), connector=c
    )


def _payroll_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    p: MergePayrollRun = self._data(payload, MergePayrollRun)
    raw = p.run_state
    payroll = Payroll(
        id=p.id,
        status=PAYROLL_STATUS.get(raw, "unknown") if raw else None,
        raw_status=raw,
        run_type=p.run_type,
        period_start=_date(p.start_date),
        period_end=_date(p.end_date),
        pay_date=_date(p.check_date),
    )
    return PayrollData(payroll=payroll, connector=c)


def _candidate_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    return CandidateData(candidate=_candidate(self._data(payload, MergeCandidate)), connector=c)


def _application_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    a: MergeApplication = self._data(payload, MergeApplication)
    return ApplicationData(application=_application(a), connector=c)


def _job_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    return JobData(job=_job(self._data(payload, MergeJob)), connector=c)


def _offer_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    o: MergeOffer = self._data(payload, MergeOffer)
    offer = Offer(
        id=o.id,
        status=o.status,
        created_at=first_timestamp(o.created_at),
        sent_at=first_timestamp(o.sent_at),
        resolved_at=first_timestamp(o.closed_at),
        start_date=_date(o.start_date),
    )
    return OfferData(offer=offer, application=_app_ref(o.application), connector=c)


def _interview_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    i: MergeInterview = self._data(payload, MergeInterview)
    interview = Interview(
        id=i.id,
        status=i.status,
        start=first_timestamp(i.start_at),
        end=first_timestamp(i.end_at),
        interviewers=[Person(id=p) for p in i.interviewers] if i.interviewers else None,
    )
    return InterviewData(interview=interview, application=_app_ref(i.application), connector=c)


def _user_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    u: MergeRemoteUser = self._data(payload, MergeRemoteUser)
    user = Person(id=u.id, name=full_name(u.first_name, u.last_name), email=u.email)
    return UserData(user=user, connector=c)


def _department_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    d: MergeNamed = self._data(payload, MergeNamed)
    return DepartmentData(department=Department(id=d.id, name=d.name), connector=c)


def _office_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    o: MergeNamed = self._data(payload, MergeNamed)
    return OfficeData(office=Office(id=o.id, name=o.name), connector=c)


def _stage_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    s: MergeNamed = self._data(payload, MergeNamed)
    job = Job(id=s.job) if s.job else None
    return StageData(stage=Stage(id=s.id, name=s.name), job=job, connector=c)


def _scorecard_data(self: MergeAdapter, payload: bytes, c: Connector | None) -> EventData:
    s: MergeScorecard = self._data(payload, MergeScorecard)
    scorecard = Scorecard(
        id=s.id,
        status=s.overall_recommendation,
        interviewer=Person(id=s.interviewer) if s.interviewer else None,
        submitted_at=first_timestamp(s.submitted_at),
    )
    interview = Interview(id=s.interview) if s.interview else None
    return ScorecardData(
        scorecard=scorecard,
        application=_app_ref(s.application),
        interview=interview,
        connector=c,
    )


BUILDERS: dict[str, Builder] = {
    "Employee": _employee_data,
    "Employment": _employment_data,
    "TimeOff": _time_off_data,
    "Company": _company_data,
    "PayrollRun": _payroll_data,
    "Candidate": _candidate_data,
    "Application": _application_data,
    "Job": _job_data,
    "Offer": _offer_data,
    "ScheduledInterview": _interview_data,
    "RemoteUser": _user_data,
    "Department": _department_data,
    "Office": _office_data,
    "JobInterviewStage": _stage_data,
    "Scorecard": _scorecard_data,
}


class MergeAdapter(BaseAdapter):
    name = "merge"
    display_name = "Merge"
    category = "hris"
    signature = Signature(header="X-Merge-Webhook-Signature", encodings=("base64url",))
    event_types = EVENT_TYPES
    secret_hint = (
        "the organization's webhook signature key (Merge dashboard: Advanced → Webhooks → "  # noqa: S105 - names a value, holds none
        "Security), not an API key or account token"
    )
    also_emits = {"TimeOff.added": tuple(TIME_OFF_ADDED_BY_STATUS.values())}

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        head: MergeHead = self.decode(raw_body, MergeHead)
        event_id = sha256_event_id(raw_body)
        received = format_timestamp(received_at)
        if head.hook is None:
            if head.response is None:
                raise NormalizationError(self.name, "invalid payload: no `hook` object")
            return self._event(
                TEST_TYPE, "connection.test", event_id, received, TestData(message=head.response)
            )
        vendor_type = head.hook.event
        canonical = EVENT_TYPES.get(vendor_type)
        body: MergeEnvelope = self.decode(raw_body, MergeEnvelope)
        if canonical is None:
            when = self._record_time(raw_body) or received
            return self.unmapped(raw_body, vendor_type, event_id, when)
        if isinstance(body.data, list):
            raise NormalizationError(self.name, "invalid payload: `data` is a list")
        connector = _connector(body.linked_account)
        if vendor_type in RECORD_TYPES:
            return self._record(vendor_type, canonical, raw_body, connector, event_id, received)
        if vendor_type in MODEL_SYNC_TYPES:
            return self._model_synced(vendor_type, raw_body, connector, event_id, received)
        if vendor_type.startswith("Issue."):
            return self._issue(vendor_type, raw_body, connector, event_id, received)
        if canonical == "connection.sync.completed":
            return self._account_synced(vendor_type, raw_body, connector, event_id, received)
        if connector is None:
            raise NormalizationError(self.name, "invalid payload: no `linked_account` object")
        account = body.linked_account
        when = first_timestamp(account.completed_at if account else None) or received
        return self._event(
            vendor_type, canonical, event_id, when, ConnectionData(connector=connector)
        )

    def _record(
        self,
        vendor_type: str,
        canonical: str,
        payload: bytes,
        connector: Connector | None,
        event_id: str,
        received: str,
    ) -> Normalized:
        model = vendor_type.partition(".")[0]
        result = BUILDERS[model](self, payload, connector)
        if vendor_type == "TimeOff.added" and isinstance(result, TimeOffData):
            decided = result.time_off.approval_status
            canonical = TIME_OFF_ADDED_BY_STATUS.get(decided or "requested", canonical)
        when = self._record_time(payload) or received
        return self._event(vendor_type, canonical, event_id, when, result)

    def _model_synced(
        self,
        vendor_type: str,
        payload: bytes,
        connector: Connector | None,
        event_id: str,
        received: str,
    ) -> Normalized:
        synced: MergeModelSynced = self._data(payload, MergeModelSynced)
        status = synced.sync_status
        if connector is not None and connector.integration is None and synced.integration_id:
            connector = msgspec.structs.replace(connector, integration=synced.integration_id)
        sync = (
            Sync(
                status=status.last_sync_result or status.status,
                initial=status.is_initial_sync,
                started_at=first_timestamp(status.last_sync_start),
            )
            if status is not None
            else None
        )
        when = first_timestamp(status.last_sync_finished if status else None) or received
        return self._event(
            vendor_type,
            "connection.sync.completed",
            event_id,
            when,
            SyncData(connector=connector, sync=sync),
        )

    def _account_synced(
        self,
        vendor_type: str,
        payload: bytes,
        connector: Connector | None,
        event_id: str,
        received: str,
    ) -> Normalized:
        synced: MergeAccountSynced = self._data(payload, MergeAccountSynced)
        results: list[MergeSyncResult] = list((synced.sync_status or {}).values())
        initial = synced.is_initial_sync
        if initial is None and vendor_type in (
            "LinkedAccount.fully_synced_initial",
            "LinkedAccount.synced_initial",
        ):
            initial = True
        status = _overall([r.last_sync_result for r in results if r.last_sync_result])
        sync = Sync(status=status, initial=initial) if status or initial is not None else None
        finished = sorted(
            t for t in (first_timestamp(r.last_sync_finished) for r in results) if t is not None
        )
        when = finished[-1] if finished else received
        return self._event(
            vendor_type,
            "connection.sync.completed",
            event_id,
            when,
            SyncData(connector=connector, sync=sync),
        )

    def _issue(
        self,
        vendor_type: str,
        payload: bytes,
        connector: Connector | None,
        event_id: str,
        received: str,
    ) -> Normalized:
        issue: MergeIssue = self._data(payload, MergeIssue)
        raw = issue.status
        status: ConnectionIssueStatus | None = ISSUE_STATUS.get(raw, "unknown") if raw else None
        if status is None:
            status = "resolved" if vendor_type == "Issue.resolved" else "open"
        found = ConnectionIssue(
            id=issue.id, status=status, raw_status=raw, message=issue.error_description
        )
        when = first_timestamp(issue.last_incident_time, issue.first_incident_time) or received
        return self._event(
            vendor_type,
            "connection.updated",
            event_id,
            when,
            ConnectionData(connector=connector or Connector(), issue=found),
        )

    def _data(self, payload: bytes, type_: type[Any]) -> Any:
        """``data`` decoded as ``type_`` (straight from the bytes: a deep or mistyped document
        fails as a ``NormalizationError``); a body without it is malformed."""
        body: MergeBody[Any] = self.decode(payload, MergeBody[type_])  # type: ignore[valid-type]
        if body.data is None:
            raise NormalizationError(self.name, "invalid payload: no `data` object")
        return body.data

    def _record_time(self, payload: bytes) -> str | None:
        """The record's time, for any event type: never fails (an unmapped event is kept)."""
        try:
            record: MergeRecord = self._data(payload, MergeRecord)
        except NormalizationError:
            return None
        return first_timestamp(record.modified_at, record.created_at)

    def _event(
        self, vendor_type: str, canonical: str, event_id: str, when: str, data: EventData
    ) -> Normalized:
        return self.parts(
            vendor_type=vendor_type,
            event_id=event_id,
            timestamp=when,
            completeness="full",
            data=data,
            canonical=canonical,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return samples(RECORD_TYPES, HRIS_MODELS, ATS_MODELS)

    def sample_variants(self) -> dict[str, bytes]:
        return variants()


adapter = MergeAdapter()
