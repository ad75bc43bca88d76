"""Remote's completer against a local Remote over real HTTP: a thin notification comes back with
the employment or time off Remote's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.remote import RemoteCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import CompleterConformance, RateLimit, completed
from tests.providers.remote.remote_sim import EMPLOYMENT, TIMEOFF, RemoteSim

TOKEN = "remote-company-token-3b9e"
CREDENTIALS = RemoteCredentials(token=TOKEN)
completer = adapter.completer
assert completer is not None


@pytest.fixture
def sim(remote_sim: RemoteSim) -> RemoteSim:
    remote_sim.add_token(TOKEN)
    return remote_sim


class TestRemoteCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-token"
    wrong_credentials = RemoteCredentials(token=wrong_secret)
    auth_event = "employment.details.updated"
    rate_limit = RateLimit("timeoff.requested", {"message": "Too Many Requests"}, retry_after=9)
    # Remote answers another company's record as it answers one it does not have.
    gone = {
        "employment.details.updated": lambda sim: sim.employments[EMPLOYMENT].update(
            company_id="other-inc"
        )
    }
    completes = ("timeoff.canceled",)
    declines = ("payslip.released", "company.activated")


async def test_an_employee_event_is_filled_from_the_employment(sim: RemoteSim) -> None:
    data, full = await completed(adapter, "employment.details.updated", sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    employee = full.employee
    assert (employee.id, employee.name, employee.email) == (
        EMPLOYMENT,
        "Ada Lovelace",
        "ada@example.com",
    )
    assert (employee.job_title, employee.employment_status, employee.start_date) == (
        "Engineer",
        "active",
        "2024-03-01",
    )
    assert employee.location is not None
    assert employee.location.country == "PRT"
    assert full.company == data.company  # type: ignore[attr-defined]
    [call] = sim.calls
    assert (call.path, call.authorization) == (f"/v1/employments/{EMPLOYMENT}", f"Bearer {TOKEN}")


async def test_an_employment_event_is_filled_with_the_employment(sim: RemoteSim) -> None:
    data, full = await completed(
        adapter, "employment.onboarding_task.completed", sim.base_url, CREDENTIALS
    )
    assert isinstance(data, EmploymentData)
    assert isinstance(full, EmploymentData)
    assert (full.employment.job_title, full.employment.status, full.employment.raw_status) == (
        "Engineer",
        "active",
        "active",
    )
    assert full.employee is not None
    assert full.employee.name == "Ada Lovelace"


async def test_a_time_off_event_keeps_its_decision_and_reads_the_rest(sim: RemoteSim) -> None:
    sim.time_offs[TIMEOFF]["status"] = "requested"
    _, full = await completed(adapter, "timeoff.approved", sim.base_url, CREDENTIALS)
    assert isinstance(full, TimeOffData)
    time_off = full.time_off
    assert (time_off.id, time_off.type, time_off.start, time_off.end) == (
        TIMEOFF,
        "paid_time_off",
        "2025-02-03",
        "2025-02-07",
    )
    assert time_off.approval_status == "approved"  # the event's, read a moment before the record
    assert full.employee is not None
    assert full.employee.name == "Ada Lovelace"


def test_a_provisioned_connections_kept_token_serves() -> None:
    kept = VendorState(state={}, credentials={"token": "t"})
    assert completer.credentials_from(kept) == RemoteCredentials(token="t")
    assert completer.credentials_from(VendorState(state={}, credentials=None)) is None
