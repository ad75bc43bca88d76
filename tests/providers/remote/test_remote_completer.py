"""Remote's completer against a local Remote over real HTTP: a thin notification comes back with
the employment or time off Remote's API holds, mapped as the canonical resources."""

from __future__ import annotations

import pytest

from providers.remote import RemoteCredentials, adapter
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from tests.providers.completion_helpers import ADA, CompleterConformance, Filled, RateLimit
from tests.providers.remote.remote_sim import EMPLOYMENT, TIMEOFF, RemoteSim

TOKEN = "remote-company-token-3b9e"


def _requested(sim: RemoteSim) -> None:
    """The record still says requested: the event's decision is a moment newer."""
    sim.time_offs[TIMEOFF]["status"] = "requested"


class TestRemoteCompleter(CompleterConformance):
    adapter = adapter
    credentials = RemoteCredentials(token=TOKEN)
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
    authorization = f"Bearer {TOKEN}"
    filled = (
        Filled(
            "employment.details.updated",
            EmployeeData,
            {
                "employee": {
                    "id": EMPLOYMENT,
                    **ADA,
                    "employment_status": "active",
                    "location": {"country": "PRT"},
                }
            },
            kept=("company",),
            calls=(f"/v1/employments/{EMPLOYMENT}",),
        ),
        Filled(
            "employment.onboarding_task.completed",
            EmploymentData,
            {
                "employment": {"job_title": "Engineer", "status": "active", "raw_status": "active"},
                "employee": {"name": "Ada Lovelace"},
            },
            thin=EmploymentData,
        ),
        Filled(
            "timeoff.approved",
            TimeOffData,
            {
                "time_off": {
                    "id": TIMEOFF,
                    "type": "paid_time_off",
                    "start": "2025-02-03",
                    "end": "2025-02-07",
                    "approval_status": "approved",  # the event's, read a moment before the record
                },
                "employee": {"name": "Ada Lovelace"},
            },
            before=_requested,
        ),
    )
    kept_credentials = (({"token": "t"}, RemoteCredentials(token="t")), (None, None))
    """A provisioned connection's kept token serves."""

    @pytest.fixture
    def sim(self, remote_sim: RemoteSim) -> RemoteSim:
        remote_sim.add_token(TOKEN)
        return remote_sim
