"""A local Finch: the Organization API's batch reads over real HTTP on loopback.

From Finch's API reference: requests carry ``Authorization: Bearer <access token>`` and
``Finch-API-Version``; ``POST /employer/individual`` and ``POST /employer/employment`` take
``{"requests": [{"individual_id"}]}`` and answer ``{"responses": [{"individual_id", "code",
"body"}]}`` with each individual's own status; ``GET /employer/payment?start_date&end_date`` lists
the payments whose ``pay_date`` is in the range (both required).

Where the docs are silent the simulator chooses: a wrong token is ``401`` ``{"code": 401,
"message": ...}``; a request without ``Finch-API-Version`` is ``400``; an unknown individual is
answered inside the batch with ``code: 404``.
"""

from __future__ import annotations

import secrets
from typing import Any

from providers.finch.samples import INDIVIDUAL_ID, PAYMENT_ID
from providers.testing import Reject, SimRequest, VendorSimulator, route, simulator_fixtures

TOKEN = "finch-connection-token-4d7a"
MANAGER = "a1b2c3d4-0000-4000-8000-000000000001"
INDIVIDUAL: dict[str, Any] = {
    "id": INDIVIDUAL_ID,
    "first_name": "Ada",
    "middle_name": None,
    "last_name": "Lovelace",
    "preferred_name": None,
    "emails": [
        {"data": "ada@example.com", "type": "work"},
        {"data": "ada@home.example", "type": "personal"},
    ],
    "phone_numbers": [{"data": "+15555550100", "type": "work"}],
}
EMPLOYMENT: dict[str, Any] = {
    "id": INDIVIDUAL_ID,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "title": "Engineer",
    "department": {"name": "Engineering"},
    "manager": {"id": MANAGER},
    "employment": {"type": "employee", "subtype": "full_time"},
    "employment_status": "active",
    "is_active": True,
    "start_date": "2024-03-01",
    "end_date": None,
    "location": {"city": "Denver", "state": "CO", "country": "US"},
}
PAYMENT: dict[str, Any] = {
    "id": PAYMENT_ID,
    "pay_period": {"start_date": "2025-01-01", "end_date": "2025-01-14"},
    "pay_date": "2025-01-15",
    "debit_date": "2025-01-14",
    "individual_ids": [INDIVIDUAL_ID],
}


class FinchSim(VendorSimulator):
    name = "finch-sim"

    def __init__(self) -> None:
        self.individuals: dict[str, dict[str, Any]] = {}
        self.employments: dict[str, dict[str, Any]] = {}
        self.payments: list[dict[str, Any]] = []
        super().__init__()

    def reset_state(self) -> None:
        self.individuals = {INDIVIDUAL_ID: dict(INDIVIDUAL)}
        self.employments = {INDIVIDUAL_ID: dict(EMPLOYMENT)}
        self.payments = [dict(PAYMENT)]

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {TOKEN}".encode()):
            raise Reject(401, "Unauthorized")
        if not request.headers.get("finch-api-version"):
            raise Reject(400, "Finch-API-Version header is required")
        return TOKEN

    def reject_body(self, reject: Reject) -> Any:
        return {"code": reject.status, "message": reject.message, "name": "error"}

    def _batch(self, request: SimRequest, records: dict[str, dict[str, Any]]) -> tuple[int, Any]:
        wanted = request.json_object().get("requests")
        if not isinstance(wanted, list) or not wanted:
            raise Reject(400, "requests must be a non-empty list")
        responses = []
        for item in wanted:
            individual_id = str(item.get("individual_id")) if isinstance(item, dict) else ""
            found = records.get(individual_id)
            if found is None:
                body = {"code": 404, "message": "Individual not found", "name": "not_found_error"}
                responses.append({"individual_id": individual_id, "code": 404, "body": body})
            else:
                responses.append({"individual_id": individual_id, "code": 200, "body": found})
        return 200, {"responses": responses}

    @route("POST", "/employer/individual")
    def individual(self, request: SimRequest) -> tuple[int, Any]:
        return self._batch(request, self.individuals)

    @route("POST", "/employer/employment")
    def employment(self, request: SimRequest) -> tuple[int, Any]:
        return self._batch(request, self.employments)

    @route("GET", "/employer/payment")
    def payment(self, request: SimRequest) -> tuple[int, Any]:
        start, end = request.query.get("start_date"), request.query.get("end_date")
        if not start or not end:
            raise Reject(400, "start_date and end_date are required")
        return 200, [p for p in self.payments if start <= p["pay_date"] <= end]


finch_sim_server, finch_sim = simulator_fixtures(FinchSim, "finch_sim")
