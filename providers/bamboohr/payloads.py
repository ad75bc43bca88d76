"""BambooHR's two webhook body families, as msgspec Structs (from its OpenAPI spec and guides).

- Event-based (``employee.*``, ``company.*``, ``company-integrations.updated``):
  ``{type, timestamp, data: {companyId, employeeId, changedFields}}``, ids only.
- Field-based (legacy ``employee_with_fields.*``): ``{employees: [{id, action, changedFields,
  fields, timestamp}]}``, one delivery batching several employees, JSON or form-encoded.

Only the fields the mapping reads are declared; everything else stays in the event's ``raw``.
Every field is optional, so a body missing one still normalises.
"""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct, rename="camel"):
    """Vendor input: BambooHR's camelCase names, unknown fields ignored."""


class BambooEventData(_In):
    """``data`` of an event-based webhook. The spec types the ids as strings; numbers are
    accepted too, since they are ids either way."""

    company_id: str | int | None = None
    employee_id: str | int | None = None
    changed_fields: list[str] | None = None
    """API aliases of the monitored fields that changed (``employee.updated`` only)."""


class BambooFieldEmployee(_In):
    """One employee of a field-based delivery. ``fields`` maps a display name or configured
    alias to its value: a string in BambooHR's docs, ``{"value": ...}`` in a receiver's capture;
    both are read."""

    id: str | int | None = None
    action: str | None = None
    changed_fields: list[str] | None = None
    fields: dict[str, Any] | None = None
    timestamp: str | None = None


class BambooBody(_In):
    """A webhook body of either family: event-based (``type``, ``timestamp``, ``data``) or
    field-based (``employees``; a form post is read into this shape first)."""

    type: str | None = None
    timestamp: str | None = None
    data: BambooEventData | None = None
    employees: list[BambooFieldEmployee] | None = None
