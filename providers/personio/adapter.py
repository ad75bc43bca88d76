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
from providers.personio.payloads import Id, PersonioRecordRef, PersonioWebhook
from providers.personio.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from schemas.resources import Company, Employee, Employment, TimeOff

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
