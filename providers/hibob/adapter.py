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
from providers.hibob.payloads import BobEvent, BobEventData
from providers.hibob.samples import PING_TEXT, SAMPLES
from schemas import EventData, Normalized
from schemas.events import EmployeeData, TestData, TimeOffData
from schemas.resources import Company, Employee, EmploymentStatus, Person, TimeOff, TimeOffStatus

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
