"""Knit (unified HRIS and ATS API): ``{eventId, eventType, eventData, syncType?, syncDataType?,
syncJobId?, syncRunId?, recordId?}``, signed in ``X-Knit-Signature``.

Knit signs with the account's API key itself (there is no separate webhook secret): the
signature is HMAC-SHA256 of the body, base64url without padding. Its Kotlin sample signs the
request body as received; its JavaScript sample signs ``JSON.stringify(req.body)``, which equals
the raw body when Knit sends compact JSON, so both forms are accepted. Knit counts an event as
consumed only on ``200``, and retries anything else for four days: unihook answers ``200``.

A record event's canonical type comes from the record's kind (``syncDataType``): ``employee`` →
``hris.employee.*``, ``ats_applications`` → ``ats.application.*``, ``ats_jobs`` → ``ats.job.*``,
``ats_candidates`` → ``ats.candidate.*``; records of any other kind are ``unmapped``, never
dropped. ``record.new`` / ``record.modified`` carry the whole record (``completeness: "full"``);
``record.deleted`` carries its ids only (``"reference"``).

Guessed, not in Knit's docs: the fields of ``app.integration.activate`` and ``bot.*`` (read as
the ``integrationDetails`` Knit's UI component reports), the candidate and job records' keys
(read like the application's ``info``), and ``record.deleted``'s keys for jobs and candidates
(``jobId`` / ``candidateId``, as for applications).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from providers import BODY, BaseAdapter, Signature, canonical_event_id, format_timestamp
from providers._records import employee_emails, full_name
from providers.errors import NormalizationError
from providers.knit.payloads import (
    KnitApplication,
    KnitApplicationDeleted,
    KnitCandidate,
    KnitCandidateDeleted,
    KnitEmployee,
    KnitEmployeeDeleted,
    KnitEvent,
    KnitHead,
    KnitIntegration,
    KnitJob,
    KnitJobDeleted,
    KnitSyncResult,
)
from providers.knit.samples import SAMPLES, VARIANTS
from schemas import Completeness, EventData, Normalized
from schemas.events import (
    ApplicationData,
    CandidateData,
    ConnectionData,
    EmployeeData,
    JobData,
    SyncData,
)
from schemas.resources import (
    Application,
    Candidate,
    Connector,
    Employee,
    EmploymentStatus,
    EmploymentType,
    EndUser,
    Job,
    JobStatus,
    Location,
    Person,
    Stage,
    Sync,
)

RECORD_VERBS = {"record.new": "created", "record.modified": "updated", "record.deleted": "deleted"}
RECORD_FAMILIES = {
    "employee": "hris.employee",
    "ats_applications": "ats.application",
    "ats_jobs": "ats.job",
    "ats_candidates": "ats.candidate",
}

EVENT_TYPES: dict[str, str] = {
    # A record's canonical type depends on its kind (``also_emits``); an employee is the default.
    "record.new": "hris.employee.created",
    "record.modified": "hris.employee.updated",
    "record.deleted": "hris.employee.deleted",
    "sync.events.processed": "connection.sync.completed",
    "sync.events.allConsumed": "connection.sync.completed",
    "app.integration.activate": "connection.created",
    "bot.installed": "connection.created",
    "bot.uninstalled": "connection.deleted",
}
ALSO_EMITS: dict[str, list[str]] = {
    vendor: [f"{family}.{verb}" for family in RECORD_FAMILIES.values()]
    for vendor, verb in RECORD_VERBS.items()
}

EMPLOYMENT_STATUSES: dict[str, EmploymentStatus] = {
    "active": "active",
    "inactive": "inactive",
    "terminated": "terminated",
    "pending": "pending",
    "leave": "leave",
    "on_leave": "leave",
}
EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "full_time": "full_time",
    "part_time": "part_time",
    "contractor": "contractor",
    "contract": "contractor",
    "intern": "intern",
    "internship": "intern",
    "temporary": "temporary",
}
JOB_STATUSES: dict[str, JobStatus] = {
    "draft": "draft",
    "open": "open",
    "active": "open",
    "closed": "closed",
    "archived": "archived",
}


def _key(value: str | None) -> str:
    return (value or "").strip().lower().replace("-", "_").replace(" ", "_")


def _date(value: str | None) -> str | None:
    """Knit's dates (``YYYY-MM-DD``, or a time whose date part is meant) as ``YYYY-MM-DD``."""
    if not value or len(value) < 10:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None


def _employee(record: KnitEmployee, record_id: str | None) -> Employee:
    profile = record.profile
    org = record.org_structure
    contact = record.contact_info
    work = record.locations.work_address if record.locations is not None else None
    personal = contact.personal_emails[0] if contact and contact.personal_emails else None
    phone = next((p.number for p in (contact.phones or []) if p.number), None) if contact else None
    manager = org.manager if org is not None else None
    raw_status = profile.employment_status if profile is not None else None
    raw_type = profile.employment_type if profile is not None else None
    work_email = profile.work_email if profile is not None else None
    return Employee(
        id=(profile.id if profile is not None else None) or record_id,
        name=full_name(profile.first_name, profile.last_name) if profile is not None else None,
        first_name=profile.first_name if profile is not None else None,
        last_name=profile.last_name if profile is not None else None,
        **employee_emails(work_email, personal),
        phone=phone,
        job_title=org.designation if org is not None else None,
        department=org.department if org is not None else None,
        manager=(
            Person(
                id=manager.id,
                name=full_name(manager.first_name, manager.last_name),
                email=manager.work_email,
            )
            if manager is not None
            else None
        ),
        location=(
            Location(city=work.city, region=work.state, country=work.country)
            if work is not None
            else None
        ),
        status=raw_status,
        employment_status=(
            EMPLOYMENT_STATUSES.get(_key(raw_status), "unknown") if raw_status else None
        ),
        raw_status=raw_status,
        employment_type=EMPLOYMENT_TYPES.get(_key(raw_type), "unknown") if raw_type else None,
        start_date=_date(profile.start_date) if profile is not None else None,
        termination_date=_date(profile.termination_date) if profile is not None else None,
        employee_number=profile.employee_number if profile is not None else None,
    )


class KnitAdapter(BaseAdapter):
    name = "knit"
    display_name = "Knit"
    category = "hris"
    signature = Signature(
        header="X-Knit-Signature",
        encodings=("base64url",),
        sign_padding=False,
        signed=(BODY,),
        body_forms=("raw", "js"),
    )
    event_types = EVENT_TYPES
    also_emits = ALSO_EMITS
    accepted_status = 200
    secret_hint = (
        "your Knit API key (the one you send as Authorization: Bearer): Knit signs webhooks "  # noqa: S105 - names a value, holds none
        "with it; there is no separate webhook secret"
    )

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        body: KnitHead = self.decode(raw_body, KnitHead)
        if not body.event_type:
            raise NormalizationError(self.name, "invalid payload: no `eventType`")
        vendor_type = body.event_type
        # Knit's events all carry an ``eventId``; one without it is keyed like an id-less body
        # whose re-serialisation may verify (its JavaScript sample signs JSON.stringify).
        event_id = body.event_id or canonical_event_id(raw_body)
        timestamp = format_timestamp(received_at)  # Knit's events carry no time
        canonical = self._canonical(vendor_type, body.sync_data_type)
        if canonical is None:
            return self.unmapped(raw_body, vendor_type, event_id, timestamp)
        completeness: Completeness = "full"
        if vendor_type == "record.deleted":
            completeness = "reference"
        return Normalized(
            type=canonical,
            timestamp=timestamp,
            event_id=event_id,
            event_type=vendor_type,
            completeness=completeness,
            data=self._data(vendor_type, canonical, body, raw_body),
            signature_scope=self.signature_scope,
        )

    def _canonical(self, vendor_type: str, data_type: str | None) -> str | None:
        verb = RECORD_VERBS.get(vendor_type)
        if verb is None:
            return EVENT_TYPES.get(vendor_type)
        family = RECORD_FAMILIES.get(data_type or "")
        return f"{family}.{verb}" if family is not None else None

    def _record(self, raw_body: bytes, shape: type[Any]) -> Any:
        """``eventData`` decoded from the bytes as ``shape``; absent or mistyped: an empty one."""
        event: KnitEvent[Any] = self.decode(raw_body, KnitEvent[shape])  # type: ignore[valid-type]
        return event.event_data if event.event_data is not None else shape()

    def _data(self, vendor_type: str, canonical: str, body: KnitHead, raw_body: bytes) -> EventData:
        record_id = str(body.record_id) if body.record_id is not None else None
        deleted = vendor_type == "record.deleted"
        if canonical.startswith("hris.employee."):
            if deleted:
                gone: KnitEmployeeDeleted = self._record(raw_body, KnitEmployeeDeleted)
                employee = Employee(
                    id=gone.employee_id or record_id,
                    email=gone.work_email,
                    work_email=gone.work_email,
                )
            else:
                employee = _employee(self._record(raw_body, KnitEmployee), record_id)
            return EmployeeData(employee=employee)
        if canonical.startswith("ats.application."):
            return ApplicationData(application=self._application(raw_body, record_id, deleted))
        if canonical.startswith("ats.job."):
            if deleted:
                job_ref: KnitJobDeleted = self._record(raw_body, KnitJobDeleted)
                return JobData(job=Job(id=job_ref.job_id or record_id))
            return JobData(job=self._job(self._record(raw_body, KnitJob).info, record_id))
        if canonical.startswith("ats.candidate."):
            if deleted:
                ref: KnitCandidateDeleted = self._record(raw_body, KnitCandidateDeleted)
                return CandidateData(candidate=Candidate(id=ref.candidate_id or record_id))
            person = self._record(raw_body, KnitCandidate).info
            return CandidateData(candidate=self._candidate(person, record_id))
        if canonical.startswith("connection.sync."):
            result: KnitSyncResult = self._record(raw_body, KnitSyncResult)
            return SyncData(
                sync=Sync(
                    id=body.sync_run_id or body.sync_job_id,
                    status=result.status or vendor_type.rsplit(".", 1)[-1],
                    initial=(body.sync_type == "initial_sync") if body.sync_type else None,
                ),
            )
        return ConnectionData(connector=self._connector(self._record(raw_body, KnitIntegration)))

    def _application(self, raw_body: bytes, record_id: str | None, deleted: bool) -> Application:
        if deleted:
            ref: KnitApplicationDeleted = self._record(raw_body, KnitApplicationDeleted)
            return Application(
                id=ref.application_id or record_id,
                candidate=Candidate(id=ref.candidate_id) if ref.candidate_id else None,
                job=Job(id=ref.job_id) if ref.job_id else None,
            )
        record: KnitApplication = self._record(raw_body, KnitApplication)
        info = record.info
        stage = record.current_stage
        return Application(
            id=(info.id if info is not None else None) or record_id,
            candidate=Candidate(id=info.candidate_id) if info and info.candidate_id else None,
            job=Job(id=info.job_id) if info and info.job_id else None,
            stage=(
                Stage(id=stage.id, name=stage.name) if stage and (stage.id or stage.name) else None
            ),
            rejection_reason=record.rejection.reason if record.rejection is not None else None,
        )

    @staticmethod
    def _job(info: Any, record_id: str | None) -> Job:
        if info is None:
            return Job(id=record_id)
        departments = [d.name for d in info.departments or [] if d.name]
        return Job(
            id=info.id or record_id,
            title=info.title,
            status=JOB_STATUSES.get(_key(info.status), "unknown") if info.status else None,
            raw_status=info.status,
            department=departments[0] if departments else None,
        )

    @staticmethod
    def _candidate(info: Any, record_id: str | None) -> Candidate:
        if info is None:
            return Candidate(id=record_id)
        return Candidate(
            id=info.id or record_id,
            name=full_name(info.first_name, info.last_name),
            email=info.emails[0] if info.emails else None,
            phone=info.phones[0] if info.phones else None,
        )

    @staticmethod
    def _connector(integration: KnitIntegration) -> Connector:
        end_user = (
            EndUser(
                id=integration.origin_org_id,
                name=integration.origin_user_name,
                email=integration.origin_user_email,
            )
            if integration.origin_org_id
            or integration.origin_user_name
            or integration.origin_user_email
            else None
        )
        return Connector(
            id=integration.integration_id,
            integration=integration.app_id,
            categories=[integration.category_id] if integration.category_id else None,
            org_name=integration.origin_org_name,
            status=integration.status,
            end_user=end_user,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        from providers import compact_json

        return {key: compact_json(payload) for key, payload in VARIANTS.items()}


adapter = KnitAdapter()
