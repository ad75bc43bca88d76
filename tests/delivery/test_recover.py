"""Recovery (``POST /v1/subscriptions/{id}/recover``) and the events list's "what failed?"
filters, over the API with no dispatcher: the tests set each delivery's outcome themselves."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select, update

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Delivery
from tests.conftest import ADMIN
from tests.delivery.conftest import unique
from tests.gateway.helpers import connect, sign, signed, tenant_key

EVERYTHING = {"since": "0"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, replay_max_events=3, replay_interval=0.0)


async def subscription(client: Any, headers: dict[str, str] = ADMIN) -> str:
    made = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    sub_id: str = made.json()["id"]
    return sub_id


async def ingest(client: Any, tenant: str = "acme") -> tuple[str, dict[str, Any]]:
    """One new event; its id and the vendor payload it came from."""
    body = unique(signed("breezy", "candidateAdded")[0])
    response = await client.post(
        f"/ingest/breezy/{tenant}", content=body, headers=sign("breezy", body)
    )
    assert response.status_code == 202, response.text
    return response.json()["event_id"], json.loads(body)


async def settle(services: Runtime, outcomes: dict[str, str]) -> None:
    """Give each event's pending deliveries the outcome named for it."""
    async with services.sessions() as session, session.begin():
        for event_id, status in outcomes.items():
            await session.execute(
                update(Delivery)
                .where(Delivery.event_id == event_id, Delivery.status == "pending")
                .values(status=status)
            )


async def pending_events(services: Runtime, sub_id: str) -> list[str]:
    async with services.sessions() as session:
        query = select(Delivery.event_id).where(
            Delivery.subscription_id == sub_id, Delivery.status == "pending"
        )
        return sorted((await session.execute(query)).scalars())


async def test_recover_queues_each_failed_event_once_and_nothing_delivered(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    failed, delivered, also_failed = [(await ingest(client))[0] for _ in range(3)]
    await settle(services, {failed: "failed", delivered: "succeeded", also_failed: "failed"})
    path = f"/v1/subscriptions/{sub_id}/recover"

    first = await client.post(path, json=EVERYTHING, headers=ADMIN)

    assert first.status_code == 202, first.text
    assert first.json() == {"enqueued": 2}
    assert await pending_events(services, sub_id) == sorted([failed, also_failed])
    busy = await client.post(path, json=EVERYTHING, headers=ADMIN)
    assert busy.status_code == 409, busy.text  # one replay or recovery at a time
    # the recovered deliveries succeed: the old failed ones are made good, nothing to recover
    await settle(services, {failed: "succeeded", also_failed: "succeeded"})
    again = await client.post(path, json=EVERYTHING, headers=ADMIN)
    assert again.json() == {"enqueued": 0}
    assert await pending_events(services, sub_id) == []
    audit = await client.get("/v1/audit", params={"action": "subscription.recover"}, headers=ADMIN)
    assert [e["target"] for e in audit.json()["data"]] == [sub_id] * 2


async def test_recover_keeps_to_its_window_and_checks_it(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    event_id, _ = await ingest(client)
    await settle(services, {event_id: "failed"})
    path = f"/v1/subscriptions/{sub_id}/recover"
    before = await client.post(path, json={"since": "0", "until": "1000"}, headers=ADMIN)
    assert before.json() == {"enqueued": 0}
    for body, detail in (
        ({"since": "yesterday"}, "since"),
        ({"since": "2000", "until": "1000"}, "until must be later than since"),
    ):
        refused = await client.post(path, json=body, headers=ADMIN)
        assert refused.status_code == 400, refused.text
        assert detail in refused.json()["detail"]
    assert await pending_events(services, sub_id) == []


async def test_recover_is_bounded_as_replay_is(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    events = [(await ingest(client))[0] for _ in range(4)]
    await settle(services, dict.fromkeys(events, "failed"))
    refused = await client.post(
        f"/v1/subscriptions/{sub_id}/recover", json=EVERYTHING, headers=ADMIN
    )
    assert refused.status_code == 400, refused.text
    assert "more than 3 events" in refused.json()["detail"]
    assert await pending_events(services, sub_id) == []


async def test_a_tenant_key_recovers_only_its_own(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    theirs = await subscription(client)
    globex = await tenant_key(services, "globex")
    refused = await client.post(
        f"/v1/subscriptions/{theirs}/recover", json=EVERYTHING, headers=globex
    )
    assert refused.status_code == 404


async def test_the_events_list_answers_what_failed(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    other = await subscription(client)
    failed, vendor = await ingest(client)
    delivered, _ = await ingest(client)
    await settle(services, {failed: "failed", delivered: "succeeded"})

    async def listed(**params: str) -> list[str]:
        response = await client.get("/v1/events", params=params, headers=ADMIN)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["data"]]

    assert await listed(delivery_status="failed") == [failed]
    assert await listed(delivery_status="succeeded") == [delivered]
    assert await listed(delivery_status="failed", subscription_id=sub_id) == [failed]
    assert await listed(subscription_id=other) == [delivered, failed]
    assert await listed(q=failed) == [failed]
    assert await listed(q=vendor["_id"]) == [failed]  # the vendor's event id
    subject = (await client.get(f"/v1/events/{failed}", headers=ADMIN)).json()["subject"]
    assert failed in await listed(q=subject)
    # recovered and then delivered: no longer among the failed
    await client.post(f"/v1/subscriptions/{sub_id}/recover", json=EVERYTHING, headers=ADMIN)
    await settle(services, {failed: "succeeded"})
    assert await listed(delivery_status="failed", subscription_id=sub_id) == []
    bad = await client.get("/v1/events", params={"delivery_status": "lost"}, headers=ADMIN)
    assert bad.status_code == 400
