"""HiBob's Webhooks v2 envelope, as msgspec Structs (from Bob's per-event reference pages).

``{companyId, type, triggeredBy, triggeredAt, version, data}``: ``data`` holds ids only (the
employee, a time-off request, a table entry), and consumers read the records through Bob's API.
Only the fields the mapping reads are declared; everything else stays in the event's ``raw``.
"""

from __future__ import annotations

import msgspec


class _In(msgspec.Struct, rename="camel"):
    """Vendor input: Bob's camelCase names, unknown fields ignored, every field optional."""


class BobEventData(_In):
    employee_id: str | int | None = None
    timeoff_request_id: str | int | None = None
    table_id: str | None = None
    """The employee table a ``table.entry.*`` event names (``lifecycle``, ``work``...)."""
    id: str | int | None = None
    """A non-historical table entry's id (historical tables name theirs by ``effectiveDate``)."""
    effective_date: str | None = None


class BobEvent(_In):
    company_id: str | int | None = None
    type: str | None = None
    triggered_by: str | None = None
    """The backend id of the employee whose action fired the event, or ``system``."""
    triggered_at: str | None = None
    """When it happened: ISO 8601 with microseconds and no zone (read as UTC)."""
    version: str | None = None
    data: BobEventData | None = None


class BobManager(_In):
    id: str | int | None = None
    display_name: str | None = None
    email: str | None = None


class BobWork(_In):
    title: str | None = None
    department: str | None = None
    site: str | None = None
    start_date: str | None = None
    reports_to: BobManager | None = None
    employee_id_in_company: str | int | None = None


class BobInternal(_In):
    status: str | None = None
    """``Active`` or ``Inactive`` (Bob's account state)."""
    lifecycle_status: str | None = None
    """``Employed``, ``Hired``, ``Leave``, ``Terminated``... (the ``lifecycle`` table's status)."""
    termination_date: str | None = None


class BobHome(_In):
    private_email: str | None = None
    mobile_phone: str | None = None


class BobPerson(_In):
    """One employee of ``POST /v1/people/search`` (``employees[]``), the fields unihook asks
    for, in Bob's default (not ``humanReadable``) shape."""

    id: str | int | None = None
    first_name: str | None = None
    surname: str | None = None
    display_name: str | None = None
    email: str | None = None
    work: BobWork | None = None
    internal: BobInternal | None = None
    home: BobHome | None = None


class BobPeople(_In):
    employees: list[BobPerson] = msgspec.field(default_factory=list)


class BobTimeOffRequest(_In):
    """``GET /v1/timeoff/employees/{id}/requests/{requestId}``."""

    request_id: str | int | None = None
    employee_id: str | int | None = None
    policy_type_display_name: str | None = None
    policy_type: str | None = None
    status: str | None = None
    """``pending``, ``approved``, ``declined``, ``canceled``."""
    start_date: str | None = None
    end_date: str | None = None
    duration_unit: str | None = None
    """``days`` or ``hours``."""
    total_duration: float | None = None
