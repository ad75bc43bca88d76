"""Personio's completer against a local Personio over real HTTP: a dataless notification comes
back with the person, employment or absence period Personio's v2 API holds."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.personio import PersonioCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import completion_failure, context, thin
from tests.providers.personio.personio_sim import (
    ABSENCE,
    EMPLOYMENT,
    PERSON,
    SUPERVISOR,
    PersonioSim,
)

CLIENT_ID, CLIENT_SECRET = "papi-read-client", "papi-read-secret-7c1d"
CREDENTIALS = PersonioCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
completer = adapter.completer
assert completer is not None


@pytest.fixture
def sim(personio_sim: PersonioSim) -> PersonioSim:
    personio_sim.add_client(CLIENT_ID, CLIENT_SECRET)
    return personio_sim


async def test_a_person_event_is_filled_from_the_person(sim: PersonioSim) -> None:
    event_type, data = thin(adapter, "person.updated")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, EmployeeData)
    employee = full.employee
    assert (employee.id, employee.name, employee.email) == (
        PERSON,
        "Ada Lovelace",
        "ada@example.com",
    )
    assert full.company == data.company  # type: ignore[attr-defined]
    assert [c.path for c in sim.calls] == ["/v2/auth/token", f"/v2/persons/{PERSON}"]


async def test_an_employment_event_is_filled_with_the_employment_and_its_person(
    sim: PersonioSim,
) -> None:
    event_type, data = thin(adapter, "employment.updated")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, EmploymentData)
    employment = full.employment
    assert (employment.id, employment.job_title, employment.status) == (
        EMPLOYMENT,
        "Engineer",
        "active",
    )
    assert employment.manager is not None
    assert employment.manager.id == SUPERVISOR
    assert employment.start_date == "2024-03-01"
    assert full.employee is not None
    assert (full.employee.name, full.employee.job_title) == ("Ada Lovelace", "Engineer")


async def test_a_start_event_fills_the_employee_from_person_and_employment(
    sim: PersonioSim,
) -> None:
    event_type, data = thin(adapter, "employment.started")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, EmployeeData)
    assert (full.employee.name, full.employee.employment_status) == ("Ada Lovelace", "active")
    assert full.employment is not None
    assert full.employment.job_title == "Engineer"


async def test_an_absence_event_is_filled_with_the_period(sim: PersonioSim) -> None:
    event_type, data = thin(adapter, "absence-period.created")
    async with context(sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, TimeOffData)
    time_off = full.time_off
    assert (time_off.id, time_off.type, time_off.start, time_off.end) == (
        ABSENCE,
        "Paid vacation",
        "2025-06-16",
        "2025-06-20",
    )
    assert time_off.approval_status == "approved"
    assert full.employee is not None
    assert full.employee.name == "Ada Lovelace"


async def test_a_record_gone_is_not_found(sim: PersonioSim) -> None:
    sim.absence_periods.clear()
    failure = await completion_failure(
        adapter, "absence-period.updated.status", sim.base_url, CREDENTIALS
    )
    assert failure.kind == "not_found"


async def test_a_rate_limit_carries_personios_retry_after(sim: PersonioSim) -> None:
    sim.fail_next(429, {"title": "Too Many Requests"}, retry_after=30, after=1)
    failure = await completion_failure(adapter, "person.created", sim.base_url, CREDENTIALS)
    assert (failure.kind, failure.retry_after) == ("rate_limited", 30.0)


async def test_wrong_credentials_are_an_auth_error_without_the_secret(sim: PersonioSim) -> None:
    wrong = PersonioCredentials(client_id=CLIENT_ID, client_secret="not-the-secret")
    failure = await completion_failure(adapter, "person.created", sim.base_url, wrong)
    assert failure.kind == "auth"
    assert "not-the-secret" not in str(failure) + repr(wrong)


async def test_credentials_without_the_read_scope_are_an_auth_error(
    personio_sim: PersonioSim,
) -> None:
    personio_sim.add_client(CLIENT_ID, CLIENT_SECRET, frozenset({"personio:webhooks:write"}))
    failure = await completion_failure(
        adapter, "person.created", personio_sim.base_url, CREDENTIALS
    )
    assert (failure.kind, failure.status) == ("auth", 403)


def test_a_provisioned_connections_kept_credentials_serve() -> None:
    kept = VendorState(state={}, credentials={"client_id": "a", "client_secret": "b"})
    assert completer.credentials_from(kept) == PersonioCredentials(client_id="a", client_secret="b")
    assert completer.credentials_from(VendorState(state={}, credentials=None)) is None


@pytest.mark.parametrize(
    ("vendor_type", "completed"),
    [
        ("person.created", True),
        ("employment.terminated", True),
        ("absence-period.updated.timerange", True),
        ("person.deleted", False),
        ("employment.deleted", False),
        ("absence-period.deleted", False),
    ],
)
def test_deleted_records_are_not_completed(vendor_type: str, completed: bool) -> None:
    assert completer.completes(*thin(adapter, vendor_type)) is completed
