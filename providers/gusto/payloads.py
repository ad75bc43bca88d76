"""Gusto's webhook event and subscription-verification bodies, as msgspec Structs.

Both of Gusto's product lines (Embedded Payroll and App Integrations) send the same thin event:
``event_type``, the company it belongs to (``resource_type`` is always ``Company``), the entity it
is about, and a unix ``timestamp``. Embedded and newer App Integrations versions add ``uuid``, the
event's own id; older App Integrations versions add numeric ``resource_id`` / ``entity_id``
instead. Some families add ``references`` (other uuids needed to fetch the entity).
"""

from __future__ import annotations

import msgspec


class GustoEvent(msgspec.Struct):
    event_type: str
    uuid: str | None = None
    resource_type: str | None = None
    resource_uuid: str | None = None
    resource_id: int | None = None
    entity_type: str | None = None
    entity_uuid: str | None = None
    entity_id: int | None = None
    timestamp: int | float | None = None
    references: dict[str, str] | None = None


class GustoVerificationToken(msgspec.Struct):
    """The unsigned POST Gusto sends to a new subscription's URL (``{"verification_token"}``,
    with the subscription's uuid in some versions)."""

    verification_token: str
    webhook_subscription_uuid: str | None = None


class GustoLocation(msgspec.Struct):
    city: str | None = None
    state: str | None = None
    country: str | None = None


class GustoJob(msgspec.Struct):
    title: str | None = None
    primary: bool | None = None
    hire_date: str | None = None
    location: GustoLocation | None = None


class GustoTermination(msgspec.Struct):
    effective_date: str | None = None
    active: bool | None = None


class GustoEmployee(msgspec.Struct, kw_only=True):
    """``GET /v1/employees/{employee_id}`` (scope ``employees:read``), the fields mapped."""

    uuid: str
    first_name: str | None = None
    last_name: str | None = None
    preferred_first_name: str | None = None
    email: str | None = None
    work_email: str | None = None
    phone: str | None = None
    department: str | None = None
    manager_uuid: str | None = None
    terminated: bool | None = None
    onboarded: bool | None = None
    current_employment_status: str | None = None
    """``full_time``, ``part_time_under_twenty_hours``, ``part_time_twenty_plus_hours``,
    ``variable``, ``seasonal``."""
    employee_code: str | None = None
    jobs: list[GustoJob] = msgspec.field(default_factory=list)
    terminations: list[GustoTermination] = msgspec.field(default_factory=list)


class GustoContractor(msgspec.Struct, kw_only=True):
    """``GET /v1/contractors/{contractor_uuid}`` (scope ``contractors:read``)."""

    uuid: str
    type: str | None = None
    """``Individual`` or ``Business``."""
    first_name: str | None = None
    last_name: str | None = None
    business_name: str | None = None
    email: str | None = None
    start_date: str | None = None
    is_active: bool | None = None


class GustoPayPeriod(msgspec.Struct):
    start_date: str | None = None
    end_date: str | None = None


class GustoPayroll(msgspec.Struct, kw_only=True):
    """``GET /v1/companies/{company_id}/payrolls/{payroll_id}`` (scope ``payrolls:read``)."""

    payroll_uuid: str | None = None
    uuid: str | None = None
    processed: bool | None = None
    off_cycle: bool | None = None
    check_date: str | None = None
    pay_period: GustoPayPeriod | None = None
