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
    ADA,
    CompleterConformance,
    Filled,
    RateLimit,
    completed,
    completed_many,
    thin,
)
from tests.providers.finch.finch_sim import MANAGER, TOKEN, FinchSim

CREDENTIALS = FinchCredentials(access_token=TOKEN)


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
    filled = (
        # An individual is filled from the individual and the employment.
        Filled(
            "individual.updated",
            EmployeeData,
            {
                "employee": {
                    "id": INDIVIDUAL_ID,
                    **ADA,
                    "personal_email": "ada@home.example",
                    "department": "Engineering",
                    "employment_type": "full_time",
                    "manager": {"id": MANAGER},
                    "employment_status": "active",
                }
            },
            kept=("connector",),
        ),
        Filled(
            "employment.updated",
            EmploymentData,
            {
                "employment": {"job_title": "Engineer", "status": "active"},
                "employee": {"name": "Ada Lovelace"},
            },
        ),
        # A payment is filled from the payments of its pay date.
        Filled(
            "payment.created",
            PayrollData,
            {
                "payroll": {
                    "id": PAYMENT_ID,
                    "period_start": "2025-01-01",
                    "period_end": "2025-01-14",
                }
            },
            calls=("/employer/payment",),
        ),
    )

    @pytest.fixture
    def sim(self, finch_sim: FinchSim) -> FinchSim:
        return finch_sim


async def test_every_call_names_finchs_api_version(finch_sim: FinchSim) -> None:
    await completed(adapter, "individual.updated", finch_sim.base_url, CREDENTIALS)
    assert [c.headers["finch-api-version"] for c in finch_sim.calls] == ["2020-09-17"] * 2


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
    results = await completed_many(adapter, items, finch_sim.base_url, CREDENTIALS)
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


async def test_a_rate_limit_fails_the_whole_batch_with_finchs_retry_after(
    finch_sim: FinchSim,
) -> None:
    finch_sim.fail_next(429, {"code": 429, "message": "Too many requests"}, retry_after=15)
    items = [thin(adapter, "individual.created"), thin(adapter, "employment.updated")]
    results = await completed_many(adapter, items, finch_sim.base_url, CREDENTIALS)
    assert all(isinstance(r, VendorAPIError) for r in results)
    assert [(r.kind, r.retry_after) for r in results] == [("rate_limited", 15.0)] * 2  # type: ignore[union-attr]
