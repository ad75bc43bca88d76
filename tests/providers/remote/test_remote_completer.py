"""Remote's completer against a local Remote over real HTTP: a thin notification comes back with
the employment or time off Remote's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.remote import RemoteCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import completion_failure, context, thin
from tests.providers.remote.remote_sim import EMPLOYMENT, TIMEOFF, RemoteSim

TOKEN = "remote-company-token-3b9e"
CREDENTIALS = RemoteCredentials(token=TOKEN)
completer = adapter.completer
assert completer is not None


@pytest.fixture
def sim(remote_sim: RemoteSim) -> RemoteSim:
    remote_sim.add_token(TOKEN)
    return remote_sim


async def test_an_employee_event_is_filled_from_the_employment(sim: RemoteSim) -> None:
    event_type, data = thin(adapter, "employment.details.updated")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
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
    event_type, data = thin(adapter, "employment.onboarding_task.completed")
    assert isinstance(data, EmploymentData)
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
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
    event_type, data = thin(adapter, "timeoff.approved")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
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


async def test_another_companys_record_is_not_found(sim: RemoteSim) -> None:
    sim.employments[EMPLOYMENT]["company_id"] = "other-inc"
    failure = await completion_failure(
        adapter, "employment.details.updated", sim.base_url, CREDENTIALS
    )
    assert failure.kind == "not_found"


async def test_a_rate_limit_carries_remotes_retry_after(sim: RemoteSim) -> None:
    sim.fail_next(429, {"message": "Too Many Requests"}, retry_after=9)
    failure = await completion_failure(adapter, "timeoff.requested", sim.base_url, CREDENTIALS)
    assert (failure.kind, failure.retry_after) == ("rate_limited", 9.0)


async def test_a_wrong_token_is_an_auth_error_without_the_token(sim: RemoteSim) -> None:
    wrong = RemoteCredentials(token="not-the-token")
    failure = await completion_failure(adapter, "employment.details.updated", sim.base_url, wrong)
    assert failure.kind == "auth"
    assert "not-the-token" not in str(failure) + repr(wrong)


def test_a_provisioned_connections_kept_token_serves() -> None:
    kept = VendorState(state={}, credentials={"token": "t"})
    assert completer.credentials_from(kept) == RemoteCredentials(token="t")
    assert completer.credentials_from(VendorState(state={}, credentials=None)) is None


def test_payslip_and_company_events_are_not_completed() -> None:
    assert not completer.completes(*thin(adapter, "payslip.released"))
    assert not completer.completes(*thin(adapter, "company.activated"))
    assert completer.completes(*thin(adapter, "timeoff.canceled"))
