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
