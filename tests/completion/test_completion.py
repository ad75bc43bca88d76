"""Completing thin events, end to end: Lever webhooks to a connection with ``complete: true``,
the records read from the local Lever over real HTTP by a real worker, and the events delivered to
a local subscriber. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Completion, Connection
from providers.registry import default_registry
from tests.completion.conftest import worker
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.delivery.conftest import FAST, subscribe
from tests.delivery.receiver import Receiver
from tests.providers.lever.lever_sim import LeverSim, lever_sim, lever_sim_server

__all__ = ["lever_sim", "lever_sim_server"]  # the simulator's fixtures, used by name

ACCOUNT = "acct-acme"
API_KEY = "lever-read-key-5678"
SIGNING = "lever-signing-token-for-acme"
OPPORTUNITY = "opp-3410c8b9"
CONTACT = "contact-77"
POSTING = "posting-9"
STAGE_FROM, STAGE_TO = "stage-screen", "stage-onsite"
LEVER = default_registry().get("lever")


@pytest.fixture(scope="module")
def lever_api_url(lever_sim_server: LeverSim) -> str:
    return lever_sim_server.api_url


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, lever_api_url: str, overrides: dict[str, Any]) -> Settings:
    return replace(
        settings,
        provider_env={"UNIHOOK_PROVIDER_LEVER_API_URL": lever_api_url},
        **{**FAST, "lease_seconds": 2, **overrides},
    )


@pytest.fixture
def sim(lever_sim: LeverSim) -> LeverSim:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.add_opportunity(
        ACCOUNT,
        OPPORTUNITY,
        name="Ada Lovelace",
        emails=["ada@example.com", "ada.l@example.org"],
        contact=CONTACT,
        stage=STAGE_TO,
        postings=(POSTING,),
    )
    lever_sim.add_posting(ACCOUNT, POSTING, "Staff Engineer", team="Platform", location="London")
    lever_sim.add_stage(ACCOUNT, STAGE_FROM, "Phone screen")
    lever_sim.add_stage(ACCOUNT, STAGE_TO, "On-site")
    return lever_sim


async def connect_lever(client: Any, **extra: Any) -> dict[str, Any]:
    body = {"provider": "lever", "tenant": "acme", "secret": SIGNING, **extra}
    response = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def stage_change(client: Any, opportunity: str = OPPORTUNITY) -> str:
    """Lever's ``candidateStageChange`` for ``opportunity``, signed; the ingest answer's event id."""
    data = {
        "opportunityId": opportunity,
        "candidateId": opportunity,
        "contactId": CONTACT,
        "toStageId": STAGE_TO,
        "fromStageId": STAGE_FROM,
    }
    raw = json.dumps({"event": "candidateStageChange", "data": data}).encode()
    body, headers = LEVER.sign_request(raw, SIGNING, now=datetime.now(UTC))
    response = await client.post("/ingest/lever/acme", content=body, headers=headers)
    assert response.status_code == 202, response.text
    event_id: str = response.json()["event_id"]
    return event_id


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


async def sign_in(client: Any, token: str) -> None:
    form = await client.get("/console/")
    response = await client.post(
        "/console/login",
        data={"token": token, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303


def opportunity_reads(sim: LeverSim) -> list[int]:
    return [c.status_code for c in sim.calls if c.path.startswith("/v1/opportunities/")]


async def completion_of(services: Runtime, event_id: str) -> Completion:
    async with services.sessions() as session:
        found = await session.scalar(select(Completion).where(Completion.event_id == event_id))
    assert found is not None
    return found


async def test_a_stage_change_reaches_the_subscriber_as_a_full_application(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    made = await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    assert made["complete"] is True
    assert made["has_credentials"] is True
    assert API_KEY not in json.dumps(made)
    await subscribe(client, receiver.url)

    event_id = await stage_change(client)
    # The vendor's 202 came from the commit: no worker runs yet, nothing was fetched or sent.
    assert opportunity_reads(sim) == []
    stored = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    assert stored["completeness"] == "reference"

    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["id"] == event_id
    assert event["completeness"] == "full"
    assert "completion_error" not in event["source"]
    application = event["data"]["application"]
    assert application["candidate"] == {
        "id": CONTACT,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
    }
    assert application["stage"] == {"id": STAGE_TO, "name": "On-site"}
    assert application["job"]["id"] == POSTING
    assert application["job"]["title"] == "Staff Engineer"
    assert event["data"]["previous_stage"] == {"id": STAGE_FROM, "name": "Phone screen"}
    assert all(c.authorization and c.authorization.startswith("Basic ") for c in sim.calls)
    # the stored event is the completed one: a redelivery sends the same body
    again = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    assert again["completeness"] == "full"
    assert again["data"]["application"]["candidate"]["name"] == "Ada Lovelace"
    done = await completion_of(services, event_id)
    assert done.status == "completed"
    assert done.fetched is not None
    assert "application.candidate" in done.fetched


async def test_a_rate_limit_delays_the_event_and_it_still_completes(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    await subscribe(client, receiver.url)
    sim.fail_next(429, {"code": "TooManyRequests", "message": "slow down"}, retry_after=1)
    event_id = await stage_change(client)
    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["completeness"] == "full"
    assert event["data"]["application"]["candidate"]["name"] == "Ada Lovelace"
    assert opportunity_reads(sim) == [429, 200]
    done = await completion_of(services, event_id)
    assert done.status == "completed"
    assert done.attempts == 1
    assert done.error_kind == "rate_limited"


async def test_a_deleted_record_sends_the_event_on_at_once_with_not_found(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    await subscribe(client, receiver.url)
    event_id = await stage_change(client, opportunity="opp-deleted-before-the-fetch")
    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["id"] == event_id
    assert event["completeness"] == "reference"
    assert event["source"]["completion_error"] == "not_found"
    assert event["data"]["application"]["id"] == "opp-deleted-before-the-fetch"
    assert opportunity_reads(sim) == [404]  # not retried


@pytest.mark.parametrize("overrides", [{"complete_timeout": 2.0}])
async def test_a_vendor_failing_past_the_timeout_sends_the_event_with_the_error(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    await subscribe(client, receiver.url)
    for _ in range(10):
        sim.fail_next(503, {"code": "ServiceUnavailable", "message": "down"})
    event_id = await stage_change(client)
    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["id"] == event_id
    assert event["completeness"] == "reference"
    assert event["source"]["completion_error"] == "unreachable"
    assert 503 in opportunity_reads(sim)
    assert 200 not in opportunity_reads(sim)
    failed = await completion_of(services, event_id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "503" in failed.error


async def test_connections_without_complete_are_unchanged(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client)
    await subscribe(client, receiver.url)
    event_id = await stage_change(client)
    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["id"] == event_id
    assert event["completeness"] == "reference"
    assert "completion_error" not in event["source"]
    assert opportunity_reads(sim) == []
    async with services.sessions() as session:
        assert (await session.scalar(select(Completion.event_id))) is None


async def test_credentials_are_checked_kept_encrypted_and_never_returned(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim
) -> None:
    missing = await client.post(
        "/v1/connections",
        json={"provider": "lever", "tenant": "acme", "secret": SIGNING, "complete": True},
        headers=ADMIN,
    )
    assert missing.status_code == 400
    assert "credentials are required" in missing.json()["detail"]
    wrong = await client.post(
        "/v1/connections",
        json={
            "provider": "lever",
            "tenant": "acme",
            "secret": SIGNING,
            "complete": True,
            "credentials": {"api_key": API_KEY, "password": "x"},
        },
        headers=ADMIN,
    )
    assert wrong.status_code == 400
    assert "password" in wrong.json()["detail"]
    no_completer = await client.post(
        "/v1/connections",
        json={"provider": "breezy", "tenant": "acme", "secret": "s", "complete": True},
        headers=ADMIN,
    )
    assert no_completer.status_code == 400
    assert "cannot complete" in no_completer.json()["detail"]

    made = await connect_lever(client)
    assert made["complete"] is False
    path = f"/v1/connections/{made['id']}"
    turned_on = await client.patch(
        path, json={"complete": True, "credentials": {"api_key": API_KEY}}, headers=ADMIN
    )
    assert turned_on.status_code == 200, turned_on.text
    assert turned_on.json()["complete"] is True
    assert turned_on.json()["has_credentials"] is True
    shown = await client.get(path, headers=ADMIN)
    assert API_KEY not in shown.text
    async with services.sessions() as session:
        row = await session.get(Connection, made["id"])
        assert row is not None
        assert row.credentials_enc is not None
        assert API_KEY not in row.credentials_enc
    turned_off = await client.patch(path, json={"complete": False}, headers=ADMIN)
    assert turned_off.json()["complete"] is False
    assert turned_off.json()["has_credentials"] is False

    providers = (await client.get("/v1/providers", headers=ADMIN)).json()
    lever = next(p for p in providers["data"] if p["name"] == "lever")
    schema = json.dumps(lever["completion"]["credentials_schema"])
    assert "api_key" in schema


async def test_the_console_turns_completion_on_and_shows_what_was_fetched(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await sign_in(client, ADMIN_TOKEN)
    token = csrf_of((await client.get("/console/connections")).text)
    made = await client.post(
        "/console/connections",
        data={
            "csrf_token": token,
            "mode": "manual",
            "provider": "lever",
            "tenant": "acme",
            "secret": SIGNING,
            "verify": "on",
            "complete": "on",
            "credentials": "api_key=wrong-key-first",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    page = await client.get(page_url)
    assert "Completing thin events" in page.text
    assert "wrong-key-first" not in page.text
    changed = await client.post(
        page_url + "/completion",
        data={"csrf_token": csrf_of(page.text), "complete": "on", "credential.api_key": API_KEY},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    (connection,) = (await client.get("/v1/connections", headers=ADMIN)).json()["data"]
    assert connection["complete"] is True
    await subscribe(client, receiver.url)
    event_id = await stage_change(client)
    async with worker(services):
        await receiver.wait_for(1, timeout=20)
    shown = await client.get(f"/console/events/{event_id}")
    assert "completed" in shown.text
    assert "application.candidate" in shown.text
    assert all(
        API_KEY in c.authorization or "Basic" in c.authorization
        for c in sim.calls
        if c.authorization
    )


async def test_a_stream_reads_a_held_event_only_once_completed(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    made = await client.post("/v1/streams", json={"name": "hr", "events": ["*"]}, headers=ADMIN)
    assert made.status_code == 201, made.text
    path = f"/v1/streams/{made.json()['id']}/events"
    await subscribe(client, receiver.url)
    event_id = await stage_change(client)
    waited = await client.get(path + "?wait=1.5", headers=ADMIN)  # past the read's settle time
    assert waited.json()["data"] == []
    async with worker(services):
        await receiver.wait_for(1, timeout=20)
    (event,) = (await client.get(path + "?wait=5", headers=ADMIN)).json()["data"]
    assert event["id"] == event_id
    assert event["completeness"] == "full"


async def test_a_redelivery_of_a_held_event_waits_for_its_completion(
    client: AsyncTestClient[Any], services: Runtime, sim: LeverSim, receiver: Receiver
) -> None:
    await connect_lever(client, complete=True, credentials={"api_key": API_KEY})
    await subscribe(client, receiver.url)
    event_id = await stage_change(client)
    again = await client.post(f"/v1/events/{event_id}/redeliver", json={}, headers=ADMIN)
    assert again.status_code in (200, 202), again.text
    async with worker(services):
        received = await receiver.wait_for(2, timeout=20)
    bodies = [json.loads(r.body) for r in received]
    assert [b["id"] for b in bodies] == [event_id, event_id]
    assert [b["completeness"] for b in bodies] == ["full", "full"]
