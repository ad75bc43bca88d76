"""One realistic BambooHR webhook body per event type, plus the edge bodies its docs show.

Event-based bodies follow the ``*WebhookPayload`` schemas of BambooHR's OpenAPI spec (its field
examples: ``companyId`` 12345, ``timestamp`` ``2025-02-18T15:30:00Z``), and ``employee.updated``
is the "JSON Format" example of the event-based guide. Field-based bodies are the guide's "JSON
Format" example and, for created/deleted, the global-webhooks guide's rule that those carry empty
``changedFields`` and ``fields``. The variants are the form-post example of the field-based guide
(joined with ``&`` as a form body is sent), the ``{"value": ...}`` field shape a receiver's
captured delivery shows, and a delivery batching two employees.
"""

from __future__ import annotations

from typing import Any

_COMPANY = "12345"


def _event(type_: str, data: dict[str, Any], timestamp: str = "2025-02-18T15:30:00Z") -> Any:
    return {"type": type_, "timestamp": timestamp, "data": data}


def _fields(action: str, id_: str, changed: list[str], fields: dict[str, Any]) -> Any:
    return {
        "employees": [
            {
                "action": action,
                "changedFields": changed,
                "fields": fields,
                "id": id_,
                "timestamp": "2026-01-31T18:42:00+0000",
            }
        ]
    }


SAMPLES: dict[str, Any] = {
    "employee.created": _event("employee.created", {"companyId": _COMPANY, "employeeId": "100"}),
    "employee.updated": _event(
        "employee.updated",
        {"companyId": _COMPANY, "employeeId": "67890", "changedFields": ["firstName"]},
        "2026-01-31T18:42:00+0000",
    ),
    "employee.deleted": _event("employee.deleted", {"companyId": _COMPANY, "employeeId": "100"}),
    "company.updated": _event("company.updated", {"companyId": _COMPANY}),
    "company.deleted": _event("company.deleted", {"companyId": _COMPANY}),
    "company-integrations.updated": _event("company-integrations.updated", {"companyId": _COMPANY}),
    "employee_with_fields.created": _fields("Created", "12346", [], {}),
    "employee_with_fields.updated": _fields(
        "Updated", "12345", ["First Name"], {"First Name": "Bryony"}
    ),
    "employee_with_fields.deleted": _fields("Deleted", "12347", [], {}),
}

FORM_ENCODED = b"employees[12345][changedFields][0]=First+name&employees[12345][First+name]=John"
"""The form post of the field-based guide: ``employees[<id>][changedFields][<n>]`` and
``employees[<id>][<field name>]``."""

VALUE_OBJECTS: Any = {
    "employees": [
        {
            "changedFields": ["First name"],
            "fields": {
                "Employee #": {"value": "300"},
                "First name": {"value": "Tefi"},
                "Last name": {"value": "Adams"},
            },
            "id": "5",
        }
    ]
}

BATCH: Any = {
    "employees": [
        {
            "action": "Updated",
            "changedFields": ["Job Title", "Department"],
            "fields": {
                "First Name": "Zoë",
                "Last Name": "Ångström",
                "Job Title": "Staff Engineer",
                "Department": "Platform",
                "Hire Date": "2024-03-04",
                "Status": "Active",
                "Employment Status": "Full-Time",
                "Work Email": "zoe.angstrom@acme.example",
                "Reporting to": "Maya Okafor",
                "Location": "Genève",
            },
            "id": "12345",
            "timestamp": "2026-02-02T09:15:00+0000",
        },
        {
            "action": "Updated",
            "changedFields": ["Department"],
            "fields": {"First Name": "李", "Last Name": "雷", "Department": "Platform"},
            "id": "12351",
            "timestamp": "2026-02-02T09:15:00+0000",
        },
    ]
}

ONE_WITH_FIELDS: Any = {"employees": [BATCH["employees"][0]]}
