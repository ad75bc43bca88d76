"""Personio's completer against a local Personio over real HTTP: a dataless notification comes
back with the person, employment or absence period Personio's v2 API holds."""

from __future__ import annotations

import pytest

from providers import VendorState
from providers.personio import PersonioCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import (
    CompleterConformance,
    RateLimit,
    completed,
    completion_failure,
)
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


class TestPersonioCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-secret"
    wrong_credentials = PersonioCredentials(client_id=CLIENT_ID, client_secret=wrong_secret)
    auth_event = "person.created"
    # The token call is answered; the read after it is refused.
    rate_limit = RateLimit("person.created", {"title": "Too Many Requests"}, 30, after=1)
    gone = {"absence-period.updated.status": lambda sim: sim.absence_periods.clear()}
    completes = ("person.created", "employment.terminated", "absence-period.updated.timerange")
    declines = ("person.deleted", "employment.deleted", "absence-period.deleted")


async def test_a_person_event_is_filled_from_the_person(sim: PersonioSim) -> None:
    data, full = await completed(adapter, "person.updated", sim.base_url, CREDENTIALS)
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
    _, full = await completed(adapter, "employment.updated", sim.base_url, CREDENTIALS)
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
    _, full = await completed(adapter, "employment.started", sim.base_url, CREDENTIALS)
    assert isinstance(full, EmployeeData)
    assert (full.employee.name, full.employee.employment_status) == ("Ada Lovelace", "active")
    assert full.employment is not None
    assert full.employment.job_title == "Engineer"


async def test_an_absence_event_is_filled_with_the_period(sim: PersonioSim) -> None:
    _, full = await completed(adapter, "absence-period.created", sim.base_url, CREDENTIALS)
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
