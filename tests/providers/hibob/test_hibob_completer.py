"""HiBob's completer against a local Bob over real HTTP: a thin employee or time-off event comes
back with the records Bob's API holds, mapped as the canonical resources."""

from __future__ import annotations

import msgspec
import pytest

from providers import VendorAPIError
from providers.hibob import HiBobCredentials, adapter
from schemas.events import EmployeeData, TimeOffData
from tests.providers.completion_helpers import (
    ADA,
    CompleterConformance,
    Filled,
    RateLimit,
    completed,
    completed_many,
    thin,
)
from tests.providers.hibob.hibob_sim import (
    EMPLOYEE,
    MANAGER,
    REQUEST,
    SERVICE_USER,
    TOKEN,
    HiBobSim,
)

CREDENTIALS = HiBobCredentials(service_user_id=SERVICE_USER, token=TOKEN)


class TestHiBobCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-token"
    wrong_credentials = HiBobCredentials(service_user_id=SERVICE_USER, token=wrong_secret)
    auth_event = "employee.updated"
    rate_limit = RateLimit("employee.updated", {"error": "Too many requests"}, retry_after=7)
    gone = {
        "timeoff.request.updated": lambda sim: sim.time_off.clear(),
        "employee.updated": lambda sim: sim.people.clear(),
    }
    found_empty = ("employee.updated",)
    completes = ("employee.created", "employee.left", "timeoff.request.requested")
    declines = ("employee.deleted", "timeoff.request.deleted")
    not_thin = ("ping",)
    filled = (
        # An employee is filled from the people search; what the webhook said beyond the employee
        # (who acted, which company) is kept.
        Filled(
            "employee.updated",
            EmployeeData,
            {
                "employee": {
                    "id": EMPLOYEE,
                    **ADA,
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "personal_email": "ada@home.example",
                    "department": "R&D",
                    "manager": {"id": MANAGER},
                    "employment_status": "active",
                    "employee_number": "1042",
                }
            },
            kept=("actor", "company"),
        ),
        # A lifecycle event keeps what the event says and reads the rest.
        Filled(
            "employee.left",
            EmployeeData,
            {
                "employee": {
                    "employment_status": "terminated",
                    "raw_status": "left",
                    "job_title": "Engineer",
                }
            },
        ),
        # A time-off event is filled with the request and its employee.
        Filled(
            "timeoff.request.approved",
            TimeOffData,
            {
                "time_off": {
                    "id": REQUEST,
                    "type": "Holiday",
                    "start": "2025-02-03",
                    "end": "2025-02-07",
                    "amount": 5,
                    "unit": "days",
                    "approval_status": "approved",
                },
                "employee": {"name": "Ada Lovelace"},
            },
        ),
    )

    @pytest.fixture
    def sim(self, hibob_sim: HiBobSim) -> HiBobSim:
        return hibob_sim


async def test_the_people_search_asks_for_inactive_people_too(hibob_sim: HiBobSim) -> None:
    await completed(adapter, "employee.updated", hibob_sim.base_url, CREDENTIALS)
    [call] = hibob_sim.calls
    assert call.body["showInactive"] is True


async def test_a_batch_reads_every_employee_in_one_search(hibob_sim: HiBobSim) -> None:
    items = [thin(adapter, "employee.created"), thin(adapter, "employee.joined")]
    gone = thin(adapter, "employee.updated")
    assert isinstance(gone[1], EmployeeData)
    missing = (gone[0], EmployeeData(employee=msgspec.structs.replace(gone[1].employee, id="404")))
    results = await completed_many(adapter, [*items, missing], hibob_sim.base_url, CREDENTIALS)
    assert [r.employee.name for r in results[:2]] == ["Ada Lovelace", "Ada Lovelace"]  # type: ignore[union-attr]
    assert isinstance(results[2], VendorAPIError)
    assert results[2].kind == "not_found"
    assert len(hibob_sim.calls) == 1
