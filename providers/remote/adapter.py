"""Remote (EOR, HRIS): flat notifications ``{event_type, company_id, <resource>_id...}``, signed
``X-Remote-Signature: <hex>`` with ``X-Remote-Timestamp: <unix ms>``.

The signature is the lower-case hex HMAC-SHA256, keyed by the webhook callback's
``signing_key``, of the raw body, a colon, and the timestamp header exactly as sent (milliseconds,
appended after the body). Bodies hold ids only: events are ``reference``, naming the employment,
time off, payslip, offboarding or company they are about; the event time is the signed timestamp.

Remote sends no event id and documents none. The event id is the ``sha256:`` of the signed
message (body, ``:``, timestamp): a replayed or re-sent request with the same timestamp is a
duplicate, while two distinct events with identical bodies (a time off updated twice) are both
kept. No tolerance is applied by default: Remote's retry policy is undocumented and a retry may
carry the first attempt's timestamp, so a window could refuse legitimate retries; a captured
request replayed as is gets the same event id and is dropped as a duplicate.
``UNIHOOK_PROVIDER_REMOTE_TOLERANCE`` (seconds) sets a window for those who want one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from providers import (
    BODY,
    BaseAdapter,
    Header,
    Signature,
    compact_json,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers._records import employee_emails
from providers.remote.payloads import (
    RemoteEmploymentRecord,
    RemoteNotification,
    RemoteTimeOffRecord,
)
from providers.remote.samples import (
    AMENDMENT_TYPES,
    COMPANY_TYPES,
    EMPLOYMENT_TYPES,
    OFFBOARDING_TYPES,
    SAMPLES,
    TIMEOFF_TYPES,
    VARIANTS,
)
from schemas import EventData, Normalized
from schemas.events import (
    CompanyData,
    DocumentData,
    EmployeeData,
    EmploymentData,
    PayslipData,
    TimeOffData,
)
from schemas.resources import (
    Company,
    Document,
    Employee,
    Employment,
    EmploymentStatus,
    Location,
    Payslip,
    TimeOff,
    TimeOffStatus,
)

TIMESTAMP_HEADER = "x-remote-timestamp"
TOLERANCE_SETTING = "tolerance"

_PERSON_CHANGES = (
    "employment.account.updated",
    "employment.administrative_details.updated",
    "employment.details.updated",
    "employment.personal_information.updated",
    "employment.work_email.updated",
    "employment.user_status.activated",
    "employment.user_status.deactivated",
    "employment.user_status.initiated",
    "employment.user_status.invited",
    "custom_field.value_updated",
)
_TIME_OFF: dict[str, str] = {
    "timeoff.requested": "hris.time_off.requested",
    "timeoff.approved": "hris.time_off.approved",
    "timeoff.declined": "hris.time_off.declined",
    "timeoff.canceled": "hris.time_off.cancelled",
}
_ENDED = ("offboarding.completed", "offboarding.done")

EVENT_TYPES: dict[str, str] = {
    **dict.fromkeys(EMPLOYMENT_TYPES, "hris.employment.updated"),
    **dict.fromkeys(_PERSON_CHANGES, "hris.employee.updated"),
    "employment.onboarding.completed": "hris.employee.started",
    "employment.employment_agreement.available": "hris.document.available",
    "contract_document.status_changed": "hris.employment.updated",
    **{name: _TIME_OFF.get(name, "hris.time_off.updated") for name in TIMEOFF_TYPES},
    **{
        name: "hris.employee.terminated" if name in _ENDED else "hris.employment.updated"
        for name in OFFBOARDING_TYPES
    },
    **dict.fromkeys(AMENDMENT_TYPES, "hris.employment.updated"),
    **dict.fromkeys(COMPANY_TYPES, "hris.company.updated"),
    "payslip.released": "hris.payslip.released",
}
"""Every event type of Remote's available-webhooks list that the catalogue has a type for."""

UNMAPPED_TYPES: dict[str, str] = {
    "company.manager_created": "a company admin user, not an employee: no HRIS user type",
    "company.manager_updated": "a company admin user, not an employee: no HRIS user type",
    "company.manager_deleted": "a company admin user, not an employee: no HRIS user type",
    "employment.eor_hiring.invoice_created": "a billing document: no billing types",
    "billing_document.issued": "a billing document: no billing types",
    "expense.created": "expenses: no expense types",
    "expense.submitted": "expenses: no expense types",
    "expense.updated": "expenses: no expense types",
    "expense.approved": "expenses: no expense types",
    "expense.declined": "expenses: no expense types",
    "expense.reimbursed": "expenses: no expense types",
    "expense.deleted": "expenses: no expense types",
    "incentive.created": "a bonus or commission: no incentive types",
    "incentive.updated": "a bonus or commission: no incentive types",
    "incentive.processing_started": "a bonus or commission: no incentive types",
    "incentive.paid": "a bonus or commission: no incentive types",
    "incentive.deleted": "a bonus or commission: no incentive types",
    "timesheet.submitted": "timesheets: no timesheet types",
    "identity_verification.verification_required": "a platform identity check, not HR data",
    "sso_configuration.enabled": "single sign-on settings, not HR data",
    "sso_configuration.updated": "single sign-on settings, not HR data",
    "sso_configuration.disabled": "single sign-on settings, not HR data",
    "travel_letter.requested": "a travel letter request: no type fits",
    "travel_letter.approved_by_manager": "a travel letter request: no type fits",
    "travel_letter.approved_by_remote": "a travel letter request: no type fits",
    "travel_letter.declined_by_manager": "a travel letter request: no type fits",
    "travel_letter.declined_by_remote": "a travel letter request: no type fits",
    "work_authorization.requested": "a work permit request: no type fits",
    "work_authorization.approved_by_manager": "a work permit request: no type fits",
    "work_authorization.approved_by_remote": "a work permit request: no type fits",
    "work_authorization.declined_by_manager": "a work permit request: no type fits",
    "work_authorization.declined_by_remote": "a work permit request: no type fits",
    "work_authorization.cancelled": "a work permit request: no type fits",
    "benefit_renewal_request.created": "benefits: no benefit types",
}
"""The documented types stored and emitted as ``unmapped`` (payload kept), and why."""

_DECIDED: dict[str, TimeOffStatus] = {
    "timeoff.requested": "requested",
    "timeoff.approved": "approved",
    "timeoff.declined": "declined",
    "timeoff.canceled": "cancelled",
}


def _company(n: RemoteNotification) -> Company | None:
    return Company(id=n.company_id) if n.company_id else None


def _employee(n: RemoteNotification) -> Employee:
    # Remote's employment is the person at the company: its id is the employee's id.
    return Employee(id=n.employment_id)


def _employment(n: RemoteNotification) -> Employment | None:
    return Employment(id=n.employment_id, employee_id=n.employment_id) if n.employment_id else None


def _employment_data(n: RemoteNotification) -> EventData:
    return EmploymentData(
        employment=Employment(id=n.employment_id, employee_id=n.employment_id),
        employee=Employee(id=n.employment_id) if n.employment_id else None,
        company=_company(n),
    )


def _employee_data(n: RemoteNotification) -> EventData:
    return EmployeeData(employee=_employee(n), employment=_employment(n), company=_company(n))


def _time_off(n: RemoteNotification) -> EventData:
    decided = _DECIDED.get(n.event_type)
    return TimeOffData(
        time_off=TimeOff(id=n.timeoff_id, employee_id=n.employment_id, approval_status=decided),
        employee=Employee(id=n.employment_id) if n.employment_id else None,
        company=_company(n),
    )


def _payslip(n: RemoteNotification) -> EventData:
    return PayslipData(
        payslip=Payslip(
            id=n.payslip_id, employee_id=n.employment_id, employment_id=n.employment_id
        ),
        employee=Employee(id=n.employment_id) if n.employment_id else None,
        company=_company(n),
    )


def _agreement(n: RemoteNotification) -> EventData:
    return DocumentData(
        document=Document(
            id=n.employment_agreement_id,
            employee_id=n.employment_id,
            employment_id=n.employment_id,
            type="employment_agreement",
        ),
        employee=Employee(id=n.employment_id) if n.employment_id else None,
        employment=_employment(n),
        company=_company(n),
    )


def _company_data(n: RemoteNotification) -> EventData:
    return CompanyData(company=Company(id=n.company_id))


EMPLOYMENT_STATUS: dict[str, EmploymentStatus] = {
    "active": "active",
    "probation": "active",
    "offboarding_initiated": "active",
    "created": "pending",
    "invited": "pending",
    "initiated": "pending",
    "pending": "pending",
    "review": "pending",
    "offboarded": "terminated",
    "archived": "terminated",
}
"""An employment record's ``status`` as canonical employment."""

TIME_OFF_STATUS: dict[str, TimeOffStatus] = {
    "requested": "requested",
    "cancel_requested": "approved",
    "approved": "approved",
    "taken": "approved",
    "declined": "declined",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
"""A time off record's ``status`` as its decision (a cancellation request leaves it approved)."""


def employee_of(record: RemoteEmploymentRecord) -> Employee:
    """An employment read from Remote's API, as the canonical ``Employee`` (the employment is
    the person at the company: its id is the employee's)."""
    country = record.country
    return Employee(
        id=record.id,
        name=record.full_name,
        **employee_emails(record.work_email, record.personal_email),
        job_title=record.job_title,
        location=Location(country=country.code or country.name) if country else None,
        status=record.status,
        employment_status=EMPLOYMENT_STATUS.get(record.status or "", "unknown")
        if record.status
        else None,
        employment_type="contractor" if record.type == "contractor" else None,
        start_date=record.provisional_start_date,
    )


def employment_of(record: RemoteEmploymentRecord) -> Employment:
    """The same employment as the canonical ``Employment``."""
    employee = employee_of(record)
    return Employment(
        id=record.id,
        employee_id=record.id,
        job_title=employee.job_title,
        location=employee.location,
        employment_type=employee.employment_type,
        status=employee.employment_status,
        raw_status=record.status,
        start_date=record.provisional_start_date,
    )


def time_off_of(record: RemoteTimeOffRecord) -> TimeOff:
    """A time off read from Remote's API, as the canonical ``TimeOff``."""
    return TimeOff(
        id=record.id,
        employee_id=record.employment_id,
        type=record.timeoff_type,
        status=record.status,
        approval_status=TIME_OFF_STATUS.get(record.status or "", "unknown")
        if record.status
        else None,
        raw_status=record.status,
        start=record.start_date,
        end=record.end_date,
    )


def _builder(vendor_type: str) -> Callable[[RemoteNotification], EventData]:
    canonical = EVENT_TYPES[vendor_type]
    if canonical.startswith("hris.employee."):
        return _employee_data
    if canonical == "hris.document.available":
        return _agreement
    if canonical.startswith("hris.time_off."):
        return _time_off
    if canonical == "hris.payslip.released":
        return _payslip
    if canonical.startswith("hris.company."):
        return _company_data
    return _employment_data


def _sent_at(headers: Mapping[str, str]) -> str | None:
    """The signed send time (unix milliseconds)."""
    sent = headers.get(TIMESTAMP_HEADER, "").strip()
    if not (sent.isascii() and sent.isdigit()) or len(sent) > 15:
        return None
    return parse_timestamp(int(sent) / 1000)


def _event_id(raw_body: bytes, headers: Mapping[str, str]) -> str:
    sent = headers.get(TIMESTAMP_HEADER, "").strip()
    if not sent:
        return sha256_event_id(raw_body)
    signed = raw_body + b":" + sent.encode("utf-8", "surrogateescape")
    return "sha256:" + hashlib.sha256(signed).hexdigest()


class RemoteAdapter(BaseAdapter):
    name = "remote"
    display_name = "Remote"
    category = "hris"
    signature = Signature(
        header="X-Remote-Signature",
        signed=(BODY, ":", Header("X-Remote-Timestamp")),
        timestamp_header="X-Remote-Timestamp",
        timestamp_unit="ms",
        tolerance_setting=TOLERANCE_SETTING,
    )
    event_types = EVENT_TYPES
    secret_hint = "the webhook callback's signing_key (returned once, when it is registered)"  # noqa: S105 - names a value, holds none
    kept_headers: ClassVar[tuple[str, ...]] = (TIMESTAMP_HEADER,)

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        return self.normalize_request(raw_body, {}, received_at=received_at)

    def normalize_request(
        self, raw_body: bytes, headers: Mapping[str, str], *, received_at: datetime
    ) -> Normalized:
        body: RemoteNotification = self.decode(raw_body, RemoteNotification)
        event_id = _event_id(raw_body, headers)
        timestamp = _sent_at(headers) or format_timestamp(received_at)
        if body.event_type not in EVENT_TYPES:
            return self.unmapped(raw_body, body.event_type, event_id, timestamp)
        return self.parts(
            vendor_type=body.event_type,
            event_id=event_id,
            timestamp=timestamp,
            completeness="reference",
            data=_builder(body.event_type)(body),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return {kind: compact_json(body) for kind, body in VARIANTS.items()}
