"""Deel (HRIS, EOR and contractors): ``{data: {meta, resource}, timestamp}``, signed
``x-deel-signature: <hex>``.

The signature is the lower-case hex HMAC-SHA256, keyed by the webhook's ``signing_key``, of the
ASCII text ``POST`` followed by the raw body (Deel "prepends it with the string POST before
hashing"); nothing time-bound is signed, so there is no tolerance. ``x-deel-hmac-label`` names
the key that signed and ``x-deel-webhook-version`` the payload version; both are kept with each
receipt. Deel asks for a ``200``, so every accepted, duplicate or quarantined body gets one.

``resource`` is an object or an array of records: the event is about the first record (its
``subject``), and a delivery naming several is ``partial``, the others being in the stored
payload. The event id is ``meta.event_id`` where Deel sends it, else
``<tracking_id>:<event_type>:<timestamp>`` (Deel does not say that ``tracking_id`` is unique to
one event; with the type and the event time it is), else the ``sha256:`` of the raw body.
Deliveries marked ``meta.is_simulation`` are emitted like any other, with
``source.simulated: true``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

import msgspec

from providers import (
    BODY,
    BaseAdapter,
    Signature,
    compact_json,
    first_timestamp,
    format_timestamp,
    sha256_event_id,
)
from providers._records import full_name
from providers.deel.payloads import (
    DeelApplication,
    DeelBackgroundCheck,
    DeelContract,
    DeelPayslip,
    DeelTaxDocument,
    DeelTimeOff,
    DeelWebhook,
    DeelWorker,
)
from providers.deel.samples import SAMPLES, VARIANTS
from schemas import EventData, Normalized
from schemas.events import (
    ApplicationData,
    BackgroundCheckData,
    DocumentData,
    EmployeeData,
    EmploymentData,
    PayslipData,
    TimeOffData,
)
from schemas.resources import (
    Application,
    BackgroundCheck,
    BackgroundCheckResult,
    Candidate,
    Company,
    Document,
    Employee,
    Employment,
    EmploymentStatus,
    EmploymentType,
    Job,
    Payslip,
    Stage,
    TimeOff,
    TimeOffStatus,
)

EVENT_TYPES: dict[str, str] = {
    "ats.application.created": "ats.application.created",
    "ats.application.transitioned": "ats.application.stage_changed",
    "contract.created": "hris.employment.created",
    "contract.duplicated": "hris.employment.created",
    "contract.amended": "hris.employment.updated",
    "contract.status.updated": "hris.employment.updated",
    "contract.signed": "hris.employment.updated",
    "contract.sign.team-member-invited": "hris.employment.updated",
    "contract.archived": "hris.employment.updated",
    "contract.terminated": "hris.employee.terminated",
    "employee.created.direct": "hris.employee.created",
    "employee.created.contractor": "hris.employee.created",
    "employee.created.eor": "hris.employee.created",
    "employee.updated.direct": "hris.employee.updated",
    "worker.v2.created": "hris.employee.created",
    "worker.v2.updated": "hris.employee.updated",
    "worker.v2.deleted": "hris.employee.deleted",
    "time-off.created": "hris.time_off.requested",
    "time-off.updated": "hris.time_off.updated",
    "time-off.reviewed": "hris.time_off.approved",
    "eor.payslips.available": "hris.payslip.released",
    "tax.document.available": "hris.document.available",
    "bgcheck.result.available": "hris.background_check.completed",
}
"""Every event type Deel's docs name (its event-types page, payload examples and changelog) and
its canonical type. ``time-off.reviewed`` is approved or declined by the review's ``status``."""

REVIEW_TYPES: dict[TimeOffStatus, str] = {
    "approved": "hris.time_off.approved",
    "declined": "hris.time_off.declined",
}

CONTRACT_STATUS: dict[str, EmploymentStatus] = {
    "new": "pending",
    "under_review": "pending",
    "processing_payment": "pending",
    "in_progress": "active",
    "onboarding": "pending",
    "active": "active",
    "on_leave": "leave",
    "completed": "terminated",
    "terminated": "terminated",
    "cancelled": "terminated",
    "user_cancelled": "terminated",
    "archived": "inactive",
}
"""Deel's contract statuses and what they mean; every ``waiting_for_*`` (a signature or a
payment before the start) is ``pending``."""

CONTRACTOR_TYPES = frozenset(
    {"ongoing_time_based", "pay_as_you_go_time_based", "milestones", "fixed_rate", "contractor"}
)
TIME_OFF_STATUS: dict[str, TimeOffStatus] = {
    "requested": "requested",
    "pending": "requested",
    "approved": "approved",
    "used": "approved",
    "rejected": "declined",
    "denied": "declined",
    "declined": "declined",
    "canceled": "cancelled",
    "cancelled": "cancelled",
}
CHECK_RESULT: dict[str, BackgroundCheckResult] = {
    "cleared": "clear",
    "clear": "clear",
    "passed": "clear",
    "consider": "consider",
    "review": "consider",
    "failed": "failed",
    "not_cleared": "failed",
}


# ---- reading the vendor's values -------------------------------------------------------------


def _lenient_time(value: str | None) -> str | None:
    # Deel's published examples carry a stray space inside the fraction ("51. 658Z").
    return first_timestamp(value.replace(" ", "")) if value else None


def _date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date or a date-time."""
    if not value or len(value) < 10:
        return None
    day = value[:10]
    return day if day[4] == "-" and day[7] == "-" and day.replace("-", "").isdigit() else None


def _contract_status(raw: str | None) -> EmploymentStatus | None:
    if raw is None:
        return None
    key = raw.strip().lower()
    if key.startswith("waiting_for_"):
        return "pending"
    return CONTRACT_STATUS.get(key, "unknown")


def _contract_type(raw: str | None) -> EmploymentType | None:
    return "contractor" if raw and raw.lower() in CONTRACTOR_TYPES else None


def _time_off_status(raw: str | None) -> TimeOffStatus | None:
    return TIME_OFF_STATUS.get(raw.strip().lower(), "unknown") if raw else None


# ---- data, per family ------------------------------------------------------------------------


class _Reader:
    """Builds ``data`` from one resource record of a delivery."""

    def __init__(self, adapter: DeelAdapter, body: DeelWebhook, record: dict[str, Any]) -> None:
        self.adapter = adapter
        self.body = body
        self.record = record
        meta = body.data.meta
        self.company = (
            Company(id=meta.organization_id, name=meta.organization_name)
            if meta.organization_id
            else None
        )

    def read(self, type_: type[Any]) -> Any:
        return self.adapter.convert(self.record, type_, "resource")

    def employment(self) -> EventData:
        c: DeelContract = self.read(DeelContract)
        worker = c.worker
        employee = (
            Employee(id=worker.id, name=worker.full_name, email=worker.email)
            if worker is not None and worker.id
            else (Employee(id=c.worker_id) if c.worker_id else None)
        )
        return EmploymentData(
            employment=self._employment(c, employee),
            employee=employee,
            company=self.company,
        )

    def _employment(self, c: DeelContract, employee: Employee | None) -> Employment:
        return Employment(
            id=c.id,
            employee_id=employee.id if employee else None,
            job_title=c.job_title or c.title,
            employment_type=_contract_type(c.type),
            status=_contract_status(c.status),
            raw_status=c.status,
            start_date=_date(c.start_date),
            end_date=_date(c.termination_date or c.end_date),
        )

    def terminated(self) -> EventData:
        c: DeelContract = self.read(DeelContract)
        worker = c.worker
        end = _date(c.termination_date or c.end_date)
        employee = Employee(
            id=(worker.id if worker else None) or c.worker_id,
            name=worker.full_name if worker else None,
            email=worker.email if worker else None,
            job_title=c.job_title or c.title,
            employment_status=_contract_status(c.status) or "terminated",
            status=c.status,
            raw_status=c.status,
            termination_date=end,
        )
        return EmployeeData(
            employee=employee,
            employment=self._employment(c, employee),
            company=self.company,
        )

    def employee(self) -> EventData:
        w: DeelWorker = self.read(DeelWorker)
        email = w.work_email or w.email or w.personal_email
        return EmployeeData(
            employee=Employee(
                id=w.id,
                name=w.full_name or full_name(w.first_name, w.last_name),
                first_name=w.first_name,
                last_name=w.last_name,
                email=email,
                work_email=w.work_email,
                personal_email=w.personal_email,
                job_title=w.job_title,
                department=w.department,
                status=w.hiring_status,
                raw_status=w.hiring_status,
                employment_type=_contract_type(w.hiring_type),
                start_date=_date(w.start_date),
                termination_date=_date(w.termination_date),
                employee_number=w.employee_number,
            ),
            company=self.company,
        )

    def time_off(self) -> EventData:
        t: DeelTimeOff = self.read(DeelTimeOff)
        unit = t.unit.lower() if t.unit else None
        return TimeOffData(
            time_off=TimeOff(
                id=t.id,
                employee_id=t.worker_id,
                type=t.time_off_type or t.type,
                status=t.status,
                approval_status=_time_off_status(t.status),
                raw_status=t.status,
                start=_date(t.start_date),
                end=_date(t.end_date),
                amount=t.amount,
                unit=unit if unit in ("days", "hours") else None,  # type: ignore[arg-type]
            ),
            employee=Employee(id=t.worker_id) if t.worker_id else None,
            company=self.company,
        )

    def payslip(self) -> EventData:
        p: DeelPayslip = self.read(DeelPayslip)
        return PayslipData(
            payslip=Payslip(
                id=p.id,
                employee_id=p.worker_id,
                employment_id=p.contract_id,
                period_start=_date(p.from_date),
                period_end=_date(p.to_date),
            ),
            employee=Employee(id=p.worker_id) if p.worker_id else None,
            company=self.company,
        )

    def document(self) -> EventData:
        d: DeelTaxDocument = self.read(DeelTaxDocument)
        return DocumentData(
            document=Document(
                id=d.id,
                employee_id=d.worker_id,
                employment_id=d.contract_id,
                type=d.type,
                name=d.name,
                year=d.year,
            ),
            employee=Employee(id=d.worker_id) if d.worker_id else None,
            employment=Employment(id=d.contract_id) if d.contract_id else None,
            company=self.company,
        )

    def background_check(self) -> EventData:
        b: DeelBackgroundCheck = self.read(DeelBackgroundCheck)
        result = CHECK_RESULT.get(b.result.strip().lower(), "unknown") if b.result else None
        return BackgroundCheckData(
            background_check=BackgroundCheck(
                id=b.id,
                employment_id=b.contract_id,
                name=b.name,
                status=b.status,
                result=result,
                raw_result=b.result,
                created_at=_lenient_time(b.created_at),
                completed_at=_lenient_time(b.completed_at),
            ),
            employment=Employment(id=b.contract_id) if b.contract_id else None,
            company=self.company,
        )

    def application(self) -> EventData:
        a: DeelApplication = self.read(DeelApplication)
        return ApplicationData(
            application=Application(
                id=a.id,
                candidate=Candidate(id=a.candidate_id) if a.candidate_id else None,
                job=Job(id=a.job_id) if a.job_id else None,
                stage=Stage(name=a.stage) if a.stage else None,
            ),
            previous_stage=Stage(name=a.previous_stage) if a.previous_stage else None,
        )


def _builder(vendor_type: str) -> Callable[[_Reader], EventData]:
    if vendor_type == "contract.terminated":
        return _Reader.terminated
    family = vendor_type.split(".", 1)[0]
    return {
        "ats": _Reader.application,
        "contract": _Reader.employment,
        "employee": _Reader.employee,
        "worker": _Reader.employee,
        "time-off": _Reader.time_off,
        "eor": _Reader.payslip,
        "tax": _Reader.document,
        "bgcheck": _Reader.background_check,
    }[family]


class DeelAdapter(BaseAdapter):
    name = "deel"
    display_name = "Deel"
    category = "hris"
    signature = Signature(header="x-deel-signature", signed=("POST", BODY))
    event_types = EVENT_TYPES
    also_emits: ClassVar[dict[str, tuple[str, ...]]] = {
        "time-off.reviewed": ("hris.time_off.declined", "hris.time_off.updated"),
    }
    accepted_status = 200
    secret_hint = (
        "the webhook's signing key (the signing_key Deel returns when the webhook is created)"  # noqa: S105 - names a value, holds none
    )
    kept_headers: ClassVar[tuple[str, ...]] = ("x-deel-hmac-label", "x-deel-webhook-version")

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        return {
            **super().request_headers(raw_body),
            "x-deel-hmac-label": "unihook",
            "x-deel-webhook-version": "1.0.0",
        }

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        body: DeelWebhook = self.decode(raw_body, DeelWebhook)
        meta = body.data.meta
        vendor_type = meta.event_type
        timestamp = (
            _lenient_time(meta.occurred_at)
            or _lenient_time(body.timestamp)
            or format_timestamp(received_at)
        )
        event_id = meta.event_id or (
            f"{meta.tracking_id}:{vendor_type}:{body.timestamp}"
            if meta.tracking_id and body.timestamp
            else sha256_event_id(raw_body)
        )
        if vendor_type not in EVENT_TYPES:
            parts = self.unmapped(raw_body, vendor_type, event_id, timestamp)
        else:
            records = body.resources
            reader = _Reader(self, body, records[0] if records else {})
            data = _builder(vendor_type)(reader)
            only_id = len(records) == 1 and set(records[0]) <= {"id"}
            parts = self.parts(
                vendor_type=vendor_type,
                event_id=event_id,
                timestamp=timestamp,
                completeness="reference" if only_id else "partial",
                data=data,
            )
            if vendor_type == "time-off.reviewed" and isinstance(data, TimeOffData):
                decided = REVIEW_TYPES.get(data.time_off.approval_status or "unknown")
                parts = msgspec.structs.replace(parts, type=decided or "hris.time_off.updated")
        if meta.is_simulation:
            parts = msgspec.structs.replace(parts, simulated=True)
        return parts

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return {kind: compact_json(body) for kind, body in VARIANTS.items()}
