"""One realistic HiBob Webhooks v2 body per event type.

The envelope and ids follow Bob's published examples: the ``table.entry.created`` body of its
changelog ("table entry events payload updated"), the ``timeoff.request.requested`` body of its
time-off events page (time-off bodies carry ``timeoffRequestId``, ``employeeId`` and ``getApi``),
and the ``{"text":"Ping test"}`` connection test of its "Working with webhooks" guide. The other
types reuse those ids in the same envelope, ``data`` holding the ids the reference pages name.
"""

from __future__ import annotations

from typing import Any

_COMPANY = 636192
_EMPLOYEE = "3332883854254932743"
_ACTOR = "3332883804594373380"
_REQUEST = 32832853


def _event(type_: str, data: dict[str, Any], triggered_by: str = _ACTOR) -> Any:
    return {
        "companyId": _COMPANY,
        "type": type_,
        "triggeredBy": triggered_by,
        "triggeredAt": "2025-01-08T13:06:26.915906",
        "version": "v2",
        "data": data,
    }


def _employee(type_: str, triggered_by: str = _ACTOR) -> Any:
    return _event(type_, {"employeeId": _EMPLOYEE}, triggered_by)


def _time_off(type_: str) -> Any:
    return _event(
        type_,
        {
            "timeoffRequestId": _REQUEST,
            "employeeId": _EMPLOYEE,
            "getApi": (
                f"https://api.hibob.com/v1/timeoff/employees/{_EMPLOYEE}/requests/{_REQUEST}"
            ),
        },
    )


SAMPLES: dict[str, Any] = {
    "employee.created": _employee("employee.created"),
    "employee.updated": _employee("employee.updated"),
    "employee.deleted": _employee("employee.deleted"),
    "table.entry.created": _event(
        "table.entry.created",
        {"employeeId": _EMPLOYEE, "tableId": "lifecycle", "effectiveDate": "2025-01-08"},
    ),
    "table.entry.updated": _event(
        "table.entry.updated", {"employeeId": _EMPLOYEE, "tableId": "variable", "id": 4711}
    ),
    # Lifecycle events fire at midnight of the effective date: Bob's system triggers them.
    "employee.joined": _employee("employee.joined", "system"),
    "employee.left": _employee("employee.left", "system"),
    "employee.inactivated": _employee("employee.inactivated", "system"),
    "employee.activated": _employee("employee.activated", "system"),
    "employee.temporaryLeave": _employee("employee.temporaryLeave", "system"),
    "employee.access.revoked.immediately": _employee("employee.access.revoked.immediately"),
    "timeoff.request.requested": _time_off("timeoff.request.requested"),
    "timeoff.request.approved": _time_off("timeoff.request.approved"),
    "timeoff.request.declined": _time_off("timeoff.request.declined"),
    "timeoff.request.cancelled": _time_off("timeoff.request.cancelled"),
    "timeoff.request.deleted": _time_off("timeoff.request.deleted"),
    "timeoff.request.updated": _time_off("timeoff.request.updated"),
    "timeoff.request.imported": _time_off("timeoff.request.imported"),
    "ping": {"text": "Ping test"},
}

PING_TEXT = b"Ping test"
"""The connection test Bob sends first when a webhook is saved: the bare string."""
