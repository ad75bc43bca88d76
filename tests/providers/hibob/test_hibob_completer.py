"""HiBob's completer against a local Bob over real HTTP: a thin employee or time-off event comes
back with the records Bob's API holds, mapped as the canonical resources."""

from __future__ import annotations

import msgspec
import pytest

from providers import VendorAPIError
from providers.hibob import HiBobCredentials, adapter
from schemas.events import EmployeeData, TimeOffData
from tests.providers.completion_helpers import (
    CompleterConformance,
    RateLimit,
    completed,
    context,
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
completer = adapter.completer
assert completer is not None


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

    @pytest.fixture
    def sim(self, hibob_sim: HiBobSim) -> HiBobSim:
        return hibob_sim


async def test_an_employee_event_is_filled_from_the_people_search(hibob_sim: HiBobSim) -> None:
    data, full = await completed(adapter, "employee.updated", hibob_sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    employee = full.employee
    assert employee.id == EMPLOYEE
    assert (employee.name, employee.first_name, employee.last_name) == (
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert (employee.email, employee.personal_email) == ("ada@example.com", "ada@home.example")
    assert (employee.job_title, employee.department) == ("Engineer", "R&D")
    assert employee.manager is not None
    assert employee.manager.id == MANAGER
    assert employee.employment_status == "active"
    assert (employee.start_date, employee.employee_number) == ("2024-03-01", "1042")
    # What the webhook said beyond the employee (who acted, which company) is kept.
    assert full.actor == data.actor
    assert full.company == data.company
    [call] = hibob_sim.calls
    assert call.body["showInactive"] is True


async def test_a_lifecycle_event_keeps_what_the_event_says_and_reads_the_rest(
    hibob_sim: HiBobSim,
) -> None:
    _, full = await completed(adapter, "employee.left", hibob_sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    assert full.employee.employment_status == "terminated"
    assert full.employee.raw_status == "left"
    assert full.employee.job_title == "Engineer"


async def test_a_batch_reads_every_employee_in_one_search(hibob_sim: HiBobSim) -> None:
    items = [thin(adapter, "employee.created"), thin(adapter, "employee.joined")]
    gone = thin(adapter, "employee.updated")
    assert isinstance(gone[1], EmployeeData)
    missing = (gone[0], EmployeeData(employee=msgspec.structs.replace(gone[1].employee, id="404")))
    async with context(hibob_sim.base_url, CREDENTIALS) as ctx:
        results = await completer.complete_many(ctx, [*items, missing])
    assert [r.employee.name for r in results[:2]] == ["Ada Lovelace", "Ada Lovelace"]  # type: ignore[union-attr]
    assert isinstance(results[2], VendorAPIError)
    assert results[2].kind == "not_found"
    assert len(hibob_sim.calls) == 1


async def test_a_time_off_event_is_filled_with_the_request_and_its_employee(
    hibob_sim: HiBobSim,
) -> None:
    _, full = await completed(adapter, "timeoff.request.approved", hibob_sim.base_url, CREDENTIALS)
    assert isinstance(full, TimeOffData)
    time_off = full.time_off
    assert (time_off.id, time_off.type, time_off.start, time_off.end) == (
        REQUEST,
        "Holiday",
        "2025-02-03",
        "2025-02-07",
    )
    assert (time_off.amount, time_off.unit, time_off.approval_status) == (5, "days", "approved")
    assert full.employee is not None
    assert full.employee.name == "Ada Lovelace"
