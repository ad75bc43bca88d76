"""Gusto's completer against a local Gusto over real HTTP: a thin employee, contractor or payroll
event comes back with the record Gusto's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.gusto import GustoCredentials, adapter
from schemas.events import EmployeeData, PayrollData
from tests.providers.completion_helpers import completion_failure, context, thin
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


async def test_an_employee_event_is_filled_from_the_employee(sim: GustoSim) -> None:
    event_type, data = thin(adapter, "employee.updated")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
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
    event_type, data = thin(adapter, "contractor.created")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, EmployeeData)
    assert (full.employee.id, full.employee.name, full.employee.employment_type) == (
        CONTRACTOR,
        "Alan Turing",
        "contractor",
    )
    assert [c.path for c in sim.calls] == [f"/v1/contractors/{CONTRACTOR}"]


async def test_a_payroll_event_keeps_its_state_and_reads_the_period(sim: GustoSim) -> None:
    event_type, data = thin(adapter, "payroll.paid")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
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


async def test_an_employee_gone_is_not_found(sim: GustoSim) -> None:
    sim.employees.clear()
    failure = await completion_failure(adapter, "employee.onboarded", sim.base_url, CREDENTIALS)
    assert failure.kind == "not_found"


async def test_a_rate_limit_carries_gustos_retry_after(sim: GustoSim) -> None:
    sim.fail_next(429, {"errors": [{"message": "Too many requests"}]}, retry_after=12)
    failure = await completion_failure(adapter, "employee.created", sim.base_url, CREDENTIALS)
    assert (failure.kind, failure.retry_after) == ("rate_limited", 12.0)


async def test_a_wrong_token_is_an_auth_error_without_the_token(sim: GustoSim) -> None:
    wrong = GustoCredentials(access_token="not-the-token")
    failure = await completion_failure(adapter, "employee.created", sim.base_url, wrong)
    assert failure.kind == "auth"
    assert "not-the-token" not in str(failure) + repr(wrong)


def test_the_provisioning_token_does_not_serve() -> None:
    kept = VendorState(state={}, credentials={"api_token": "system", "auth_scheme": "Bearer"})
    assert completer.credentials_from(kept) is None


@pytest.mark.parametrize(
    ("vendor_type", "completed"),
    [
        ("employee.created", True),
        ("contractor.deactivated", True),
        ("payroll.cancelled", True),
        ("employee.deleted", False),
        ("contractor.deleted", False),
        ("payroll.deleted", False),
        ("company.updated", False),
    ],
)
def test_what_gusto_cannot_read_back_is_not_completed(vendor_type: str, completed: bool) -> None:
    assert completer.completes(*thin(adapter, vendor_type)) is completed
