"""Workable (ATS and HR): envelope ``{data, id, resource_type, event_type, fired_at}``, signed in
``X-Workable-Signature``.

Workable signs the raw body with HMAC-SHA256 keyed by the account's API token, or by the OAuth
app's client secret for OAuth integrations: that key is the connection's secret. Workable does not
name the digest's encoding; it is hex in every receiver of Workable's webhooks found.
The envelope's ``id`` is the resource's, not the event's, and ``data`` is the resource as it is
when Workable sends (a replay may carry a newer state), so the event is identified by what
Workable keeps across replays: its type, the resource id and ``fired_at``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

import msgspec

from providers import (
    BaseAdapter,
    Signature,
    format_timestamp,
    parse_date,
    parse_timestamp,
    sha256_event_id,
)
from providers._records import full_name
from providers.workable.payloads import WCandidate, WEmployee, WEnvelope, WRow
from providers.workable.samples import SAMPLES
from schemas import Completeness, EventData, Normalized
from schemas.events import ApplicationData, CandidateData, EmployeeData, TimeOffData
from schemas.resources import (
    Application,
    ApplicationSource,
    Candidate,
    Company,
    Employee,
    Job,
    Stage,
    TimeOff,
)

EVENT_TYPES: dict[str, str] = {
    "candidate_created": "ats.application.created",
    "candidate_moved": "ats.application.stage_changed",
    "candidate_deleted": "ats.candidate.deleted",
    "employee_created": "hris.employee.created",
    "employee_updated": "hris.employee.updated",
    "employee_published": "hris.employee.updated",
    "onboarding_completed": "hris.employee.onboarded",
    "timeoff_updated": "hris.time_off.updated",
}

ALSO_EMITS: dict[str, tuple[str, ...]] = {
    "candidate_moved": ("ats.application.rejected", "ats.candidate.hired"),
}
"""Workable has no rejection or hire event: a moved candidate says ``disqualified`` (with
``disqualification_reason``) or carries ``hired_at``."""

COMPLETENESS: dict[str, Completeness] = {
    "candidate_created": "full",
    "candidate_moved": "full",
    "candidate_deleted": "partial",
    "employee_created": "partial",  # "minimal employee information"
    "employee_updated": "partial",  # "details of the updated fields"
    "employee_published": "reference",  # "only the Employee ID"
    "onboarding_completed": "partial",
    "timeoff_updated": "partial",
}


# ---- mapping --------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        return str(value) or None
    return None


def _company(c: WCandidate) -> Company | None:
    account = c.account
    if account is None or (account.subdomain is None and account.name is None):
        return None
    return Company(name=account.name, slug=account.subdomain)


def _candidate(c: WCandidate, resource_id: str | None) -> Candidate:
    name = c.name or full_name(c.firstname, c.lastname)
    tags = [t for t in c.tags if isinstance(t, str)] if c.tags is not None else None
    return Candidate(
        id=_text(c.id) or resource_id,
        name=name,
        email=c.email,
        phone=c.phone,
        photo_url=c.image_url,
        tags=tags,
    )


def _job(c: WCandidate) -> Job | None:
    job = c.job
    if job is None or (job.shortcode is None and job.title is None):
        return None
    return Job(id=job.shortcode, title=job.title)


def _application(c: WCandidate, resource_id: str | None) -> ApplicationData:
    candidate = _candidate(c, resource_id)
    source = None
    if c.sourced is not None or c.domain:
        source = ApplicationSource(
            type=None if c.sourced is None else ("sourced" if c.sourced else "applied"),
            name=c.domain or None,
        )
    return ApplicationData(
        application=Application(
            id=candidate.id,
            candidate=candidate,
            job=_job(c),
            stage=Stage(name=c.stage) if c.stage else None,
            source=source,
            rejection_reason=c.disqualification_reason if c.disqualified else None,
        ),
        company=_company(c),
    )


def _deleted_candidate(c: WCandidate, resource_id: str | None) -> CandidateData:
    return CandidateData(candidate=_candidate(c, resource_id), job=_job(c), company=_company(c))


def _primary(rows: list[WRow] | str | None) -> str | None:
    """The primary (else first) text value of an employee's multi-valued field."""
    if rows is None or isinstance(rows, str):
        return rows or None
    ordered = sorted(rows, key=lambda row: row.is_primary is not True)
    for row in ordered:
        value = row.value
        if isinstance(value, Mapping):
            value = value.get("phone") or value.get("value")
        if isinstance(value, str) and value:
            return value
    return None


def _employee(e: WEmployee, resource_id: str | None) -> Employee:
    return Employee(
        id=_text(e.id) or resource_id,
        name=full_name(e.firstname, e.lastname),
        email=_primary(e.work_email) or _primary(e.personal_email),
        phone=_primary(e.phone_group),
        job_title=e.job_title,
        department=e.department,
        status=e.status,
        start_date=parse_date(e.start_date),
        employee_number=_text(e.employee_number),
    )


def _employee_data(e: WEmployee, resource_id: str | None) -> EmployeeData:
    return EmployeeData(employee=_employee(e, resource_id))


def _date(value: str | None) -> str | None:
    """The date of Workable's time-off bounds (ISO dates "without timezone", at midnight)."""
    return value[:10] if value and len(value) >= 10 else value or None


def _time_off(e: WEmployee, resource_id: str | None) -> TimeOffData:
    request = e.timeoff_request
    time_off = (
        TimeOff(
            id=_text(request.id),
            type=request.category_name,
            status=request.state,
            start=_date(request.from_date),
            end=_date(request.to_date),
        )
        if request is not None
        else TimeOff()
    )
    return TimeOffData(time_off=time_off, employee=_employee(e, resource_id))


_CANDIDATE_BUILDERS: dict[str, Callable[[WCandidate, str | None], EventData]] = {
    "candidate_created": _application,
    "candidate_moved": _application,
    "candidate_deleted": _deleted_candidate,
}
_EMPLOYEE_BUILDERS: dict[str, Callable[[WEmployee, str | None], EventData]] = {
    "employee_created": _employee_data,
    "employee_updated": _employee_data,
    "employee_published": _employee_data,
    "onboarding_completed": _employee_data,
    "timeoff_updated": _time_off,
}


_MAYBE_CANDIDATE: Any = WCandidate | None
_MAYBE_EMPLOYEE: Any = WEmployee | None


def event_id(env: WEnvelope, raw_body: bytes) -> str:
    """``<event_type>:<resource id>:<fired_at>``, else ``sha256:`` of the raw body.

    Workable sends no event id and re-reads the resource for every attempt, so a replay's body
    may differ from the first one's; the type, the resource and the time the event fired do not.
    """
    resource_id = _text(env.id)
    if resource_id and env.fired_at:
        return f"{env.event_type}:{resource_id}:{env.fired_at}"
    return sha256_event_id(raw_body)


class WorkableAdapter(BaseAdapter):
    name = "workable"
    display_name = "Workable"
    category = "ats"
    signature = Signature(header="X-Workable-Signature", prefix="sha256=", prefix_required=False)
    event_types = EVENT_TYPES
    also_emits = ALSO_EMITS
    accepted_status: ClassVar[int] = 200
    """Workable replays a delivery unless the answer is 200, so accepted bodies get 200."""

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: WEnvelope = self.decode(raw_body, WEnvelope)
        key = event_id(env, raw_body)
        timestamp = parse_timestamp(env.fired_at) or format_timestamp(received_at)
        resource_id = _text(env.id)
        data: EventData
        record: WCandidate | None = None
        if env.event_type in _CANDIDATE_BUILDERS:
            record = self.decode(env.data, _MAYBE_CANDIDATE) or WCandidate()
            data = _CANDIDATE_BUILDERS[env.event_type](record, resource_id)
        elif env.event_type in _EMPLOYEE_BUILDERS:
            employee: WEmployee = self.decode(env.data, _MAYBE_EMPLOYEE) or WEmployee()
            data = _EMPLOYEE_BUILDERS[env.event_type](employee, resource_id)
        else:
            return self.unmapped(raw_body, env.event_type, key, timestamp)
        main = self.parts(
            vendor_type=env.event_type,
            event_id=key,
            timestamp=timestamp,
            completeness=COMPLETENESS[env.event_type],
            data=data,
        )
        if record is None or env.event_type not in ALSO_EMITS:
            return main
        return msgspec.structs.replace(main, also=self._outcomes(main, record, resource_id))

    def _outcomes(
        self, main: Normalized, c: WCandidate, resource_id: str | None
    ) -> tuple[Normalized, ...]:
        """The rejection or hire a moved candidate reports. Keyed by the candidate and the time
        of the outcome, so later moves of a candidate still disqualified (or hired) repeat no
        event."""
        if not isinstance(main.data, ApplicationData):
            return ()
        application = main.data.application
        out: list[Normalized] = []
        who = application.id or resource_id
        if c.disqualified:
            when = c.disqualified_at or main.timestamp
            out.append(
                self.derived(
                    main,
                    "ats.application.rejected",
                    f"{who}:{when}:ats.application.rejected",
                    ApplicationData(application=application, company=main.data.company),
                )
            )
        if c.hired_at:
            candidate = application.candidate or Candidate(id=who)
            out.append(
                self.derived(
                    main,
                    "ats.candidate.hired",
                    f"{who}:{c.hired_at}:ats.candidate.hired",
                    CandidateData(
                        candidate=candidate,
                        job=application.job,
                        application=Application(id=application.id, stage=application.stage),
                        company=main.data.company,
                    ),
                )
            )
        return tuple(out)

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
