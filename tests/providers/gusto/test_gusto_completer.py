"""Gusto's completer against a local Gusto over real HTTP: a thin employee, contractor or payroll
event comes back with the record Gusto's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers.gusto import GustoCredentials, adapter
from schemas.events import EmployeeData, PayrollData
from tests.providers.completion_helpers import ADA, CompleterConformance, Filled, RateLimit
from tests.providers.gusto.gusto_sim import (
    CONTRACTOR,
    EMPLOYEE,
    MANAGER,
    PAYROLL,
    GustoSim,
)

ACCESS_TOKEN = "gusto-company-access-token-91c2"


class TestGustoCompleter(CompleterConformance):
    adapter = adapter
    credentials = GustoCredentials(access_token=ACCESS_TOKEN)
    wrong_secret = "not-the-token"
    wrong_credentials = GustoCredentials(access_token=wrong_secret)
    auth_event = "employee.created"
    rate_limit = RateLimit(
        "employee.created", {"errors": [{"message": "Too many requests"}]}, retry_after=12
    )
    gone = {"employee.onboarded": lambda sim: sim.employees.clear()}
    completes = ("employee.created", "contractor.deactivated", "payroll.cancelled")
    declines = ("employee.deleted", "contractor.deleted", "payroll.deleted", "company.updated")
    authorization = f"Bearer {ACCESS_TOKEN}"
    filled = (
        Filled(
            "employee.updated",
            EmployeeData,
            {
                "employee": {
                    "id": EMPLOYEE,
                    **ADA,
                    "department": "Engineering",
                    "manager": {"id": MANAGER},
                    "employment_status": "active",
                    "employment_type": "full_time",
                    "location": {"city": "Denver"},
                }
            },
            kept=("company",),
            calls=(f"/v1/employees/{EMPLOYEE}",),
        ),
        Filled(
            "contractor.created",
            EmployeeData,
            {
                "employee": {
                    "id": CONTRACTOR,
                    "name": "Alan Turing",
                    "employment_type": "contractor",
                }
            },
            calls=(f"/v1/contractors/{CONTRACTOR}",),
        ),
        Filled(
            "payroll.paid",
            PayrollData,
            {
                "payroll": {
                    "id": PAYROLL,
                    "status": "paid",  # the event's word, not the record's "processed"
                    "period_start": "2025-01-01",
                    "period_end": "2025-01-15",
                    "pay_date": "2025-01-17",
                    "run_type": "regular",
                }
            },
        ),
    )
    kept_credentials = (({"api_token": "system", "auth_scheme": "Bearer"}, None),)
    """The provisioning token does not serve."""

    @pytest.fixture
    def sim(self, gusto_sim: GustoSim) -> GustoSim:
        gusto_sim.add_token(ACCESS_TOKEN)
        return gusto_sim
