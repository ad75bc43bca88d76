"""Kombo's completer against a local Kombo over real HTTP: a ``data-changed`` comes back with the
records of its models that changed since the integration's previous event, mapped as the
canonical resources."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import msgspec
import pytest

from providers.kombo import KomboCredentials, adapter
from providers.kombo.client import PAGE_SIZE, KomboClient
from providers.kombo.completer import FIRST_LOOKBACK, MARGIN
from providers.kombo.payloads import KomboEmployee
from schemas.events import DataChangedData
from tests.providers.completion_helpers import (
    ADA,
    NOW,
    CompleterConformance,
    RateLimit,
    assert_holds,
    completed,
    completed_many,
    completer_of,
    context,
    thin,
)
from tests.providers.kombo.kombo_sim import (
    API_KEY,
    APPLICATION,
    ATS,
    CANDIDATE,
    EMPLOYEE,
    HRIS,
    JOB,
    MANAGER,
    STAGE,
    KomboSim,
)

CREDENTIALS = KomboCredentials(api_key=API_KEY)
completer = completer_of(adapter)


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class TestKomboCompleter(CompleterConformance):
    adapter = adapter
    credentials = CREDENTIALS
    wrong_secret = "not-the-key"
    wrong_credentials = KomboCredentials(api_key=wrong_secret)
    auth_event = "data-changed"
    rate_limit = RateLimit("data-changed", {}, retry_after=7)
    gone = {"data-changed": lambda sim: sim.records.pop(HRIS)}  # an integration Kombo lacks
    completes = ("data-changed",)
    not_thin = ("data-changed:lms_doc", "sync-finished", "integration-created")
    error_codes = {
        "rate_limited": "PLATFORM.RATE_LIMIT_EXCEEDED",
        "not_found": "PLATFORM.INTEGRATION_NOT_FOUND",
    }

    @pytest.fixture
    def sim(self, kombo_sim: KomboSim) -> KomboSim:
        return kombo_sim

    def limit(self, sim: KomboSim) -> None:
        """Kombo's own answer to a client over its limit, not an injected one."""
        sim.rate_limited = int(self.rate_limit.retry_after)


async def test_employees_changed_in_the_first_look_back_are_read_and_mapped(
    kombo_sim: KomboSim,
) -> None:
    data, full = await completed(adapter, "data-changed", kombo_sim.base_url, CREDENTIALS)
    assert isinstance(full, DataChangedData)
    # Only Ada changed within the last 24 hours; Alan changed months ago.
    assert_holds(
        full,
        {
            "record_ids": [EMPLOYEE],
            "models": ["hris_employees", "hris_employments"],
            "candidates": None,
            "jobs": None,
            "employees": [
                {
                    "id": EMPLOYEE,
                    **ADA,
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "work_email": "ada@example.com",
                    "personal_email": "ada@home.example",
                    "phone": "+49 30 1234567",
                    "department": "R&D",
                    "manager": {"id": MANAGER, "name": "Grace Hopper"},
                    "employment_status": "active",
                    "raw_status": "ACTIVE",
                    "employment_type": "full_time",
                    "termination_date": None,
                    "employee_number": "1042",
                }
            ],
        },
    )
    assert full.connector == data.connector
    [(integration, path, query)] = kombo_sim.reads
    assert (integration, path) == (HRIS, "/hris/employees")
    assert _when(query["updated_after"]) == NOW - FIRST_LOOKBACK
    assert query["page_size"] == str(PAGE_SIZE)
    assert "include_deleted" not in query
    [call] = kombo_sim.calls
    assert call.authorization == f"Bearer {API_KEY}"
    assert call.headers["x-integration-id"] == HRIS


async def test_the_previous_event_less_the_margin_is_the_watermark(kombo_sim: KomboSim) -> None:
    event_type, data = thin(adapter, "data-changed")
    previous = datetime(2025, 6, 1, 7, 0, tzinfo=NOW.tzinfo)
    async with context(kombo_sim.base_url, CREDENTIALS) as ctx:
        ctx = replace(ctx, previous={(event_type, f"connector/{HRIS}"): previous})
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, DataChangedData)
    assert [e.id for e in full.employees or []] == [EMPLOYEE, "7yKe1nvzPgL1Jc4RhF5tQAaB"]
    alan = (full.employees or [])[1]
    assert (alan.employment_status, alan.raw_status) == ("terminated", "INACTIVE")
    assert alan.termination_date == "2025-01-31"
    assert alan.manager is None
    [(_, _, query)] = kombo_sim.reads
    assert _when(query["updated_after"]) == previous - MARGIN


async def test_the_first_look_back_is_a_provider_setting(kombo_sim: KomboSim) -> None:
    event_type, data = thin(adapter, "data-changed")
    async with context(kombo_sim.base_url, CREDENTIALS, {"first_lookback": "60"}) as ctx:
        full = await completer.complete(ctx, event_type, data)
    assert isinstance(full, DataChangedData)
    assert full.employees == []
    assert full.record_ids == []
    [(_, _, query)] = kombo_sim.reads
    assert _when(query["updated_after"]) == NOW - timedelta(seconds=60)


async def test_an_ats_event_reads_candidates_and_applications(kombo_sim: KomboSim) -> None:
    body = adapter.sample_variants()["data-changed:ats"]
    parts = adapter.normalize_request(body, {}, received_at=NOW)
    async with context(kombo_sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, parts.type, parts.data)
    assert parts.type == "ats.data.changed"
    assert isinstance(full, DataChangedData)
    assert [path for _, path, _ in kombo_sim.reads] == ["/ats/candidates", "/ats/applications"]
    assert full.record_ids == [CANDIDATE, APPLICATION]
    [candidate] = full.candidates or []
    assert (candidate.name, candidate.email, candidate.phone, candidate.tags) == (
        "Frank Doe",
        "frank.doe@example.com",
        "+1-541-754-3010",
        ["Wants to relocate"],
    )
    [application] = full.applications or []
    assert application.candidate is not None
    assert application.candidate.id == CANDIDATE
    assert application.job is not None
    assert (application.job.id, application.job.title) == (JOB, "Staff Engineer")
    assert application.stage is not None
    assert (application.stage.id, application.stage.name) == (STAGE, "On-site")
    assert full.jobs is None
    assert full.employees is None


async def test_a_job_is_mapped(kombo_sim: KomboSim) -> None:
    _event_type, data = thin(adapter, "data-changed")
    assert isinstance(data, DataChangedData)
    assert data.connector is not None
    jobs = msgspec.structs.replace(
        data,
        models=["ats_jobs"],
        connector=msgspec.structs.replace(data.connector, id=ATS),
    )
    async with context(kombo_sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, "ats.data.changed", jobs)
    assert isinstance(full, DataChangedData)
    [job] = full.jobs or []
    assert (job.id, job.title, job.status, job.raw_status) == (
        JOB,
        "Staff Engineer",
        "open",
        "OPEN",
    )
    assert (job.employment_type, job.department) == ("FULL_TIME", "Platform")
    assert job.location is not None
    assert (job.location.city, job.location.country) == ("Berlin", "DE")


async def test_pages_are_followed_by_cursor_up_to_the_bound(kombo_sim: KomboSim) -> None:
    kombo_sim.add_employees(2 * PAGE_SIZE + 5, "2025-12-31T13:00:00.000Z")
    event_type, data = thin(adapter, "data-changed")
    async with context(kombo_sim.base_url, CREDENTIALS) as ctx:
        full = await completer.complete(ctx, event_type, data)
        client = KomboClient(ctx.http, kombo_sim.base_url, API_KEY, HRIS)
        since = NOW - FIRST_LOOKBACK
        some, more = await client.changed("/hris/employees", KomboEmployee, since, max_pages=2)
    assert isinstance(full, DataChangedData)
    assert len(full.employees or []) == 2 * PAGE_SIZE + 6
    assert len(set(full.record_ids)) == 2 * PAGE_SIZE + 6
    cursors = [q.get("cursor") for _, _, q in kombo_sim.reads[:3]]
    assert cursors[0] is None
    assert all(cursors[1:])
    assert len(some) == 2 * PAGE_SIZE
    assert more


async def test_events_completed_together_share_one_read(kombo_sim: KomboSim) -> None:
    item = thin(adapter, "data-changed")
    results = await completed_many(adapter, [item, item], kombo_sim.base_url, CREDENTIALS)
    assert [r.record_ids for r in results] == [[EMPLOYEE], [EMPLOYEE]]  # type: ignore[union-attr]
    assert len(kombo_sim.reads) == 1


def test_a_data_changed_without_a_readable_model_is_not_completed() -> None:
    event_type, data = thin(adapter, "data-changed")
    assert completer.completes(event_type, data)
    assert isinstance(data, DataChangedData)
    other = msgspec.structs.replace(data, models=["hris_employments", "hris_absences"])
    assert not completer.completes(event_type, other)
