"""Finch (unified HRIS and payroll API): ``{event_type, connection_id, company_id, account_id,
entity_id?, data}``, signed in the Standard Webhooks layout with ``finch-`` header names.

Finch signs ``{finch-event-id}.{finch-timestamp}.{raw body}`` with HMAC-SHA256 keyed by the
base64-decoded webhook secret, and sends ``finch-signature: v1,<base64>`` (several entries,
space-separated, while an old secret is still live); its SDKs refuse a timestamp more than five
minutes from their clock. The body carries neither an event id nor a time: both are the signed
headers, so ``normalize_request`` reads them (``normalize`` alone, without headers, falls back to
``sha256:`` of the body and the time unihook received it).

Data events name ids only (an individual, a payment), so they carry ``completeness:
"reference"``; ``account.updated`` and the sync jobs' completions say everything they are about.
Finch's benefit jobs (``job.benefit_*.completed``: a write to the provider finished, its outcome
only at ``job_url``) are neither a sync nor a data change: they stay ``unmapped``, never dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from providers import BODY, BaseAdapter, Header, Signature, format_timestamp, parse_timestamp
from providers._records import employee_emails, employee_of_employment, full_name
from providers.errors import NormalizationError
from providers.finch.payloads import (
    FinchContact,
    FinchData,
    FinchEmploymentRecord,
    FinchEvent,
    FinchHead,
    FinchIndividual,
    FinchPayment,
)
from providers.finch.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import (
    CompanyData,
    ConnectionData,
    DataChangedData,
    EmployeeData,
    EmploymentData,
    PayrollData,
    SyncData,
)
from schemas.resources import (
    Company,
    Connector,
    Employee,
    Employment,
    EmploymentStatus,
    EmploymentType,
    Location,
    Payroll,
    Person,
    Sync,
)

EVENT_TYPES: dict[str, str] = {
    "account.updated": "connection.updated",
    "company.updated": "hris.company.updated",
    "directory.created": "hris.employee.created",
    "directory.updated": "hris.employee.updated",
    "directory.deleted": "hris.employee.deleted",
    "individual.created": "hris.employee.created",
    "individual.updated": "hris.employee.updated",
    "individual.deleted": "hris.employee.deleted",
    "employment.created": "hris.employment.created",
    "employment.updated": "hris.employment.updated",
    "employment.deleted": "hris.employment.deleted",
    "payment.created": "hris.payroll.created",
    "payment.updated": "hris.payroll.updated",
    # The catalogue has no deleted pay run: a removed payment is a data change of its model.
    "payment.deleted": "hris.data.changed",
    "pay_statement.created": "hris.data.changed",
    "pay_statement.updated": "hris.data.changed",
    "pay_statement.deleted": "hris.data.changed",
    "job.data_sync_all.completed": "connection.sync.completed",
    "job.initial_data_sync_org.succeeded": "connection.sync.completed",
    "job.initial_data_sync_payroll.succeeded": "connection.sync.completed",
    "job.w4_form_employee_sync.completed": "connection.sync.completed",
}

INITIAL_SYNC_JOBS = frozenset(
    {"job.initial_data_sync_org.succeeded", "job.initial_data_sync_payroll.succeeded"}
)
EVENT_ID_HEADER = "finch-event-id"
TIMESTAMP_HEADER = "finch-timestamp"


def _connector(body: FinchEvent, status: str | None = None) -> Connector:
    """The Finch connection: ``connection_id``, else the deprecated ``account_id`` that older
    payloads name it by."""
    return Connector(id=body.connection_id or body.account_id, status=status)


def _company(body: FinchEvent) -> Company | None:
    return Company(id=body.company_id) if body.company_id else None


def _date(value: str | None) -> str | None:
    """A Finch date (``YYYY-MM-DD``) as it is, anything else left out."""
    if value is None or len(value) != 10:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return value


EMPLOYMENT_STATUS: dict[str, EmploymentStatus] = {
    "active": "active",
    "leave": "leave",
    "onboarding": "pending",
    "prehire": "pending",
    "terminated": "terminated",
    "retired": "terminated",
    "deceased": "terminated",
}
"""An employment record's ``employment_status``."""

EMPLOYMENT_TYPE: dict[str, EmploymentType] = {
    "full_time": "full_time",
    "part_time": "part_time",
    "intern": "intern",
    "temp": "temporary",
    "seasonal": "temporary",
    "individual_contractor": "contractor",
}
"""An employment record's ``employment.subtype``."""


def _contact(found: list[FinchContact] | None, kind: str) -> str | None:
    return next((c.data for c in found or [] if c.type == kind and c.data), None)


def employee_of(
    individual: FinchIndividual | None, employment: FinchEmploymentRecord | None
) -> Employee:
    """An individual and its employment read from Finch's Organization API, as the canonical
    ``Employee`` (either may be missing)."""
    person = individual or FinchIndividual()
    job = employment_of(employment) if employment else Employment()
    first = person.first_name or (employment.first_name if employment else None)
    last = person.last_name or (employment.last_name if employment else None)
    work, personal = _contact(person.emails, "work"), _contact(person.emails, "personal")
    return msgspec.structs.replace(
        employee_of_employment(job),
        id=person.id or job.id,
        name=full_name(person.preferred_name or first, last),
        first_name=first,
        last_name=last,
        **employee_emails(work, personal),
        phone=_contact(person.phone_numbers, "work") or _contact(person.phone_numbers, "personal"),
    )


def employment_of(record: FinchEmploymentRecord) -> Employment:
    """An employment read from Finch's Organization API, as the canonical ``Employment`` (keyed
    by its individual's id, as Finch keys it)."""
    kind = record.employment
    status = record.employment_status
    if status is None and record.is_active is not None:
        status = "active" if record.is_active else "terminated"
    place = record.location
    return Employment(
        id=record.id,
        employee_id=record.id,
        job_title=record.title,
        department=record.department.name if record.department else None,
        manager=Person(id=record.manager.id) if record.manager and record.manager.id else None,
        location=Location(city=place.city, region=place.state, country=place.country)
        if place
        else None,
        employment_type=(
            "contractor"
            if kind and kind.type == "contractor"
            else EMPLOYMENT_TYPE.get(kind.subtype or "")
            if kind
            else None
        ),
        status=EMPLOYMENT_STATUS.get(status, "unknown") if status else None,
        raw_status=record.employment_status,
        start_date=_date(record.start_date),
        end_date=_date(record.end_date),
    )


def payroll_of(payment: FinchPayment) -> Payroll:
    """A payment read from Finch's Payroll API, as the canonical ``Payroll``."""
    period = payment.pay_period
    return Payroll(
        id=payment.id,
        period_start=_date(period.start_date) if period else None,
        period_end=_date(period.end_date) if period else None,
        pay_date=_date(payment.pay_date),
    )


class FinchAdapter(BaseAdapter):
    name = "finch"
    display_name = "Finch"
    category = "hris"
    signature = Signature(
        header="finch-signature",
        signed=(Header(EVENT_ID_HEADER), ".", Header(TIMESTAMP_HEADER), ".", BODY),
        encodings=("base64",),
        prefix="v1,",
        separators=" ",
        key="base64",
        timestamp_header=TIMESTAMP_HEADER,
        tolerance=300,
    )
    event_types = EVENT_TYPES
    secret_hint = (
        "the webhook secret Finch's Developer Dashboard shows once when you create the webhook "  # noqa: S105 - names a value, holds none
        "(base64, pasted as shown)"
    )

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        # Finch's ids look like Svix message ids (msg_ + 27 characters); a hash of the body
        # keeps a re-sent sample the same event.
        digest = hashlib.sha256(raw_body).hexdigest()[:27]
        return {"content-type": "application/json", EVENT_ID_HEADER: f"msg_{digest}"}

    def normalize_request(
        self, raw_body: bytes, headers: Mapping[str, str], *, received_at: datetime
    ) -> Normalized:
        parts = self.normalize(raw_body, received_at=received_at)
        event_id = headers.get(EVENT_ID_HEADER, "").strip()
        sent = headers.get(TIMESTAMP_HEADER, "").strip()
        timestamp = parse_timestamp(int(sent)) if sent.isascii() and sent.isdigit() else None
        return msgspec.structs.replace(
            parts,
            event_id=event_id or parts.event_id,
            timestamp=timestamp or parts.timestamp,
        )

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        head: FinchHead = self.decode(raw_body, FinchHead)
        if not head.event_type:
            raise NormalizationError(self.name, "invalid payload: no `event_type`")
        event_id = "sha256:" + hashlib.sha256(raw_body).hexdigest()
        timestamp = format_timestamp(received_at)
        canonical = EVENT_TYPES.get(head.event_type)
        if canonical is None:
            return self.unmapped(raw_body, head.event_type, event_id, timestamp)
        body: FinchEvent = self.decode(raw_body, FinchEvent)
        data = self._data(head.event_type, canonical, body)
        return self.parts(
            vendor_type=head.event_type,
            event_id=event_id,
            timestamp=timestamp,
            completeness=("full" if canonical.startswith("connection.") else "reference"),
            data=data,
        )

    def _data(self, vendor_type: str, canonical: str, body: FinchEvent) -> EventData:
        family = vendor_type.partition(".")[0]
        company = _company(body)
        data = body.data or FinchData()
        if vendor_type == "account.updated":
            return ConnectionData(connector=_connector(body, data.status), company=company)
        if family == "company":
            return CompanyData(
                company=company or Company(id=body.connection_id), connector=_connector(body)
            )
        if family in ("directory", "individual"):
            return EmployeeData(
                employee=Employee(id=data.individual_id),
                company=company,
                connector=_connector(body),
            )
        if family == "employment":
            # Finch keys an employment record by its individual's id.
            return EmploymentData(
                employment=Employment(id=data.individual_id, employee_id=data.individual_id),
                company=company,
                connector=_connector(body),
            )
        if family == "payment" and canonical.startswith("hris.payroll."):
            return PayrollData(
                payroll=Payroll(id=data.payment_id, pay_date=_date(data.pay_date)),
                company=company,
                connector=_connector(body),
            )
        if family == "payment":
            ids = [data.payment_id] if data.payment_id else []
            return DataChangedData(record_ids=ids, models=["payment"], connector=_connector(body))
        if family == "pay_statement":
            # A pay statement has no id of its own: Finch addresses it by its payment and
            # individual, in that order.
            ids = [i for i in (data.payment_id, data.individual_id) if i]
            return DataChangedData(
                record_ids=ids, models=["pay_statement"], connector=_connector(body)
            )
        return SyncData(
            connector=_connector(body),
            sync=Sync(
                id=data.job_id,
                status=vendor_type.rsplit(".", 1)[-1],
                initial=vendor_type in INITIAL_SYNC_JOBS or None,
            ),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
