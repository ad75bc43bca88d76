"""Gusto (HRIS, payroll): thin events, signed ``X-Gusto-Signature: <hex>``.

Gusto signs the raw body with hex HMAC-SHA256 keyed by the subscription's ``verification_token``.
That token reaches the subscription's URL once, in an unsigned POST (``{"verification_token"}``)
before any event: ``handshake`` recognises it and answers ``200``, hands the token to the gateway
(which has the provisioner confirm it through Gusto's verify call before storing it as the
connection's secret) and it is never stored as an event.

The dedup key is the event's ``uuid``, which Gusto added to every webhook event "to aid in
reconciliation and deduplication"; App Integrations bodies of older API versions carry none, and
get the ``sha256:`` of the raw body (the only bytes the signature covers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    Handshake,
    Signature,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers._records import employee_emails, full_name
from providers.gusto.payloads import (
    GustoContractor,
    GustoEmployee,
    GustoEvent,
    GustoPayroll,
    GustoVerificationToken,
)
from providers.gusto.samples import SAMPLES
from schemas import EventData, Normalized
from schemas.events import CompanyData, ConnectionData, EmployeeData, PayrollData
from schemas.resources import (
    Company,
    Connector,
    Employee,
    EmploymentStatus,
    EmploymentType,
    Location,
    Payroll,
    PayrollStatus,
    Person,
)

_EMPLOYEE_ACTIONS = {
    "created": "hris.employee.created",
    "updated": "hris.employee.updated",
    "onboarded": "hris.employee.onboarded",
    "marked_for_self_onboarding": "hris.employee.updated",
    "self_onboarding_completed": "hris.employee.onboarded",
    "deleted": "hris.employee.deleted",
    "payment_method_type_updated": "hris.employee.updated",
    "payment_method.deleted": "hris.employee.updated",
}
EVENT_TYPES: dict[str, str] = {
    **{f"employee.{k}": v for k, v in _EMPLOYEE_ACTIONS.items()},
    "employee.terminated": "hris.employee.terminated",
    "employee.terminated_effective": "hris.employee.terminated",
    "employee.termination_effective": "hris.employee.terminated",
    "employee.termination_cancelled": "hris.employee.updated",
    "employee.rehired": "hris.employee.updated",
    "employee.rehire_effective": "hris.employee.started",
    "employee.rehire_cancelled": "hris.employee.updated",
    "employee.invited_to_partner_portal": "hris.employee.updated",
    **{f"contractor.{k}": v for k, v in _EMPLOYEE_ACTIONS.items()},
    "contractor.deactivated": "hris.employee.terminated",
    "contractor.reactivated": "hris.employee.started",
    "payroll.created": "hris.payroll.created",
    "payroll.updated": "hris.payroll.updated",
    "payroll.calculated": "hris.payroll.updated",
    "payroll.submitted": "hris.payroll.submitted",
    "payroll.processed": "hris.payroll.updated",
    "payroll.processing_failed": "hris.payroll.updated",
    "payroll.paid": "hris.payroll.paid",
    "payroll.reversed": "hris.payroll.updated",
    "payroll.partially_reversed": "hris.payroll.updated",
    "payroll.cancelled": "hris.payroll.cancelled",
    "payroll.deleted": "hris.payroll.cancelled",
    "company.provisioned": "hris.company.created",
    "company.deprovisioned": "connection.deleted",
    **{
        f"company.{action}": "hris.company.updated"
        for action in (
            "partner_authorized",
            "migrated",
            "updated",
            "onboarded",
            "approved",
            "not_approved",
            "needs_approval",
            "suspended",
            "unsuspended",
            "payroll_transfer_completed",
            "marked_as_high_risk_business",
            "marked_as_marijuana_business",
        )
    },
}
"""Every ``event_type`` of Gusto's Employee, Contractor, Payroll and Company families."""

_NO_TYPE = "the catalogue has no {} type yet"
UNMAPPED: dict[str, str] = {
    **{
        f"{owner}.bank_account.{action}": _NO_TYPE.format("bank account")
        for owner in ("company", "employee", "contractor")
        for action in ("created", "updated", "deleted")
    },
    **{
        f"{family}.{action}": _NO_TYPE.format(what)
        for family, what in (
            ("company_benefit", "benefit"),
            ("employee_benefit", "benefit"),
            ("employee_job_compensation", "compensation (pay rate) record"),
            ("external_payroll", "external (imported) payroll"),
            ("employee.home_address", "address"),
            ("employee.work_address", "address"),
            ("signatory", "company signatory"),
        )
        for action in ("created", "updated", "deleted")
    },
    "signatory.marked_for_invite": _NO_TYPE.format("company signatory"),
    "location.created": _NO_TYPE.format("company location"),
    "location.updated": _NO_TYPE.format("company location"),
    "pay_schedule.created": _NO_TYPE.format("pay schedule"),
    "pay_schedule.updated": _NO_TYPE.format("pay schedule"),
    "form.created": _NO_TYPE.format("tax or HR form"),
    "form.updated": _NO_TYPE.format("tax or HR form"),
    "form.signed": _NO_TYPE.format("tax or HR form"),
    "contractor.document.created": _NO_TYPE.format("document"),
    "contractor.document.updated": _NO_TYPE.format("document"),
    "contractor.document.signed": _NO_TYPE.format("document"),
    "contractor_payment.created": _NO_TYPE.format("contractor payment (not a pay run)"),
    "contractor_payment.cancelled": _NO_TYPE.format("contractor payment (not a pay run)"),
    "contractor_payment_group.created": _NO_TYPE.format("contractor payment (not a pay run)"),
    "contractor_payment_group.cancelled": _NO_TYPE.format("contractor payment (not a pay run)"),
    "fast_ach_config.activated": _NO_TYPE.format("funding (Fast ACH) setting"),
    "fast_ach_config.deactivated": _NO_TYPE.format("funding (Fast ACH) setting"),
}
"""Documented event types stored as ``unmapped`` (the ids kept in ``data``), and why."""

PAYROLL_STATUSES: dict[str, PayrollStatus] = {
    "calculated": "draft",
    "submitted": "submitted",
    "processed": "processed",
    "processing_failed": "failed",
    "paid": "paid",
    "reversed": "reversed",
    "cancelled": "cancelled",
    "deleted": "cancelled",
}
"""The pay run's state an event reports; ``raw_status`` keeps the event's own word."""

MAX_TOKEN_LENGTH = 512
"""A verification token longer than this is not Gusto's (its tokens are uuids)."""


def _company(event: GustoEvent) -> Company:
    return Company(id=event.resource_uuid or _text(event.resource_id))


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _entity_id(event: GustoEvent) -> str | None:
    return event.entity_uuid or _text(event.entity_id)


def _person(kind: EmploymentType | None) -> Callable[[GustoEvent, str], EventData]:
    def build(event: GustoEvent, action: str) -> EventData:
        employee = Employee(id=_entity_id(event), employment_type=kind)
        return EmployeeData(employee=employee, company=_company(event))

    return build


def _payroll(event: GustoEvent, action: str) -> EventData:
    status = PAYROLL_STATUSES.get(action)
    payroll = Payroll(
        id=_entity_id(event), status=status, raw_status=action if status is not None else None
    )
    return PayrollData(payroll=payroll, company=_company(event))


def _company_event(event: GustoEvent, action: str) -> EventData:
    if action == "deprovisioned":  # the company revoked the app's OAuth grant
        company = _company(event)
        connector = Connector(id=company.id, integration="gusto", status=action)
        return ConnectionData(connector=connector, company=company)
    return CompanyData(company=_company(event))


_BUILDERS: dict[str, Callable[[GustoEvent, str], EventData]] = {
    "employee": _person(None),
    "contractor": _person("contractor"),
    "payroll": _payroll,
    "company": _company_event,
}


EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "full_time": "full_time",
    "part_time_under_twenty_hours": "part_time",
    "part_time_twenty_plus_hours": "part_time",
    "seasonal": "temporary",
    "variable": "unknown",
}
"""An employee record's ``current_employment_status``."""


def employee_of(record: GustoEmployee) -> Employee:
    """An employee read from Gusto's API (``GET /v1/employees/{id}``), as the canonical
    ``Employee``; the primary job gives the title, hire date and location."""
    job = next((j for j in record.jobs if j.primary), record.jobs[0] if record.jobs else None)
    ended = [t.effective_date for t in record.terminations if t.effective_date]
    place = job.location if job else None
    status: EmploymentStatus = (
        "terminated" if record.terminated else "pending" if record.onboarded is False else "active"
    )
    return Employee(
        id=record.uuid,
        name=full_name(record.preferred_first_name or record.first_name, record.last_name),
        first_name=record.first_name,
        last_name=record.last_name,
        **employee_emails(record.work_email, record.email),
        phone=record.phone,
        job_title=job.title if job else None,
        department=record.department,
        manager=Person(id=record.manager_uuid) if record.manager_uuid else None,
        location=Location(city=place.city, region=place.state, country=place.country)
        if place
        else None,
        employment_status=status,
        employment_type=EMPLOYMENT_TYPES.get(record.current_employment_status or ""),
        start_date=job.hire_date if job else None,
        termination_date=max(ended) if ended else None,
        employee_number=record.employee_code,
    )


def contractor_of(record: GustoContractor) -> Employee:
    """A contractor read from Gusto's API, as the canonical ``Employee`` (``contractor``)."""
    return Employee(
        id=record.uuid,
        name=full_name(record.first_name, record.last_name) or record.business_name,
        first_name=record.first_name,
        last_name=record.last_name,
        email=record.email,
        employment_status=None
        if record.is_active is None
        else "active"
        if record.is_active
        else "inactive",
        employment_type="contractor",
        start_date=record.start_date,
    )


def payroll_of(record: GustoPayroll) -> Payroll:
    """A payroll read from Gusto's API, as the canonical ``Payroll``."""
    period = record.pay_period
    return Payroll(
        id=record.payroll_uuid or record.uuid,
        status=None if record.processed is None else "processed" if record.processed else "draft",
        run_type=None
        if record.off_cycle is None
        else "off_cycle"
        if record.off_cycle
        else "regular",
        period_start=period.start_date if period else None,
        period_end=period.end_date if period else None,
        pay_date=record.check_date,
    )


class GustoAdapter(BaseAdapter):
    name = "gusto"
    display_name = "Gusto"
    category = "hris"
    signature = Signature(header="X-Gusto-Signature")
    event_types = EVENT_TYPES

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        if b"verification_token" not in raw_body:
            return None
        try:
            delivery = msgspec.json.decode(raw_body, type=GustoVerificationToken)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
            return None
        token = delivery.verification_token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isprintable():
            return None
        return Handshake(
            status=200,
            headers={"content-type": "application/json"},
            body=b'{"status":"received"}',
            token=token,
        )

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        event: GustoEvent = self.decode(raw_body, GustoEvent)
        event_id = event.uuid or sha256_event_id(raw_body)
        timestamp = parse_timestamp(event.timestamp) or format_timestamp(received_at)
        if event.event_type not in EVENT_TYPES:
            return self.unmapped(raw_body, event.event_type, event_id, timestamp)
        family, _, action = event.event_type.partition(".")
        return self.parts(
            vendor_type=event.event_type,
            event_id=event_id,
            timestamp=timestamp,
            completeness="reference",
            data=_BUILDERS[family](event, action),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
