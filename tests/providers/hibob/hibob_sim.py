"""A local HiBob: the People search and time-off request reads over real HTTP on loopback.

From Bob's API reference: service users authenticate with HTTP Basic (id and token); ``POST
/v1/people/search`` takes ``{fields, filters: [{fieldPath, operator, values}], showInactive}``
and answers ``{"employees": [...]}`` with the fields asked for, no paging, inactive employees only
with ``showInactive``; ``GET /v1/timeoff/employees/{id}/requests/{requestId}`` reads one request.

Where the docs are silent the simulator chooses: errors are ``{"error": message}``; bad
credentials are ``401``; an unknown time-off request is ``404``; the employee record's shape
(nested ``work``, ``internal``, ``home``) is Bob's default non-``humanReadable`` JSON, and a field
not asked for is left out as Bob leaves out fields the service user may not read.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from providers.testing import Reject, SimRequest, VendorSimulator, route, simulator_fixtures

SERVICE_USER = "SERVICE-8812"
TOKEN = "bob-service-token-5a1f0e"
EMPLOYEE = "3332883854254932743"
MANAGER = "3332883804594373380"
REQUEST = "32832853"


def _employee(employee_id: str, first: str, last: str, *, active: bool = True) -> dict[str, Any]:
    return {
        "id": employee_id,
        "firstName": first,
        "surname": last,
        "displayName": f"{first} {last}",
        "email": f"{first.lower()}@example.com",
        "work": {
            "title": "Engineer",
            "department": "R&D",
            "site": "London",
            "startDate": "2024-03-01",
            "reportsTo": {
                "id": MANAGER,
                "displayName": "Grace Hopper",
                "email": "grace@example.com",
            },
            "employeeIdInCompany": 1042,
        },
        "internal": {
            "status": "Active" if active else "Inactive",
            "lifecycleStatus": "Employed" if active else "Terminated",
            "terminationDate": None if active else "2025-01-31",
        },
        "home": {
            "privateEmail": f"{first.lower()}@home.example",
            "mobilePhone": "+44 20 7946 0000",
        },
    }


def _pick(record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The fields asked for (``root.x`` at the top, ``section.x`` nested), as Bob answers."""
    out: dict[str, Any] = {}
    for field in fields:
        section, _, name = field.partition(".")
        if section == "root":
            if name in record:
                out[name] = record[name]
        elif name in record.get(section, {}):
            out.setdefault(section, {})[name] = record[section][name]
    return out


class HiBobSim(VendorSimulator):
    name = "hibob-sim"

    def __init__(self) -> None:
        self.people: dict[str, dict[str, Any]] = {}
        self.time_off: dict[tuple[str, str], dict[str, Any]] = {}
        super().__init__()

    def reset_state(self) -> None:
        self.people = {
            EMPLOYEE: _employee(EMPLOYEE, "Ada", "Lovelace"),
            "3332883854254932799": _employee("3332883854254932799", "Alan", "Turing", active=False),
        }
        self.time_off = {
            (EMPLOYEE, REQUEST): {
                "requestId": int(REQUEST),
                "employeeId": EMPLOYEE,
                "policyTypeDisplayName": "Holiday",
                "status": "approved",
                "startDate": "2025-02-03",
                "endDate": "2025-02-07",
                "durationUnit": "days",
                "totalDuration": 5,
            }
        }

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        given = request.headers.get("authorization", "").strip()
        expected = "Basic " + base64.b64encode(f"{SERVICE_USER}:{TOKEN}".encode()).decode()
        if not secrets.compare_digest(given.encode(), expected.encode()):
            raise Reject(401, "Unauthorized")
        return SERVICE_USER

    @route("POST", "/v1/people/search")
    def search(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object()
        fields = body.get("fields") or ["root.id", "root.displayName", "root.email"]
        matched = list(self.people.values())
        for f in body.get("filters") or []:
            if f.get("fieldPath") != "root.id" or f.get("operator") != "equals":
                raise Reject(400, "unsupported filter")
            wanted = {str(v) for v in f.get("values") or []}
            matched = [p for p in matched if p["id"] in wanted]
        if not body.get("showInactive"):
            matched = [p for p in matched if p["internal"]["status"] == "Active"]
        return 200, {"employees": [_pick(p, fields) for p in matched]}

    @route("GET", "/v1/timeoff/employees/{employee_id}/requests/{request_id}")
    def request(self, request: SimRequest) -> tuple[int, Any]:
        found = self.time_off.get((request.params["employee_id"], request.params["request_id"]))
        if found is None:
            raise Reject(404, "Time off request not found")
        return 200, found


hibob_sim_server, hibob_sim = simulator_fixtures(HiBobSim, "hibob_sim")
