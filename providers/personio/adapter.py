"""Personio (HRIS): ``{company_id, event_name, occurred_at, payload, meta}``, ids only.

Personio does not sign its webhooks. A webhook registered with ``auth_type: TOKEN`` (the
default) carries the token given at registration, verbatim, in ``Authorization``; unihook
compares it in constant time with the connection's secret (a leading ``Bearer`` is accepted and
stripped). A token proves the sender knows the secret; it does not protect the body, and a
captured request can be replayed: events carry ``source.signature_scope: "token"``.

No header names Personio, so ``detect`` never claims a request; on ``/ingest/{tenant}`` a body in
Personio's envelope that arrives with an ``Authorization`` header is recognised by ``detect_body``
(only when no vendor header matched). ``/ingest/personio/{tenant}`` is the URL to register.
Personio sends no event id: the dedup key is the ``sha256:`` of the compact body, which holds the
company, the event name, the time it occurred and the ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from providers import BaseAdapter, Signature, canonical_event_id, format_timestamp, parse_timestamp
from providers._records import employee_of_employment, full_name
from providers.personio.payloads import (
    Id,
    PersonioAbsencePeriod,
    PersonioEmployment,
    PersonioPerson,
    PersonioRecordRef,
    PersonioWebhook,
)
from providers.personio.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from schemas.resources import (
    Company,
    Employee,
    Employment,
    EmploymentStatus,
    EmploymentType,
    Person,
    TimeOff,
    TimeOffStatus,
)

EVENT_TYPES: dict[str, str] = {
    "person.created": "hris.employee.created",
    "person.updated": "hris.employee.updated",
    "person.deleted": "hris.employee.deleted",
    "employment.created": "hris.employment.created",
    "employment.updated": "hris.employment.updated",
    "employment.updated.cost-centers": "hris.employment.updated",
    "employment.deleted": "hris.employment.deleted",
    "employment.started": "hris.employee.started",
    "employment.terminated": "hris.employee.terminated",
    "absence-period.created": "hris.time_off.requested",
    "absence-period.updated.timerange": "hris.time_off.updated",
    "absence-period.updated.status": "hris.time_off.updated",
    "absence-period.deleted": "hris.time_off.cancelled",
}
"""Every ``event_name`` of Personio's webhook catalogue that has a canonical type."""

UNMAPPED: dict[str, str] = {
    "attendance-period.created": "the catalogue has no attendance (worked time) type yet",
    "attendance-period.updated": "the catalogue has no attendance (worked time) type yet",
    "attendance-period.deleted": "the catalogue has no attendance (worked time) type yet",
    "document.created": "the catalogue has no employee document type yet",
    "document.updated": "the catalogue has no employee document type yet",
    "document.signed": "the catalogue has no employee document type yet",
    "document.deleted": "the catalogue has no employee document type yet",
}
"""Documented event names stored as ``unmapped`` (ids kept in ``data``), and why."""

_ENVELOPE = ("company_id", "event_name", "occurred_at", "payload")


def _text(value: Id | None) -> str | None:
    return None if value is None else str(value)


def _person(ref: PersonioRecordRef, *, named: bool) -> Employee:
    """The person an event names: the record itself for ``person.*``, else ``person_id``."""
    return Employee(id=_text(ref.id if named else ref.person_id))


def _employee(ref: PersonioRecordRef, company: Company) -> EventData:
    return EmployeeData(employee=_person(ref, named=True), company=company)


def _employment_change(ref: PersonioRecordRef, company: Company) -> EventData:
    person = _text(ref.person_id)
    return EmploymentData(
        employment=Employment(id=_text(ref.id), employee_id=person),
        employee=Employee(id=person) if person else None,
        company=company,
    )


def _employment_effective(ref: PersonioRecordRef, company: Company) -> EventData:
    """``employment.started`` / ``.terminated``: about the person, naming the employment."""
    person = _text(ref.person_id)
    return EmployeeData(
        employee=Employee(id=person),
        employment=Employment(id=_text(ref.id or ref.employment_id), employee_id=person),
        company=company,
    )


def _absence(ref: PersonioRecordRef, company: Company) -> EventData:
    person = _text(ref.person_id)
    return TimeOffData(
        time_off=TimeOff(id=_text(ref.id), employee_id=person),
        employee=Employee(id=person) if person else None,
        company=company,
    )


_BUILDERS: dict[str, Callable[[PersonioRecordRef, Company], EventData]] = {
    "person": _employee,
    "employment.started": _employment_effective,
    "employment.terminated": _employment_effective,
    "employment": _employment_change,
    "absence-period": _absence,
}


def _builder(event_name: str) -> Callable[[PersonioRecordRef, Company], EventData]:
    return _BUILDERS.get(event_name) or _BUILDERS[event_name.partition(".")[0]]


EMPLOYMENT_STATUS: dict[str, EmploymentStatus] = {
    "ACTIVE": "active",
    "ONBOARDING": "pending",
    "LEAVE": "leave",
    "INACTIVE": "inactive",
}
"""An employment record's ``status`` as canonical employment."""

EMPLOYMENT_TYPE: dict[str, EmploymentType] = {"EXTERNAL": "contractor"}
"""An employment's ``type``; ``INTERNAL`` says nothing of full or part time."""

APPROVAL: dict[str, TimeOffStatus] = {
    "APPROVED": "approved",
    "PENDING": "requested",
    "REJECTED": "declined",
}
"""An absence period's ``approval.status`` as its decision."""


def _day(moment: str | None) -> str | None:
    """``YYYY-MM-DD`` of a date or date-time."""
    return moment[:10] if moment and len(moment) >= 10 else None


def employee_of(person: PersonioPerson) -> Employee:
    """A person read from Personio's v2 Persons API, as the canonical ``Employee``."""
    first, last = person.preferred_name or person.first_name, person.last_name
    return Employee(
        id=_text(person.id),
        name=full_name(first, last),
        first_name=person.first_name,
        last_name=last,
        email=person.email,
        work_email=person.email,
    )


def employment_of(employment: PersonioEmployment) -> Employment:
    """An employment read from Personio's v2 API, as the canonical ``Employment``."""
    supervisor = employment.supervisor.id if employment.supervisor else None
    return Employment(
        id=_text(employment.id),
        employee_id=_text(employment.person.id) if employment.person else None,
        job_title=employment.position.title if employment.position else None,
        manager=Person(id=_text(supervisor)) if supervisor is not None else None,
        employment_type=EMPLOYMENT_TYPE.get(employment.type or ""),
        start_date=_day(employment.start_date),
        end_date=_day(employment.end_date),
        status=EMPLOYMENT_STATUS.get(employment.status or "") if employment.status else None,
        raw_status=employment.status,
    )


def employee_in(employment: PersonioEmployment) -> Employee:
    """What an employment says about its person (title, manager, status, dates)."""
    return employee_of_employment(employment_of(employment))


def time_off_of(period: PersonioAbsencePeriod) -> TimeOff:
    """An absence period read from Personio's v2 API, as the canonical ``TimeOff``."""
    kind = period.absence_type
    status = period.approval.status if period.approval else None
    return TimeOff(
        id=_text(period.id),
        employee_id=_text(period.person.id) if period.person else None,
        type=kind.name if kind else None,
        policy_id=_text(kind.id) if kind and kind.id is not None else None,
        status=status,
        approval_status=APPROVAL.get(status, "unknown") if status else None,
        raw_status=status,
        start=_day(period.starts_from.date_time) if period.starts_from else None,
        end=_day(period.ends_at.date_time) if period.ends_at else None,
    )


class PersonioAdapter(BaseAdapter):
    name = "personio"
    display_name = "Personio"
    category = "hris"
    signature = Signature(header="Authorization", algorithm="token", token_schemes=("Bearer",))
    signature_scope = "token"
    event_types = EVENT_TYPES

    def detect(self, headers: Mapping[str, str]) -> bool:
        # ``Authorization`` is every token-authenticated sender's header, not Personio's.
        return False

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        if not headers.get("authorization"):
            return False
        try:
            document = msgspec.json.decode(raw_body)
        except (msgspec.DecodeError, RecursionError, ValueError):
            return False
        return (
            isinstance(document, dict)
            and all(key in document for key in _ENVELOPE)
            and isinstance(document["event_name"], str)
            and isinstance(document["company_id"], str)
            and isinstance(document["payload"], dict)
        )

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        webhook: PersonioWebhook = self.decode(raw_body, PersonioWebhook)
        event_id = canonical_event_id(raw_body)
        timestamp = parse_timestamp(webhook.occurred_at) or format_timestamp(received_at)
        if webhook.event_name not in EVENT_TYPES:
            return self.unmapped(raw_body, webhook.event_name, event_id, timestamp)
        ref: PersonioRecordRef = self.decode(bytes(webhook.payload), PersonioRecordRef)
        company = Company(id=webhook.company_id)
        return self.parts(
            vendor_type=webhook.event_name,
            event_id=event_id,
            timestamp=timestamp,
            completeness="reference",
            data=_builder(webhook.event_name)(ref, company),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
