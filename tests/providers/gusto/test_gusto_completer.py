"""Gusto's completer against a local Gusto over real HTTP: a thin employee, contractor or payroll
event comes back with the record Gusto's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.gusto import GustoCredentials, adapter
from schemas.events import EmployeeData, PayrollData
from tests.providers.completion_helpers import CompleterConformance, RateLimit, completed
from tests.providers.gusto.gusto_sim import (
    CONTRACTOR,
    EMPLOYEE,
    MANAGER,
    PAYROLL,
    GustoSim,
)

ACCESS_TOKEN = "gusto-company-access-token-91c2"
CREDENTIALS = GustoCredentials(access_token=ACCESS_TOKEN)
completer = adapter.completer
assert completer is not None


@pytest.fixture
def sim(gusto_sim: GustoSim) -> GustoSim:
    gusto_sim.add_token(ACCESS_TOKEN)
    return gusto_sim


class TestGustoCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-token"
    wrong_credentials = GustoCredentials(access_token=wrong_secret)
    auth_event = "employee.created"
    rate_limit = RateLimit(
        "employee.created", {"errors": [{"message": "Too many requests"}]}, retry_after=12
    )
    gone = {"employee.onboarded": lambda sim: sim.employees.clear()}
    completes = ("employee.created", "contractor.deactivated", "payroll.cancelled")
    declines = ("employee.deleted", "contractor.deleted", "payroll.deleted", "company.updated")


async def test_an_employee_event_is_filled_from_the_employee(sim: GustoSim) -> None:
    data, full = await completed(adapter, "employee.updated", sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    employee = full.employee
    assert (employee.id, employee.name, employee.email) == (
        EMPLOYEE,
        "Ada Lovelace",
        "ada@example.com",
    )
    assert (employee.job_title, employee.department, employee.start_date) == (
        "Engineer",
        "Engineering",
        "2024-03-01",
    )
    assert employee.manager is not None
    assert employee.manager.id == MANAGER
    assert (employee.employment_status, employee.employment_type) == ("active", "full_time")
    assert employee.location is not None
    assert employee.location.city == "Denver"
    assert full.company == data.company  # type: ignore[attr-defined]
    [call] = sim.calls
    assert call.authorization == f"Bearer {ACCESS_TOKEN}"


async def test_a_contractor_event_reads_the_contractor(sim: GustoSim) -> None:
    _, full = await completed(adapter, "contractor.created", sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    assert (full.employee.id, full.employee.name, full.employee.employment_type) == (
        CONTRACTOR,
        "Alan Turing",
        "contractor",
    )
    assert [c.path for c in sim.calls] == [f"/v1/contractors/{CONTRACTOR}"]


async def test_a_payroll_event_keeps_its_state_and_reads_the_period(sim: GustoSim) -> None:
    _, full = await completed(adapter, "payroll.paid", sim.base_url, CREDENTIALS)
    assert isinstance(full, PayrollData)
    payroll = full.payroll
    assert payroll.id == PAYROLL
    assert payroll.status == "paid"  # the event's word, not the record's "processed"
    assert (payroll.period_start, payroll.period_end, payroll.pay_date) == (
        "2025-01-01",
        "2025-01-15",
        "2025-01-17",
    )
    assert payroll.run_type == "regular"


def test_the_provisioning_token_does_not_serve() -> None:
    kept = VendorState(state={}, credentials={"api_token": "system", "auth_scheme": "Bearer"})
    assert completer.credentials_from(kept) is None
