"""Finch's completer against a local Finch over real HTTP: thin directory, individual and
employment events come back with the records Finch's Organization API holds, a whole batch read
in one call per endpoint."""

from __future__ import annotations

import msgspec
import pytest

from providers import VendorAPIError
from providers.finch import FinchCredentials, adapter
from providers.finch.samples import INDIVIDUAL_ID, PAYMENT_ID
from schemas.events import EmployeeData, EmploymentData, PayrollData
from tests.providers.completion_helpers import (
    CompleterConformance,
    RateLimit,
    completed,
    context,
    thin,
)
from tests.providers.finch.finch_sim import MANAGER, TOKEN, FinchSim

CREDENTIALS = FinchCredentials(access_token=TOKEN)
completer = adapter.completer
assert completer is not None


class TestFinchCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-token"
    wrong_credentials = FinchCredentials(access_token=wrong_secret)
    auth_event = "individual.created"
    rate_limit = RateLimit(
        "individual.created", {"code": 429, "message": "Too many requests"}, retry_after=15
    )
    gone = {
        "payment.updated": lambda sim: sim.payments.clear(),
        "individual.updated": lambda sim: sim.individuals.clear(),
    }
    found_empty = ("payment.updated",)
    completes = ("directory.updated", "employment.created", "payment.created")
    declines = (
        "individual.deleted",
        "employment.deleted",
        "payment.deleted",
        "pay_statement.created",
    )
    not_thin = ("account.updated",)

    @pytest.fixture
    def sim(self, finch_sim: FinchSim) -> FinchSim:
        return finch_sim


async def test_an_individual_event_is_filled_from_individual_and_employment(
    finch_sim: FinchSim,
) -> None:
    data, full = await completed(adapter, "individual.updated", finch_sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    employee = full.employee
    assert (employee.id, employee.name, employee.email, employee.personal_email) == (
        INDIVIDUAL_ID,
        "Ada Lovelace",
        "ada@example.com",
        "ada@home.example",
    )
    assert (employee.job_title, employee.department, employee.employment_type) == (
        "Engineer",
        "Engineering",
        "full_time",
    )
    assert employee.manager is not None
    assert employee.manager.id == MANAGER
    assert (employee.employment_status, employee.start_date) == ("active", "2024-03-01")
    assert full.connector == data.connector  # type: ignore[attr-defined]
    assert [c.headers["finch-api-version"] for c in finch_sim.calls] == ["2020-09-17"] * 2


async def test_an_employment_event_is_filled_with_the_employment(finch_sim: FinchSim) -> None:
    _, full = await completed(adapter, "employment.updated", finch_sim.base_url, CREDENTIALS)
    assert isinstance(full, EmploymentData)
    assert (full.employment.job_title, full.employment.status) == ("Engineer", "active")
    assert full.employee is not None
    assert full.employee.name == "Ada Lovelace"


async def test_a_batch_reads_each_endpoint_once_and_reports_each_item(
    finch_sim: FinchSim,
) -> None:
    other = "ffffffff-0000-4000-8000-00000000abcd"
    event_type, data = thin(adapter, "directory.created")
    assert isinstance(data, EmployeeData)
    unknown = msgspec.structs.replace(
        data, employee=msgspec.structs.replace(data.employee, id=other)
    )
    items = [(event_type, data), thin(adapter, "employment.created"), (event_type, unknown)]
    async with context(finch_sim.base_url, CREDENTIALS) as ctx:
        results = await completer.complete_many(ctx, items)
    assert [c.path for c in finch_sim.calls] == ["/employer/individual", "/employer/employment"]
    assert sorted(r["individual_id"] for r in finch_sim.calls[0].body["requests"]) == sorted(
        [INDIVIDUAL_ID, other]
    )
    first, second, third = results
    assert isinstance(first, EmployeeData)
    assert first.employee.name == "Ada Lovelace"
    assert isinstance(second, EmploymentData)
    assert second.employment.job_title == "Engineer"
    assert isinstance(third, VendorAPIError)
    assert (third.kind, third.status) == ("not_found", 404)


async def test_a_payment_event_is_filled_from_the_payments_of_its_pay_date(
    finch_sim: FinchSim,
) -> None:
    _, full = await completed(adapter, "payment.created", finch_sim.base_url, CREDENTIALS)
    assert isinstance(full, PayrollData)
    assert (full.payroll.id, full.payroll.period_start, full.payroll.period_end) == (
        PAYMENT_ID,
        "2025-01-01",
        "2025-01-14",
    )
    [call] = finch_sim.calls
    assert call.path == "/employer/payment"


async def test_a_rate_limit_fails_the_whole_batch_with_finchs_retry_after(
    finch_sim: FinchSim,
) -> None:
    finch_sim.fail_next(429, {"code": 429, "message": "Too many requests"}, retry_after=15)
    items = [thin(adapter, "individual.created"), thin(adapter, "employment.updated")]
    async with context(finch_sim.base_url, CREDENTIALS) as ctx:
        results = await completer.complete_many(ctx, items)
    assert all(isinstance(r, VendorAPIError) for r in results)
    assert [(r.kind, r.retry_after) for r in results] == [("rate_limited", 15.0)] * 2  # type: ignore[union-attr]
