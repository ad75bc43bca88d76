"""HiBob (HRIS): the Webhooks v2 envelope ``{companyId, type, triggeredBy, triggeredAt, version,
data}``, signed ``Bob-Signature``.

The signature is base64 HMAC-SHA512 of the raw body keyed by the webhook's secret (Bob's
reference pages: "Base64-encoded signature sent with each webhook request"; its "How does Bob
calculate the signature" sample). Bob signs no timestamp and sends no event id: the dedup key is
the ``sha256:`` of the raw body. Payloads name ids only, so every event is
``completeness: "reference"``.

When a webhook is saved Bob first POSTs ``Ping test`` (then ``{"text":"Ping test"}`` if that
failed) and needs a 2xx to establish the connection; its docs do not say whether the ping is
signed. A signed ping is a ``connection.test`` event like any vendor's; an unsigned one is
answered ``200`` as a handshake and stored nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    Handshake,
    NormalizationError,
    Signature,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers._records import employee_emails, full_name
from providers.hibob.payloads import BobEvent, BobEventData, BobPerson, BobTimeOffRequest
from providers.hibob.samples import PING_TEXT, SAMPLES
from schemas import EventData, Normalized
from schemas.events import EmployeeData, TestData, TimeOffData
from schemas.resources import (
    Company,
    Employee,
    EmploymentStatus,
    Location,
    Person,
    TimeOff,
    TimeOffStatus,
)

EVENT_TYPES: dict[str, str] = {
    "employee.created": "hris.employee.created",
    "employee.updated": "hris.employee.updated",
    "employee.deleted": "hris.employee.deleted",
    "table.entry.created": "hris.employee.updated",
    "table.entry.updated": "hris.employee.updated",
    "employee.joined": "hris.employee.started",
    "employee.left": "hris.employee.terminated",
    "employee.inactivated": "hris.employee.updated",
    "employee.activated": "hris.employee.updated",
    "employee.temporaryLeave": "hris.employee.updated",
    "employee.access.revoked.immediately": "hris.employee.updated",
    "timeoff.request.requested": "hris.time_off.requested",
    "timeoff.request.approved": "hris.time_off.approved",
    "timeoff.request.declined": "hris.time_off.declined",
    "timeoff.request.cancelled": "hris.time_off.cancelled",
    "timeoff.request.deleted": "hris.time_off.cancelled",
    "timeoff.request.updated": "hris.time_off.updated",
    "timeoff.request.imported": "hris.time_off.updated",
    "ping": "connection.test",
}
"""Every Webhooks v2 event type of Bob's employee-data and time-off pages, and the connection
test (``ping``: Bob's ping has no type of its own)."""

UNMAPPED_TYPES: dict[str, str] = {
    "todo.assign": "no canonical task family",
    "todo.changedStatus": "no canonical task family",
    "documents.eSign.completed": "no canonical HRIS document family",
    "workforcePlanning.position.created": "no canonical position family",
    "workforcePlanning.position.updated": "no canonical position family",
    "workforcePlanning.positionOpening.created": "no canonical position family",
    "workforcePlanning.positionOpening.updated": "no canonical position family",
    "workforcePlanning.positionOpening.deleted": "no canonical position family",
    "workforcePlanning.positionBudget.created": "no canonical position family",
    "workforcePlanning.positionBudget.updated": "no canonical position family",
}
"""Documented v2 types with no canonical home yet: emitted as ``unmapped`` (payload kept), the
reasons listed in docs/vendors/hibob.md."""

LIFECYCLE: dict[str, EmploymentStatus] = {
    "employee.joined": "active",
    "employee.left": "terminated",
    "employee.inactivated": "inactive",
    "employee.activated": "active",
    "employee.temporaryLeave": "leave",
}
"""Where a lifecycle event leaves the employee's employment (``raw_status`` keeps the event)."""

TIME_OFF: dict[str, TimeOffStatus | None] = {
    "timeoff.request.requested": "requested",
    "timeoff.request.approved": "approved",
    "timeoff.request.declined": "declined",
    "timeoff.request.cancelled": "cancelled",
    "timeoff.request.deleted": "cancelled",
    "timeoff.request.updated": None,
    "timeoff.request.imported": None,
}
"""A time-off event's decision; None where the event does not say (an edit, an import)."""

PING_MESSAGE = "Ping test"
SYSTEM_ACTOR = "system"


def _id(value: str | int | None) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    return str(value) or None


def ping_message(raw_body: bytes) -> str | None:
    """Bob's connection test: ``Ping test`` as a bare or JSON string, or ``{"text": "Ping
    test"}``; None for any other body."""
    text = raw_body.strip()
    if text in (PING_TEXT, b'"' + PING_TEXT + b'"'):
        return PING_MESSAGE
    if not text.startswith(b"{") or len(text) > 100:
        return None
    try:
        document = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError, ValueError):
        return None
    if document == {"text": PING_MESSAGE}:
        return PING_MESSAGE
    return None


def _last(vendor_type: str) -> str:
    return vendor_type.rsplit(".", 1)[-1]


def _data(vendor_type: str, env: BobEvent, d: BobEventData) -> EventData:
    company = Company(id=_id(env.company_id)) if _id(env.company_id) is not None else None
    by = env.triggered_by
    actor = Person(id=by) if by and by != SYSTEM_ACTOR else None
    if vendor_type in TIME_OFF:
        time_off = TimeOff(
            id=_id(d.timeoff_request_id),
            employee_id=_id(d.employee_id),
            approval_status=TIME_OFF[vendor_type],
            raw_status=_last(vendor_type),
        )
        employee = Employee(id=_id(d.employee_id)) if _id(d.employee_id) else None
        return TimeOffData(time_off=time_off, employee=employee, actor=actor, company=company)
    status = LIFECYCLE.get(vendor_type)
    employee = Employee(
        id=_id(d.employee_id),
        employment_status=status,
        raw_status=_last(vendor_type) if status is not None else None,
    )
    return EmployeeData(employee=employee, actor=actor, company=company)


LIFECYCLE_STATUS: dict[str, EmploymentStatus] = {
    "employed": "active",
    "hired": "pending",
    "leave": "leave",
    "terminated": "terminated",
    "garden leave": "leave",
}
"""An employee record's ``internal.lifecycleStatus`` (lower-cased) as canonical employment."""

REQUEST_STATUS: dict[str, TimeOffStatus] = {
    "pending": "requested",
    "approved": "approved",
    "declined": "declined",
    "canceled": "cancelled",
    "cancelled": "cancelled",
}
"""A time-off request record's ``status`` as its decision."""


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def employee_of(person: BobPerson) -> Employee:
    """An employee record read from Bob's People API, as the canonical ``Employee``."""
    work, internal, home = person.work, person.internal, person.home
    lifecycle = _text(internal.lifecycle_status) if internal else None
    manager = work.reports_to if work else None
    work_email, personal_email = _text(person.email), _text(home.private_email) if home else None
    first, last = _text(person.first_name), _text(person.surname)
    return Employee(
        id=_id(person.id),
        name=_text(person.display_name) or full_name(first, last),
        first_name=first,
        last_name=last,
        **employee_emails(work_email, personal_email),
        phone=_text(home.mobile_phone) if home else None,
        job_title=_text(work.title) if work else None,
        department=_text(work.department) if work else None,
        manager=Person(id=_id(manager.id), name=manager.display_name, email=manager.email)
        if manager and _id(manager.id)
        else None,
        location=Location(name=work.site) if work and _text(work.site) else None,
        status=lifecycle,
        employment_status=LIFECYCLE_STATUS.get(lifecycle.lower(), "unknown") if lifecycle else None,
        raw_status=lifecycle,
        start_date=_text(work.start_date) if work else None,
        termination_date=_text(internal.termination_date) if internal else None,
        employee_number=_id(work.employee_id_in_company) if work else None,
    )


def time_off_of(request: BobTimeOffRequest) -> TimeOff:
    """A time-off request read from Bob's Time Off API, as the canonical ``TimeOff``."""
    status = _text(request.status)
    unit = _text(request.duration_unit)
    return TimeOff(
        id=_id(request.request_id),
        employee_id=_id(request.employee_id),
        type=_text(request.policy_type_display_name) or _text(request.policy_type),
        status=status,
        approval_status=REQUEST_STATUS.get(status.lower(), "unknown") if status else None,
        raw_status=status,
        start=_text(request.start_date),
        end=_text(request.end_date),
        amount=request.total_duration,
        unit="hours" if unit == "hours" else "days" if unit == "days" else None,
    )


class HiBobAdapter(BaseAdapter):
    name = "hibob"
    display_name = "HiBob"
    category = "hris"
    signature = Signature(header="Bob-Signature", algorithm="hmac-sha512", encodings=("base64",))
    event_types = EVENT_TYPES
    accepted_status = 200
    """Bob's guide: a listener answering anything "other than '200'" does not establish the
    connection; 200 for accepted, duplicate and quarantined bodies alike."""

    def _unsigned(self, headers: Mapping[str, str]) -> bool:
        return not headers.get(self.signature.key_header if self.signature else "", "").strip()

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        if self._unsigned(headers) and ping_message(raw_body) is not None:
            return Handshake(status=200)
        return None

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """An unsigned ping names no vendor by header: recognised by its body."""
        return self._unsigned(headers) and ping_message(raw_body) is not None

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        event_id = sha256_event_id(raw_body)
        message = ping_message(raw_body)
        if message is not None:
            return self.parts(
                vendor_type="ping",
                event_id=event_id,
                timestamp=format_timestamp(received_at),
                completeness="full",
                data=TestData(message=message),
            )
        env: BobEvent = self.decode(raw_body, BobEvent)
        when = parse_timestamp(env.triggered_at) or format_timestamp(received_at)
        if not env.type:
            raise NormalizationError(self.name, "payload has no type")
        if env.type not in EVENT_TYPES or env.type == "ping":
            return self.unmapped(raw_body, env.type, event_id, when)
        return self.parts(
            vendor_type=env.type,
            event_id=event_id,
            timestamp=when,
            completeness="reference",
            data=_data(env.type, env, env.data or BobEventData()),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return {"ping:text": PING_TEXT}
