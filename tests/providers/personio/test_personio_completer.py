"""Personio's completer against a local Personio over real HTTP: a dataless notification comes
back with the person, employment or absence period Personio's v2 API holds."""

from __future__ import annotations

import pytest

from providers.personio import PersonioCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import (
    CompleterConformance,
    Filled,
    RateLimit,
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
    filled = (
        Filled(
            "person.updated",
            EmployeeData,
            {"employee": {"id": PERSON, "name": "Ada Lovelace", "email": "ada@example.com"}},
            kept=("company",),
            calls=("/v2/auth/token", f"/v2/persons/{PERSON}"),
        ),
        Filled(
            "employment.updated",
            EmploymentData,
            {
                "employment": {
                    "id": EMPLOYMENT,
                    "job_title": "Engineer",
                    "status": "active",
                    "manager": {"id": SUPERVISOR},
                    "start_date": "2024-03-01",
                },
                "employee": {"name": "Ada Lovelace", "job_title": "Engineer"},
            },
        ),
        # A start fills the employee from person and employment.
        Filled(
            "employment.started",
            EmployeeData,
            {
                "employee": {"name": "Ada Lovelace", "employment_status": "active"},
                "employment": {"job_title": "Engineer"},
            },
        ),
        Filled(
            "absence-period.created",
            TimeOffData,
            {
                "time_off": {
                    "id": ABSENCE,
                    "type": "Paid vacation",
                    "start": "2025-06-16",
                    "end": "2025-06-20",
                    "approval_status": "approved",
                },
                "employee": {"name": "Ada Lovelace"},
            },
        ),
    )
    kept_credentials = (
        (
            {"client_id": "a", "client_secret": "b"},
            PersonioCredentials(client_id="a", client_secret="b"),
        ),
        (None, None),
    )
    """A provisioned connection's kept credentials serve."""

    @pytest.fixture
    def sim(self, personio_sim: PersonioSim) -> PersonioSim:
        personio_sim.add_client(CLIENT_ID, CLIENT_SECRET)
        return personio_sim


async def test_credentials_without_the_read_scope_are_an_auth_error(
    personio_sim: PersonioSim,
) -> None:
    personio_sim.add_client(CLIENT_ID, CLIENT_SECRET, frozenset({"personio:webhooks:write"}))
    failure = await completion_failure(
        adapter, "person.created", personio_sim.base_url, CREDENTIALS
    )
    assert (failure.kind, failure.status) == ("auth", 403)
